import { and, eq, sql } from 'drizzle-orm';
import { systemActor } from '../auth/system-rules.ts';
import type { AppContext } from '../context.ts';
import { queryRows } from '../db/database.ts';
import {
  areas,
  cases,
  events,
  webhookCursor,
  webhookDeliveries,
  webhookSubscriptions,
} from '../db/schema.ts';
import { appendEvent } from '../events/events.service.ts';
import { WEBHOOK_EVENT_KINDS } from './webhook-kinds.ts';
import { postWebhook } from './webhook-post.ts';
import { webhookSettings } from './webhook-settings.ts';
import { signedHeaders } from './webhooks.service.ts';

export const WEBHOOK_DISPATCH_JOB = 'webhook-dispatch';
export const WEBHOOK_SEND_JOB = 'webhook-send';

type Deps = Pick<AppContext, 'db' | 'clock' | 'settings' | 'jobs'>;

/**
 * Event ids come from a sequence taken before commit, so a slow transaction's events (a restoration's
 * thousands) can appear below the cursor after faster ones were read. The ids skipped over are kept as
 * gaps and looked for on every run; a gap that stays empty this long was rolled back, not slow.
 */
const GAP_TTL_MS = 60 * 60 * 1000;
const BATCH = 1000;

/**
 * Turns new events into deliveries: for each active subscription naming the event's kind (and created
 * before it), one `pendiente` row and its send job; then moves the cursor and keeps the ids it skipped.
 * The cursor's row lock lets one run at a time through; running twice, or on the same events again, adds
 * nothing (one delivery per subscription and event).
 */
export async function dispatchWebhooks(deps: Deps): Promise<{ deliveries: number }> {
  let deliveries = 0;
  for (;;) {
    const { created, full } = await deps.db.transaction(async (tx) => {
      const [cursor] = await tx.select().from(webhookCursor).where(eq(webhookCursor.id, 1)).for('update');
      const last = cursor?.lastEventId ?? 0;
      const now = deps.clock.now();
      const [anyActive] = await tx
        .select({ id: webhookSubscriptions.id })
        .from(webhookSubscriptions)
        .where(eq(webhookSubscriptions.active, true))
        .limit(1);
      if (!anyActive) {
        // Nobody listens: nothing to deliver later either, so the cursor skips to the newest event.
        const [newest] = await queryRows<{ high: string | null }>(
          tx,
          sql`select max(id) as high from events`,
        );
        const high = Math.max(last, Number(newest?.high ?? 0));
        await tx
          .insert(webhookCursor)
          .values({ id: 1, lastEventId: high, gaps: [] })
          .onConflictDoUpdate({ target: webhookCursor.id, set: { lastEventId: high, gaps: [] } });
        return { created: 0, full: false };
      }
      const [top] = await queryRows<{ high: string | null; count: string }>(
        tx,
        sql`select max(id) as high, count(*) as count
            from (select id from events where id > ${last} order by id limit ${BATCH}) as batch`,
      );
      const high = top?.high === null || top?.high === undefined ? last : Number(top.high);
      const missing = await queryRows<{ id: string }>(
        tx,
        sql`select g.id from generate_series(${last + 1}::bigint, ${high}::bigint) as g(id)
            where not exists (select 1 from events e where e.id = g.id)`,
      );
      const oldGaps = cursor?.gaps ?? [];
      const gapIds = oldGaps.map((g) => g.id);
      const found = new Set(
        gapIds.length === 0
          ? []
          : (await queryRows<{ id: string }>(tx, sql`select id from events where id in ${gapIds}`)).map((r) =>
              Number(r.id),
            ),
      );
      const gaps = [
        ...oldGaps.filter((g) => !found.has(g.id) && now.getTime() - Date.parse(g.since) < GAP_TTL_MS),
        ...missing.map((r) => ({ id: Number(r.id), since: now.toISOString() })),
      ];
      const inserted = await queryRows<{ id: string }>(
        tx,
        sql`insert into webhook_deliveries (subscription_id, event_id, event_kind, status, next_attempt_at, created_at)
            select s.id, e.id, e.kind, 'pendiente', ${now.toISOString()}::timestamptz, ${now.toISOString()}::timestamptz
            from events e
            join webhook_subscriptions s
              on s.active and e.kind = any(s.event_kinds) and e.created_at >= s.created_at
            where ((e.id > ${last} and e.id <= ${high})${found.size > 0 ? sql` or e.id in ${[...found]}` : sql``})
              and (e.kind <> 'created' or e.case_id is not null)
            on conflict (subscription_id, event_id) do nothing
            returning id`,
      );
      await tx
        .insert(webhookCursor)
        .values({ id: 1, lastEventId: high, gaps })
        .onConflictDoUpdate({ target: webhookCursor.id, set: { lastEventId: high, gaps } });
      await deps.jobs.enqueueMany(
        tx,
        WEBHOOK_SEND_JOB,
        inserted.map((row) => ({ data: { deliveryId: row.id } })),
      );
      return { created: inserted.length, full: Number(top?.count ?? 0) >= BATCH };
    });
    deliveries += created;
    if (!full) return { deliveries };
  }
}

/** Keys whose values could name or reach a person: dropped from a payload's data wherever they appear. */
const PERSONAL_KEYS = new Set([
  'name',
  'fullName',
  'phone',
  'email',
  'address',
  'contact',
  'claimedContact',
  'body',
  'subject',
  'note',
  'comment',
  'fiscalName',
  'rfc',
]);

function withoutPersonalData(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutPersonalData);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>)
      .filter(([key]) => !PERSONAL_KEYS.has(key))
      .map(([key, inner]) => [key, withoutPersonalData(inner)]),
  );
}

/**
 * What an integration receives about an event: ids, codes and states, the case as it stands when sent
 * (folio, status, type, area code), never names, contact points or anyone's words.
 */
export async function webhookPayload(deps: Pick<AppContext, 'db'>, eventId: number) {
  const [row] = await deps.db
    .select({
      event: events,
      folio: cases.folio,
      status: cases.status,
      requestType: cases.requestType,
      area: areas.code,
    })
    .from(events)
    .leftJoin(cases, eq(cases.id, events.caseId))
    .leftJoin(areas, eq(areas.id, cases.areaId))
    .where(eq(events.id, eventId));
  if (!row) return undefined;
  const { event } = row;
  return {
    id: event.id,
    kind: event.kind,
    occurredAt: event.createdAt.toISOString(),
    subject: { kind: event.subjectKind, id: event.subjectId },
    case:
      row.folio !== null
        ? { folio: row.folio, status: row.status, requestType: row.requestType, area: row.area }
        : null,
    data: withoutPersonalData(event.after ?? null),
  };
}

/**
 * One attempt at a delivery: 2xx delivers it; anything else waits the next back-off delay (a new job
 * starting after it) or, with none left, fails it. A subscription whose deliveries fail `disableAfterFailures`
 * times in a row is switched off, with an event that tells admins on the live feed.
 */
export async function sendWebhookDelivery(deps: Deps, data: { deliveryId: string }): Promise<void> {
  const [row] = await deps.db
    .select({ delivery: webhookDeliveries, subscription: webhookSubscriptions })
    .from(webhookDeliveries)
    .innerJoin(webhookSubscriptions, eq(webhookSubscriptions.id, webhookDeliveries.subscriptionId))
    .where(eq(webhookDeliveries.id, data.deliveryId));
  if (row?.delivery.status !== 'pendiente') return;
  const { delivery, subscription } = row;
  const stillPending = and(
    eq(webhookDeliveries.id, delivery.id),
    eq(webhookDeliveries.status, 'pendiente'),
    eq(webhookDeliveries.attempts, delivery.attempts),
  );
  if (!subscription.active) {
    // Switched off meanwhile: what was waiting is given up, not counted against the URL.
    await deps.db
      .update(webhookDeliveries)
      .set({ status: 'fallida', lastError: 'subscription_inactive', nextAttemptAt: null })
      .where(stillPending);
    return;
  }
  const { settings } = await deps.settings.current(deps.db);
  const config = webhookSettings(settings);
  const payload = await webhookPayload(deps, delivery.eventId);
  if (!payload) {
    await deps.db
      .update(webhookDeliveries)
      .set({ status: 'fallida', lastError: 'event_missing', nextAttemptAt: null })
      .where(stillPending);
    return;
  }
  const body = JSON.stringify(payload);
  const sentAt = deps.clock.now();
  const outcome = await postWebhook(
    subscription.url,
    body,
    signedHeaders(subscription.secret, delivery.eventKind, delivery.id, sentAt, body),
    config,
  );
  const now = deps.clock.now();
  const attempts = delivery.attempts + 1;
  await deps.db.transaction(async (tx) => {
    if (outcome.delivered) {
      const updated = await tx
        .update(webhookDeliveries)
        .set({
          status: 'entregada',
          attempts,
          lastStatusCode: outcome.statusCode,
          lastError: null,
          nextAttemptAt: null,
          deliveredAt: now,
        })
        .where(stillPending)
        .returning({ id: webhookDeliveries.id });
      if (updated.length > 0)
        await tx
          .update(webhookSubscriptions)
          .set({ consecutiveFailures: 0 })
          .where(eq(webhookSubscriptions.id, subscription.id));
      return;
    }
    const delay = config.retryDelaysSeconds[attempts - 1];
    if (delay !== undefined) {
      const updated = await tx
        .update(webhookDeliveries)
        .set({
          attempts,
          lastStatusCode: outcome.statusCode,
          lastError: outcome.error,
          nextAttemptAt: new Date(now.getTime() + delay * 1000),
        })
        .where(stillPending)
        .returning({ id: webhookDeliveries.id });
      if (updated.length > 0)
        await deps.jobs.enqueue(tx, WEBHOOK_SEND_JOB, { deliveryId: delivery.id }, { startAfter: delay });
      return;
    }
    const failed = await tx
      .update(webhookDeliveries)
      .set({
        status: 'fallida',
        attempts,
        lastStatusCode: outcome.statusCode,
        lastError: outcome.error,
        nextAttemptAt: null,
      })
      .where(stillPending)
      .returning({ id: webhookDeliveries.id });
    if (failed.length === 0) return;
    const [counted] = await tx
      .update(webhookSubscriptions)
      .set({ consecutiveFailures: sql`${webhookSubscriptions.consecutiveFailures} + 1` })
      .where(eq(webhookSubscriptions.id, subscription.id))
      .returning();
    if (!counted?.active || counted.consecutiveFailures < config.disableAfterFailures) return;
    await tx
      .update(webhookSubscriptions)
      .set({ active: false, disabledAt: now })
      .where(eq(webhookSubscriptions.id, subscription.id));
    await appendEvent(
      tx,
      {
        kind: 'webhook_subscription_disabled',
        actor: systemActor('desactivacion_de_webhook'),
        subject: { kind: 'webhook_subscription', id: subscription.id },
        after: {
          host: new URL(subscription.url).host,
          consecutiveFailures: counted.consecutiveFailures,
          lastStatusCode: outcome.statusCode,
          lastError: outcome.error,
        },
        reason: 'consecutive_failures',
      },
      now,
    );
  });
}

// One run per second's slot; an event heard after this slot's run started asks for the next slot's.
const DEBOUNCED = { singletonKey: 'dispatch', singletonSeconds: 1, singletonNextSlot: true };
const WATCHED: ReadonlySet<string> = new Set(WEBHOOK_EVENT_KINDS);
const watching = new WeakSet<object>();

/**
 * Asks for a dispatch as soon as an event integrations may want is announced, instead of waiting for the
 * minute's cron; a burst of events asks for one run per second.
 */
export function watchEventsForWebhooks(ctx: AppContext) {
  if (watching.has(ctx)) return;
  watching.add(ctx);
  ctx.live.subscribe((event) => {
    if (!WATCHED.has(event.kind)) return;
    ctx.jobs.enqueue(ctx.db, WEBHOOK_DISPATCH_JOB, {}, DEBOUNCED).catch((error: Error) => {
      ctx.logger.debug({ err: error.message }, 'webhook dispatch not queued');
    });
  });
}
