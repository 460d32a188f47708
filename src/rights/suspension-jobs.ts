import { and, desc, eq, gte, isNull, lte, ne, sql } from 'drizzle-orm';
import { Temporal } from 'temporal-polyfill';
import { formatMxn } from '../accounts/money.ts';
import { formatPlainDateEs, providerToday } from '../accounts/payment-rules.ts';
import { assertSystemMay, systemActor } from '../auth/system-rules.ts';
import { FINAL_STATUSES } from '../cases/lifecycle.ts';
import { deliverNotice } from '../channels/notices.ts';
import type { AppContext } from '../context.ts';
import { cases, serviceSuspensions, services, suspensionNotices } from '../db/schema.ts';
import { appendEvent } from '../events/events.service.ts';
import { rightsSettings } from './rights-settings.ts';
import { reactivateService } from './service-suspension.service.ts';
import { confirmSuspensions, proposeSuspensions, type SuspensionProposal } from './suspension.service.ts';
import type { SuspensionSettings } from './suspension.ts';

type Deps = Pick<AppContext, 'db' | 'clock' | 'settings' | 'jobs' | 'database'>;

export const SUSPENSION_DAY_JOB = 'suspension-day';
/**
 * Once a day, at 08:00 in the provider's time zone (the job queue reads crons in it): notices go out in
 * the morning, when the customer can still pay that day, never at night.
 */
export const SUSPENSION_DAY_CRON = '0 8 * * *';
export const REACTIVATION_JOB = 'suspension-reactivation';

const addDays = (date: string, days: number) => Temporal.PlainDate.from(date).add({ days }).toString();
const later = (a: string, b: string) => (a > b ? a : b);

/**
 * The first day the rules could suspend for this debt, counting a notice sent today: the days after the
 * due date, and the notice's lead.
 */
const suspendableOn = (dueDate: string, today: string, rules: SuspensionSettings) =>
  later(addDays(dueDate, rules.minDaysAfterDue), addDays(today, rules.noticeDaysBefore));

/**
 * Whether the prior notice goes out today: the debt has no notice yet and will be suspendable within the
 * notice's lead. None while a conciliation is open or a promise holds: nothing can be suspended then, and
 * a warning would read as pressure on a customer using a right; it goes out once they end.
 */
function noticeDue(p: SuspensionProposal, today: string, rules: SuspensionSettings): boolean {
  if (p.dueDate === null) return false;
  const held = p.decision.rules as readonly string[];
  if (!held.includes('sin_aviso_previo')) return false;
  if (['sin_adeudo_vencido', 'conciliacion_abierta', 'promesa_vigente'].some((r) => held.includes(r)))
    return false;
  const from = later(
    addDays(p.dueDate, 1),
    addDays(p.dueDate, rules.minDaysAfterDue - rules.noticeDaysBefore),
  );
  return today >= from;
}

/**
 * Sends the prior notice of a suspension for non-payment and records how it went. The notice rides on the
 * customer's latest case about the service (an open one first), else their latest case at all: notices
 * are messages of a case, and opening a case only to carry one would fill the agents' queue with cases
 * nobody asked for. Portal cases are passed over, since the portal is read, not written to.
 *
 * `entregado` means the notice was queued on a channel the customer can be reached on now (their channel
 * with its window open, or a contact point on file with an approved text); whether the channel later
 * reports it read is not waited for, since the rule asks that the notice was sent. `no_entregable` means
 * no channel could carry it (no case, no contact, no text): the rule lets the suspension go ahead then,
 * and the agent sees `aviso_no_entregado` on the case.
 */
async function sendNotice(
  deps: Deps,
  proposal: SuspensionProposal & { dueDate: string },
  today: string,
  rules: SuspensionSettings,
) {
  const now = deps.clock.now();
  const actor = systemActor('aviso_de_suspension');
  assertSystemMay(actor, { kind: 'case.notice' });
  await deps.db.transaction(async (tx) => {
    await tx
      .select({ id: services.id })
      .from(services)
      .where(eq(services.id, proposal.serviceId))
      .for('update');
    // A retried job finds the notice it already recorded.
    const [already] = await tx
      .select({ id: suspensionNotices.id })
      .from(suspensionNotices)
      .where(
        and(
          eq(suspensionNotices.serviceId, proposal.serviceId),
          gte(suspensionNotices.noticedOn, proposal.dueDate),
          lte(suspensionNotices.noticedOn, today),
        ),
      );
    if (already) return;
    const [kase] = await tx
      .select({
        id: cases.id,
        channel: cases.channel,
        requestType: cases.requestType,
        customerId: cases.customerId,
      })
      .from(cases)
      .where(and(eq(cases.customerId, proposal.customerId), ne(cases.channel, 'portal')))
      .orderBy(
        desc(sql`${cases.serviceId} is not distinct from ${proposal.serviceId}::uuid`),
        desc(
          sql`${cases.status} not in (${sql.join(
            FINAL_STATUSES.map((s) => sql`${s}`),
            sql`, `,
          )})`,
        ),
        desc(cases.createdAt),
      )
      .limit(1);
    const on = suspendableOn(proposal.dueDate, today, rules);
    const messageId = kase
      ? await deliverNotice(deps, tx, kase, 'aviso_suspension', null, now, {
          values: { monto: formatMxn(proposal.amountOwedCentavos), fecha: formatPlainDateEs(on) },
        })
      : undefined;
    const outcome = messageId ? 'entregado' : 'no_entregable';
    const [notice] = await tx
      .insert(suspensionNotices)
      .values({ serviceId: proposal.serviceId, outcome, noticedOn: today, createdAt: now })
      .returning({ id: suspensionNotices.id });
    await appendEvent(
      tx,
      {
        kind: 'suspension_notice_recorded',
        actor,
        subject: { kind: 'service', id: proposal.serviceId },
        ...(kase ? { caseId: kase.id } : {}),
        customerId: proposal.customerId,
        after: {
          noticeId: notice?.id,
          outcome,
          noticedOn: today,
          dueDate: proposal.dueDate,
          amountOwedCentavos: proposal.amountOwedCentavos,
          suspendableOn: on,
          messageId: messageId ?? null,
        },
        reason: actor.rule,
      },
      now,
    );
  });
}

/**
 * The day's work on non-payment: prior notices to the debts that will be suspendable within the notice's
 * lead, then the suspensions the rules allow today, carried out at once when the provider made them
 * automatic, else left for a supervisor's bulk confirmation. Running it twice on a day does nothing more.
 */
export async function runSuspensionDay(deps: Deps) {
  const { settings } = await deps.settings.current(deps.db);
  const today = providerToday(settings, deps.clock.now());
  const rules = rightsSettings(settings).suspension;
  const { proposed, withheld } = await proposeSuspensions(deps, today, rules);
  let noticed = 0;
  for (const proposal of withheld) {
    if (proposal.dueDate === null || !noticeDue(proposal, today, rules)) continue;
    await sendNotice(deps, { ...proposal, dueDate: proposal.dueDate }, today, rules);
    noticed++;
  }
  if (!rules.automatic || proposed.length === 0) return { today, noticed, suspended: [] };
  const { suspended } = await confirmSuspensions(
    deps,
    proposed.map((p) => p.serviceId),
    systemActor('suspension_por_falta_de_pago'),
    rules,
  );
  return { today, noticed, suspended };
}

/**
 * Ends a suspension at the customer's request on its date. Redelivered, or after an agent reactivated
 * the service earlier, it finds the suspension ended and does nothing.
 */
export async function reactivateOnDate(deps: Deps, job: { suspensionId: string }) {
  const now = deps.clock.now();
  const actor = systemActor('reactivacion_programada');
  assertSystemMay(actor, { kind: 'service.reactivate' });
  await deps.db.transaction(async (tx) => {
    const [row] = await tx
      .select({ serviceId: serviceSuspensions.serviceId })
      .from(serviceSuspensions)
      .where(eq(serviceSuspensions.id, job.suspensionId));
    if (!row) return;
    // The service first, as every suspension and reactivation locks it, so the job waits its turn.
    await tx.select({ id: services.id }).from(services).where(eq(services.id, row.serviceId)).for('update');
    const [open] = await tx
      .select()
      .from(serviceSuspensions)
      .where(and(eq(serviceSuspensions.id, job.suspensionId), isNull(serviceSuspensions.endedAt)));
    if (!open) return;
    await reactivateService(deps, tx, { serviceId: open.serviceId, actor, now, caseId: open.caseId });
  });
}
