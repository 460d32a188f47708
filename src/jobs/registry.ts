// Registers the reconnection, service order and ARCO request clocks with the deadline checks below.
import '../accounts/payments.service.ts';
import '../field/service-orders.service.ts';
import '../privacy/arco.service.ts';
import {
  PROMISE_DUE_JOB,
  PROMISE_REMINDER_JOB,
  remindPromise,
  settleDuePromise,
} from '../accounts/promises.service.ts';
import { PRESENCE_SWEEP_JOB, sweepStalePresence } from '../agents/presence.service.ts';
import { AUTO_CLOSE_JOB, autoCloseResolved } from '../cases/case-status.ts';
import type { Channel } from '../channels/channel.ts';
import { inboundDeliveryJob } from '../channels/deliveries.service.ts';
import { MEDIA_FETCH_JOB } from '../channels/intake.service.ts';
import { fetchInboundMedia } from '../channels/media.service.ts';
import { SEND_JOB, SEND_RETRY_LIMIT, sendOutbound } from '../channels/outbound-send.ts';
import { EMAIL_POLL_JOB, pollMailbox } from '../channels/smtp/imap.poller.ts';
import type { AppContext } from '../context.ts';
import {
  CONVERSATION_IDLE_JOB,
  CONVERSATION_SEND_JOB,
  closeIdleConversations,
  sendConversationTurn,
} from '../conversations/conversations.service.ts';
import { expireSurveys, sendSurvey } from '../csat/csat.service.ts';
import { CSAT_EXPIRE_JOB, CSAT_SEND_JOB } from '../csat/csat-job.ts';
import { broadcastIncidentUpdate, INCIDENT_BROADCAST_JOB } from '../incidents/broadcast.ts';
import { applyIncidentRestoration, INCIDENT_RESTORATION_JOB } from '../incidents/restoration.ts';
import { CLEANUP_CRON, CLEANUP_JOB, cleanUp } from '../maintenance/cleanup.service.ts';
import { RETENTION_CRON, RETENTION_JOB, runRetention } from '../privacy/anonymise.ts';
import { BREACH_NOTICE_JOB, sendBreachNotice } from '../privacy/breach.service.ts';
import { PROMOTION_JOB, type PromotionJob, runPromotion } from '../privacy/promotions.service.ts';
import {
  generatePreviousMonthReport,
  REGULATOR_REPORT_CRON,
  REGULATOR_REPORT_JOB,
} from '../reports/regulator-reports.service.ts';
import { CANCELLATION_JOB, effectCancellation } from '../rights/cancellation.service.ts';
import { checkOverdueInstallation, INSTALLATION_OVERDUE_JOB } from '../rights/installation.service.ts';
import {
  REACTIVATION_JOB,
  reactivateOnDate,
  runSuspensionDay,
  SUSPENSION_DAY_CRON,
  SUSPENSION_DAY_JOB,
} from '../rights/suspension-jobs.ts';
import { checkDeadline, DEADLINE_CHECK_JOB } from '../sla/deadlines.service.ts';
import type { DeadlineCheckJob } from '../sla/subject-deadlines.ts';
import { fillResponseMinutes, RESPONSE_MINUTES_CRON, RESPONSE_MINUTES_JOB } from '../stats/backfill.ts';
import {
  dispatchWebhooks,
  sendWebhookDelivery,
  WEBHOOK_DISPATCH_JOB,
  WEBHOOK_SEND_JOB,
} from '../webhooks/dispatch.ts';
import type { AnyJobDefinition } from './queue.ts';

/** Every kind of background job, with handlers bound to the running application. */
export function jobDefinitions(ctx: AppContext): AnyJobDefinition[] {
  const imap = ctx.config.email.imap;
  return [
    ...(imap
      ? [
          {
            name: EMAIL_POLL_JOB,
            cron: '* * * * *',
            handler: async () => {
              await pollMailbox(ctx, imap);
            },
          },
        ]
      : []),
    inboundDeliveryJob(ctx),
    {
      name: AUTO_CLOSE_JOB,
      queue: { retryLimit: 5, retryDelay: 30, retryBackoff: true },
      handler: (data: { caseId: string; resolvedAt: string }) => autoCloseResolved(ctx, data),
    },
    {
      name: CSAT_SEND_JOB,
      queue: { retryLimit: 5, retryDelay: 30, retryBackoff: true },
      handler: (data: { caseId: string }) => sendSurvey(ctx, data),
    },
    {
      name: CSAT_EXPIRE_JOB,
      cron: '23 * * * *',
      handler: async () => {
        await expireSurveys(ctx);
      },
    },
    {
      name: DEADLINE_CHECK_JOB,
      queue: { retryLimit: 10, retryDelay: 15, retryBackoff: true },
      handler: (data: DeadlineCheckJob) => checkDeadline(ctx, data),
    },
    {
      name: SEND_JOB,
      // A send caught by a crash is picked up again after a minute, not after pg-boss's default 15.
      queue: { retryLimit: SEND_RETRY_LIMIT, retryDelay: 5, retryBackoff: true, expireInSeconds: 60 },
      batchSize: 50,
      handler: (data: { messageId: string }, meta) => sendOutbound(ctx, data, meta),
    },
    {
      name: MEDIA_FETCH_JOB,
      queue: { retryLimit: 8, retryDelay: 10, retryBackoff: true, expireInSeconds: 120 },
      handler: (data: {
        channel: Channel;
        messageId: string;
        mediaId: string;
        mimeType?: string;
        filename?: string;
      }) => fetchInboundMedia(ctx, data),
    },
    {
      name: CONVERSATION_SEND_JOB,
      queue: { retryLimit: SEND_RETRY_LIMIT, retryDelay: 5, retryBackoff: true, expireInSeconds: 60 },
      handler: (data: { turnId: string }, meta) => sendConversationTurn(ctx, data, meta),
    },
    {
      name: CONVERSATION_IDLE_JOB,
      cron: '* * * * *',
      handler: async () => {
        await closeIdleConversations(ctx);
      },
    },
    {
      name: CLEANUP_JOB,
      cron: CLEANUP_CRON,
      handler: async () => {
        await cleanUp(ctx);
      },
    },
    {
      name: RESPONSE_MINUTES_JOB,
      cron: RESPONSE_MINUTES_CRON,
      handler: async () => {
        await fillResponseMinutes(ctx);
      },
    },
    {
      name: RETENTION_JOB,
      cron: RETENTION_CRON,
      handler: async () => {
        await runRetention(ctx);
      },
    },
    {
      name: REGULATOR_REPORT_JOB,
      cron: REGULATOR_REPORT_CRON,
      handler: async () => {
        await generatePreviousMonthReport(ctx);
      },
    },
    {
      name: PROMISE_REMINDER_JOB,
      queue: { retryLimit: 5, retryDelay: 60, retryBackoff: true },
      handler: (data: { promiseId: string }) => remindPromise(ctx, data),
    },
    {
      name: PROMISE_DUE_JOB,
      queue: { retryLimit: 10, retryDelay: 60, retryBackoff: true },
      handler: (data: { promiseId: string }) => settleDuePromise(ctx, data),
    },
    {
      name: CANCELLATION_JOB,
      queue: { retryLimit: 10, retryDelay: 60, retryBackoff: true },
      handler: (data: { cancellationId: string }) => effectCancellation(ctx, data),
    },
    {
      name: INSTALLATION_OVERDUE_JOB,
      queue: { retryLimit: 10, retryDelay: 60, retryBackoff: true },
      handler: (data: { serviceId: string }) => checkOverdueInstallation(ctx, data),
    },
    {
      name: SUSPENSION_DAY_JOB,
      cron: SUSPENSION_DAY_CRON,
      handler: async () => {
        await runSuspensionDay(ctx);
      },
    },
    {
      name: REACTIVATION_JOB,
      queue: { retryLimit: 10, retryDelay: 60, retryBackoff: true },
      handler: (data: { suspensionId: string }) => reactivateOnDate(ctx, data),
    },
    {
      name: PRESENCE_SWEEP_JOB,
      cron: '* * * * *',
      handler: async () => {
        await sweepStalePresence(ctx);
      },
    },
    {
      name: INCIDENT_BROADCAST_JOB,
      // A worker that dies mid-broadcast stops its heartbeat: another resumes after half a minute with
      // the customers not yet told. A long broadcast at the paced rate may take hours.
      queue: {
        retryLimit: 10,
        retryDelay: 10,
        retryBackoff: true,
        heartbeatSeconds: 30,
        expireInSeconds: 6 * 3600,
      },
      handler: (data: { updateId: string }) => broadcastIncidentUpdate(ctx, data),
    },
    {
      name: INCIDENT_RESTORATION_JOB,
      queue: {
        retryLimit: 10,
        retryDelay: 10,
        retryBackoff: true,
        heartbeatSeconds: 30,
        expireInSeconds: 3600,
      },
      handler: (data: { incidentId: string; updateId: string }) => applyIncidentRestoration(ctx, data),
    },
    // Paced fan-outs like the incident broadcast: a dead worker's run is resumed by another, telling only
    // those it had not told.
    {
      name: BREACH_NOTICE_JOB,
      queue: {
        retryLimit: 10,
        retryDelay: 10,
        retryBackoff: true,
        heartbeatSeconds: 30,
        expireInSeconds: 6 * 3600,
      },
      handler: (data: { breachNoticeId: string }) => sendBreachNotice(ctx, data),
    },
    {
      name: PROMOTION_JOB,
      queue: {
        retryLimit: 10,
        retryDelay: 10,
        retryBackoff: true,
        heartbeatSeconds: 30,
        expireInSeconds: 6 * 3600,
      },
      handler: (data: PromotionJob) => runPromotion(ctx, data),
    },
    // Every minute, and as soon as a watched event is announced (at most once a second for a burst).
    {
      name: WEBHOOK_DISPATCH_JOB,
      cron: '* * * * *',
      queue: { retryLimit: 3, retryDelay: 5 },
      handler: async () => {
        await dispatchWebhooks(ctx);
      },
    },
    // The back-off between attempts is the delivery's own (a new job per attempt); these retries only
    // cover a worker dying mid-attempt.
    {
      name: WEBHOOK_SEND_JOB,
      queue: { retryLimit: 3, retryDelay: 30, retryBackoff: true, expireInSeconds: 60 },
      batchSize: 20,
      handler: (data: { deliveryId: string }) => sendWebhookDelivery(ctx, data),
    },
  ];
}
