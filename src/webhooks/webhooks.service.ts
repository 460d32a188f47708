import { randomUUID } from 'node:crypto';
import { and, desc, eq, sql } from 'drizzle-orm';
import type { z } from 'zod';
import type { Actor } from '../auth/actor.ts';
import { randomToken } from '../auth/secrets.ts';
import type { AppContext } from '../context.ts';
import type { Tx } from '../db/database.ts';
import { events, webhookCursor, webhookDeliveries, webhookSubscriptions } from '../db/schema.ts';
import { agentActor, appendEvent } from '../events/events.service.ts';
import { AppError } from '../http/errors.ts';
import { signatureOf } from './signature.ts';
import { urlProblem } from './url-safety.ts';
import { WEBHOOK_EVENT_KINDS } from './webhook-kinds.ts';
import { postWebhook } from './webhook-post.ts';
import { webhookSettings } from './webhook-settings.ts';
import type {
  CreateWebhookRequest,
  UpdateWebhookRequest,
  WebhookDeliveriesQuery,
  WebhookDeliveryResponse,
  WebhookResponse,
  WebhookTestResponse,
} from './webhooks.schema.ts';

type Deps = Pick<AppContext, 'db' | 'clock' | 'settings'>;
type SubscriptionRow = typeof webhookSubscriptions.$inferSelect;

export const presentWebhook = (row: SubscriptionRow): z.infer<typeof WebhookResponse> => ({
  id: row.id,
  url: row.url,
  description: row.description,
  eventKinds: row.eventKinds,
  active: row.active,
  consecutiveFailures: row.consecutiveFailures,
  disabledAt: row.disabledAt?.toISOString() ?? null,
  createdAt: row.createdAt.toISOString(),
});

// Literal codes, so the console's check that every problem code has a translation finds them.
const URL_PROBLEMS = {
  not_http: { code: 'webhook_subscription.url_not_http', detail: 'The URL must be http:// or https://' },
  has_credentials: {
    code: 'webhook_subscription.url_has_credentials',
    detail: 'The URL must not carry a user name or password',
  },
  private_address: {
    code: 'webhook_subscription.url_private_address',
    detail: 'The URL points at a private, loopback or link-local address',
  },
} as const;

async function assertUrlAllowed(deps: Deps, url: string) {
  const { settings } = await deps.settings.current(deps.db);
  const problem = urlProblem(url, webhookSettings(settings));
  if (problem) {
    const { code, detail } = URL_PROBLEMS[problem];
    throw new AppError(code, { status: 422, field: 'url', detail });
  }
}

/** The host only: a URL's path or query may carry the integrator's own token, kept out of the audit trail. */
const hostOf = (url: string) => new URL(url).host;

async function recordChange(tx: Tx, row: SubscriptionRow, actor: Actor, reason: string, now: Date) {
  await appendEvent(
    tx,
    {
      kind: 'webhook_subscription_changed',
      actor: agentActor(actor),
      subject: { kind: 'webhook_subscription', id: row.id },
      after: { host: hostOf(row.url), eventKinds: row.eventKinds, active: row.active },
      reason,
    },
    now,
  );
}

export async function listWebhooks(deps: Deps) {
  const rows = await deps.db
    .select()
    .from(webhookSubscriptions)
    .orderBy(desc(webhookSubscriptions.createdAt), desc(webhookSubscriptions.id));
  return { items: rows.map(presentWebhook), availableKinds: [...WEBHOOK_EVENT_KINDS] };
}

async function subscriptionOf(tx: Tx, id: string, lock = false): Promise<SubscriptionRow> {
  const query = tx.select().from(webhookSubscriptions).where(eq(webhookSubscriptions.id, id));
  const [row] = lock ? await query.for('update') : await query;
  if (!row)
    throw new AppError('webhook_subscription.not_found', {
      status: 404,
      detail: 'No such webhook subscription',
    });
  return row;
}

/**
 * Creates a subscription with a secret the server generates (shown in this answer only). The first one
 * moves the dispatcher's cursor to the newest event, so an integration does not receive the desk's past.
 */
export async function createWebhook(deps: Deps, input: z.infer<typeof CreateWebhookRequest>, actor: Actor) {
  await assertUrlAllowed(deps, input.url);
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    const [cursor] = await tx.select().from(webhookCursor).where(eq(webhookCursor.id, 1)).for('update');
    const [existing] = await tx.select({ id: webhookSubscriptions.id }).from(webhookSubscriptions).limit(1);
    if (!existing) {
      const [newest] = await tx.select({ id: sql<number>`coalesce(max(${events.id}), 0)` }).from(events);
      const lastEventId = Math.max(Number(newest?.id ?? 0), cursor?.lastEventId ?? 0);
      await tx
        .insert(webhookCursor)
        .values({ id: 1, lastEventId, gaps: [] })
        .onConflictDoUpdate({ target: webhookCursor.id, set: { lastEventId, gaps: [] } });
    }
    const [row] = await tx
      .insert(webhookSubscriptions)
      .values({
        url: input.url,
        description: input.description,
        eventKinds: input.eventKinds,
        secret: randomToken('whsec_'),
        createdByAgentId: actor.agentId,
        createdAt: now,
      })
      .returning();
    if (!row) throw new Error('webhook subscription not stored');
    await recordChange(tx, row, actor, 'created', now);
    return { ...presentWebhook(row), secret: row.secret };
  });
}

/** Changes a subscription; switching it back on forgets its failures in a row. */
export async function updateWebhook(
  deps: Deps,
  id: string,
  input: z.infer<typeof UpdateWebhookRequest>,
  actor: Actor,
) {
  if (input.url !== undefined) await assertUrlAllowed(deps, input.url);
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    const current = await subscriptionOf(tx, id, true);
    const reenabled = input.active === true && !current.active;
    const [row] = await tx
      .update(webhookSubscriptions)
      .set({
        ...(input.url !== undefined ? { url: input.url } : {}),
        ...(input.description !== undefined ? { description: input.description } : {}),
        ...(input.eventKinds !== undefined ? { eventKinds: input.eventKinds } : {}),
        ...(input.active !== undefined ? { active: input.active } : {}),
        ...(reenabled ? { consecutiveFailures: 0, disabledAt: null } : {}),
        ...(input.active === false && current.active ? { disabledAt: now } : {}),
      })
      .where(eq(webhookSubscriptions.id, id))
      .returning();
    if (!row) throw new Error('webhook subscription vanished');
    const reason = reenabled
      ? 'reenabled'
      : input.active === false && current.active
        ? 'disabled'
        : 'updated';
    await recordChange(tx, row, actor, reason, now);
    return presentWebhook(row);
  });
}

/** A new secret, shown in this answer only; the old one stops signing at once. */
export async function rotateWebhookSecret(deps: Deps, id: string, actor: Actor) {
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    await subscriptionOf(tx, id, true);
    const [row] = await tx
      .update(webhookSubscriptions)
      .set({ secret: randomToken('whsec_') })
      .where(eq(webhookSubscriptions.id, id))
      .returning();
    if (!row) throw new Error('webhook subscription vanished');
    await recordChange(tx, row, actor, 'secret_rotated', now);
    return { ...presentWebhook(row), secret: row.secret };
  });
}

export async function listDeliveries(
  deps: Deps,
  id: string,
  query: z.infer<typeof WebhookDeliveriesQuery>,
): Promise<Array<z.infer<typeof WebhookDeliveryResponse>>> {
  await subscriptionOf(deps.db, id);
  const rows = await deps.db
    .select()
    .from(webhookDeliveries)
    .where(
      and(
        eq(webhookDeliveries.subscriptionId, id),
        query.status ? eq(webhookDeliveries.status, query.status) : undefined,
      ),
    )
    .orderBy(desc(webhookDeliveries.createdAt), desc(webhookDeliveries.eventId))
    .limit(query.limit);
  return rows.map((row) => ({
    id: row.id,
    eventId: row.eventId,
    eventKind: row.eventKind,
    status: row.status,
    attempts: row.attempts,
    lastStatusCode: row.lastStatusCode,
    lastError: row.lastError,
    nextAttemptAt: row.nextAttemptAt?.toISOString() ?? null,
    deliveredAt: row.deliveredAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
  }));
}

/**
 * Sends a `ping` to the subscription's URL now and tells what came back; it is no delivery of an event,
 * so it is not logged and counts as no failure, and an inactive subscription may be tried before it is
 * switched back on.
 */
export async function pingWebhook(deps: Deps, id: string): Promise<z.infer<typeof WebhookTestResponse>> {
  const row = await subscriptionOf(deps.db, id);
  const { settings } = await deps.settings.current(deps.db);
  const now = deps.clock.now();
  const body = JSON.stringify({
    id: 0,
    kind: 'ping',
    occurredAt: now.toISOString(),
    subject: { kind: 'webhook_subscription', id: row.id },
    case: null,
    data: null,
  });
  const outcome = await postWebhook(
    row.url,
    body,
    signedHeaders(row.secret, 'ping', randomUUID(), now, body),
    webhookSettings(settings),
  );
  return { delivered: outcome.delivered, statusCode: outcome.statusCode, error: outcome.error };
}

export function signedHeaders(secret: string, kind: string, deliveryId: string, now: Date, body: string) {
  const timestamp = Math.floor(now.getTime() / 1000);
  return {
    'Content-Type': 'application/json',
    'User-Agent': 'Atiende-Webhooks/1',
    'X-Atiende-Event': kind,
    'X-Atiende-Delivery': deliveryId,
    'X-Atiende-Timestamp': String(timestamp),
    'X-Atiende-Signature': signatureOf(secret, timestamp, body),
  };
}
