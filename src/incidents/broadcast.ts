import { setTimeout as sleep } from 'node:timers/promises';
import { eq, sql } from 'drizzle-orm';
import type { WritableChannel } from '../channels/channel.ts';
import { deliverNotice } from '../channels/notices.ts';
import type { TemplateSubject } from '../channels/outbound-queue.ts';
import { formatDateEs, type TemplateValues } from '../channels/templates.ts';
import type { AppContext } from '../context.ts';
import { queryRows, type Tx } from '../db/database.ts';
import { incidentNotices, incidents, incidentUpdates, incidentZones, zones } from '../db/schema.ts';
import { type IncidentSettings, incidentSettings } from './incident-settings.ts';
import { STATUS_WORDS } from './status-page.ts';

export const INCIDENT_BROADCAST_JOB = 'incident-broadcast';

export type BroadcastDeps = Pick<AppContext, 'db' | 'clock' | 'jobs' | 'database' | 'settings' | 'config'>;

/** How a broadcast waits between batches; tests pass one that only records. */
export interface Pacing {
  batchSize?: number;
  elapsedMs?: () => number;
  wait?: (ms: number) => Promise<unknown>;
}

/** Tells every customer linked to the update's incident about it, once the caller's transaction commits. */
export async function enqueueIncidentBroadcast(deps: Pick<AppContext, 'jobs'>, tx: Tx, updateId: string) {
  await deps.jobs.enqueue(tx, INCIDENT_BROADCAST_JOB, { updateId });
}

/** Which of the settings' rates paces each channel (Messenger's channel is `facebook`). */
const RATE_OF: Record<WritableChannel, keyof IncidentSettings['broadcastPerSecond']> = {
  whatsapp: 'whatsapp',
  facebook: 'messenger',
  email: 'email',
};

/**
 * How long to wait after a batch so that no channel was handed more than its rate: the batch's messages
 * on a channel take `count / perSecond` seconds, less what the batch already took.
 */
export function paceDelayMs(
  queued: Partial<Record<WritableChannel, number>>,
  perSecond: IncidentSettings['broadcastPerSecond'],
  elapsedMs: number,
): number {
  const needed = Object.entries(queued).map(
    ([channel, count]) => ((count ?? 0) / perSecond[RATE_OF[channel as WritableChannel]]) * 1000,
  );
  return Math.max(0, ...needed.map((ms) => Math.ceil(ms - elapsedMs)));
}

/** The zones an incident was declared on, as customers read them. */
export async function zoneNamesOf(tx: Tx, incidentId: string): Promise<string> {
  const rows = await tx
    .select({ name: zones.name })
    .from(incidentZones)
    .innerJoin(zones, eq(zones.id, incidentZones.zoneId))
    .where(eq(incidentZones.incidentId, incidentId))
    .orderBy(zones.name);
  return rows.map((r) => r.name).join(', ');
}

export interface Target {
  caseId: string;
  customerId: string;
  channel: string;
  requestType: string;
  folio: string;
  customerName: string | null;
}

/**
 * The next customers not yet told of an update: those with a case linked to its incident that is not
 * final and was opened by the update, each through their newest such case.
 */
const untold = (tx: Tx, update: { id: string; incidentId: string; createdAt: Date }, limit: number) =>
  queryRows<Target>(
    tx,
    sql`select distinct on (c.customer_id)
          c.id as "caseId", c.customer_id as "customerId", c.channel, c.request_type as "requestType",
          c.folio, cu.name as "customerName"
        from cases c join customers cu on cu.id = c.customer_id
        where c.incident_id = ${update.incidentId}
          and c.status not in ('cerrado', 'descartado')
          and c.created_at <= ${update.createdAt.toISOString()}
          and not exists (
            select 1 from incident_notices n where n.update_id = ${update.id} and n.customer_id = c.customer_id
          )
        order by c.customer_id, c.created_at desc, c.id desc
        limit ${limit}`,
  );

/**
 * One notice per customer and update, in batches each of one transaction: the customer's
 * `incident_notices` row is written before the notice is queued, so a run that died halfway, or a second
 * run beside it, finds that customer told and queues nothing more. Each channel is handed at most its
 * `broadcastPerSecond` messages a second.
 */
export async function broadcastIncidentUpdate(
  deps: BroadcastDeps,
  data: { updateId: string },
  pacing: Pacing = {},
): Promise<void> {
  const [update] = await deps.db.select().from(incidentUpdates).where(eq(incidentUpdates.id, data.updateId));
  if (!update) return;
  const [incident] = await deps.db.select().from(incidents).where(eq(incidents.id, update.incidentId));
  if (!incident) return;
  const { settings } = await deps.settings.current(deps.db);
  const perSecond = incidentSettings(settings).broadcastPerSecond;
  const batchSize = pacing.batchSize ?? Math.min(100, ...Object.values(perSecond));
  const elapsed = pacing.elapsedMs ?? (() => performance.now());
  const wait = pacing.wait ?? sleep;
  const timeZone = settings.provider.timeZone;
  const values: TemplateValues = {
    estado: STATUS_WORDS[update.status].toLowerCase(),
    detalle: update.publicText.trim() ? ` ${update.publicText.trim()}` : '',
    eta: update.eta ? formatDateEs(update.eta, timeZone) : 'por confirmar',
    zona: await zoneNamesOf(deps.db, incident.id),
    estado_url: `${deps.config.publicUrl}/estado`,
  };
  for (;;) {
    const startedAt = elapsed();
    const queued = await deps.db.transaction(async (tx) => {
      const now = deps.clock.now();
      const targets = await untold(tx, update, batchSize);
      if (targets.length === 0) return undefined;
      return tellEach(deps, tx, update.id, targets, 'aviso_incidente', () => values, now);
    });
    if (!queued) return;
    const delay = paceDelayMs(queued, perSecond, elapsed() - startedAt);
    if (delay > 0) await wait(delay);
  }
}

/**
 * Writes each customer's notice row, then queues their notice (a row already there means they were told:
 * nothing is queued), then records the message and channel of those that went out. Returns how many
 * messages each channel was handed.
 */
export async function tellEach(
  deps: BroadcastDeps,
  tx: Tx,
  updateId: string,
  targets: readonly Target[],
  key: string,
  valuesOf: (target: Target) => TemplateValues,
  now: Date,
): Promise<Partial<Record<WritableChannel, number>>> {
  const messageIds: string[] = [];
  for (const target of targets) {
    const [claimed] = await tx
      .insert(incidentNotices)
      .values({ updateId, customerId: target.customerId, caseId: target.caseId, createdAt: now })
      .onConflictDoNothing()
      .returning({ customerId: incidentNotices.customerId });
    if (!claimed) continue;
    const subject: TemplateSubject = {
      folio: target.folio,
      requestType: target.requestType,
      customerName: target.customerName,
    };
    const kase = {
      id: target.caseId,
      channel: target.channel,
      requestType: target.requestType,
      customerId: target.customerId,
    };
    const messageId = await deliverNotice(deps, tx, kase, key, null, now, {
      values: valuesOf(target),
      subject,
    });
    if (messageId) messageIds.push(messageId);
  }
  if (messageIds.length === 0) return {};
  const recorded = await queryRows<{ channel: WritableChannel }>(
    tx,
    sql`update incident_notices n set message_id = m.id, channel = m.channel
        from messages m
        where n.update_id = ${updateId} and m.id in ${messageIds} and m.case_id = n.case_id
        returning n.channel`,
  );
  const queued: Partial<Record<WritableChannel, number>> = {};
  for (const { channel } of recorded) queued[channel] = (queued[channel] ?? 0) + 1;
  return queued;
}
