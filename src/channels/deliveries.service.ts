import { createHash } from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import type { AppContext } from '../context.ts';
import { inboundDeliveries, quarantinedMessages } from '../db/schema.ts';
import { AppError } from '../http/errors.ts';
import type { JobDefinition } from '../jobs/queue.ts';
import { cleanDeep } from '../text/clean-text.ts';
import type { InboundBatch, IncomingMessage } from './adapter.ts';
import type { Channel } from './channel.ts';
import { applyStatuses } from './delivery-reports.ts';
import { receiveMessages } from './intake.service.ts';
import { getQuarantined, quarantine } from './quarantine.service.ts';
import { type EmailSource, emailTrust, receiveEmail } from './smtp/inbound.ts';

/** The job that takes a stored delivery's messages in. */
export const INBOUND_DELIVERY_JOB = 'inbound-delivery';

export interface DeliveryJob {
  deliveryId: string;
  /** E-mail only: what the sender check needs, which the message's own bytes do not carry. */
  email?: EmailSource;
}

/** What became of one message: taken in, already there, not for a case (an auto-reply), or refused. */
export type IntakeOutcome =
  | { outcome: 'stored'; folio?: string }
  | { outcome: 'duplicate' }
  | { outcome: 'ignored'; reason: string }
  | { outcome: 'refused'; reason: string; externalId?: string };

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/**
 * Stores what a transport handed over, byte for byte, and queues its processing in the same
 * transaction: once this returns, the delivery is durable and will be processed, so the transport may
 * be told it arrived. The same bytes again (a redelivery) are the same row and queue nothing. Returns
 * whether the bytes were new.
 */
export async function storeDelivery(
  deps: Pick<AppContext, 'db' | 'jobs' | 'clock'>,
  channel: Channel,
  body: Buffer,
  email?: EmailSource,
): Promise<boolean> {
  return deps.db.transaction(async (tx) => {
    const [stored] = await tx
      .insert(inboundDeliveries)
      .values({ channel, sha256: sha256(body), body, receivedAt: deps.clock.now() })
      .onConflictDoNothing()
      .returning({ id: inboundDeliveries.id });
    if (!stored) return false;
    const job: DeliveryJob = { deliveryId: stored.id, ...(email ? { email } : {}) };
    await deps.jobs.enqueue(tx, INBOUND_DELIVERY_JOB, job);
    return true;
  });
}

/** The job processing stored deliveries, for the job registry. */
export function inboundDeliveryJob(ctx: AppContext): JobDefinition<DeliveryJob> {
  return {
    name: INBOUND_DELIVERY_JOB,
    // The transport was answered already and will not send again: a delivery that meets a database
    // outage is retried for hours, and one caught by a crash is taken up again after five minutes.
    queue: { retryLimit: 50, retryDelay: 5, retryBackoff: true, retryDelayMax: 600, expireInSeconds: 300 },
    // One per poll, a worker waits its polling interval between deliveries: 2 a second, while an outage
    // brings a hundred. Fetched in batches (fetching again at once while they come full) but taken in
    // the order they arrived, so one customer's messages keep theirs.
    batchSize: 8,
    inOrder: true,
    handler: (data) => processDelivery(ctx, data),
  };
}

/**
 * Takes a stored delivery's messages in, each on its own: a message the parser cannot read, or that the
 * database refuses for good, is quarantined and the rest go on; then the delivery reports are applied
 * and the delivery is marked processed. A failure worth retrying (the connection) throws, and running
 * again changes nothing already done: messages are claimed by their transport id, quarantine rows by
 * their bytes.
 */
export async function processDelivery(ctx: AppContext, job: DeliveryJob): Promise<void> {
  const [delivery] = await ctx.db
    .select()
    .from(inboundDeliveries)
    .where(and(eq(inboundDeliveries.id, job.deliveryId), isNull(inboundDeliveries.processedAt)));
  if (!delivery) return;
  const channel = delivery.channel as Channel;
  // PGlite hands bytea back as a Uint8Array, node-postgres as a Buffer.
  const body = Buffer.from(delivery.body);
  const setAside = async (raw: Buffer, reason: string, externalId?: string) => {
    ctx.logger.warn({ channel, deliveryId: delivery.id, externalId, reason }, 'inbound message quarantined');
    await quarantine(
      ctx.db,
      { channel, deliveryId: delivery.id, raw, reason, ...(externalId ? { externalId } : {}) },
      ctx.clock.now(),
    );
  };

  if (channel === 'email') {
    const outcome = await takeEmail(ctx, body, job.email);
    if (outcome.outcome === 'refused') await setAside(body, outcome.reason, outcome.externalId);
  } else {
    const payload = webhookPayload(body);
    if (payload === undefined) await setAside(body, 'parse:json');
    else {
      const batch = parserOf(ctx, channel)(payload);
      for (const item of batch.unusable) await setAside(asBytes(item.raw), item.reason, item.externalId);
      for (const item of batch.messages) {
        const outcome = await takeMessage(ctx, item.message);
        if (outcome.outcome === 'refused')
          await setAside(asBytes(item.raw), outcome.reason, item.message.externalId);
      }
      await applyStatuses(ctx, ctx.channels.get(channel)?.parseStatuses?.(payload) ?? []).catch(
        (error: unknown) => {
          // Delivery reports only update what we sent: one the database refuses is not worth the batch.
          const reason = refusalReason(error);
          if (!reason) throw error;
          ctx.logger.warn({ channel, deliveryId: delivery.id, reason }, 'delivery reports refused');
        },
      );
    }
  }
  await ctx.db
    .update(inboundDeliveries)
    .set({ processedAt: ctx.clock.now() })
    .where(eq(inboundDeliveries.id, delivery.id));
}

/**
 * Runs a quarantined message through the intake again, after a fix. Taken in (or found already there,
 * or not meant for a case), it is resolved; refused again, it stays quarantined with the new reason.
 */
export async function replayQuarantined(ctx: AppContext, id: string): Promise<IntakeOutcome> {
  const row = await getQuarantined(ctx.db, id);
  if (row.resolvedAt) {
    throw new AppError('quarantine.resolved', { status: 409, detail: 'This message was resolved already' });
  }
  const channel = row.channel as Channel;
  // The SMTP envelope is gone by now: a replayed e-mail is taken in unverified.
  const outcome =
    channel === 'email'
      ? await takeEmail(ctx, row.raw, undefined)
      : await replayWebhookMessage(ctx, channel, row.raw);
  const now = ctx.clock.now();
  await ctx.db
    .update(quarantinedMessages)
    .set(
      outcome.outcome === 'refused'
        ? { replayedAt: now, reason: outcome.reason }
        : { replayedAt: now, resolvedAt: now },
    )
    .where(eq(quarantinedMessages.id, id));
  return outcome;
}

/** A quarantined webhook message is a payload of that one message, read as any delivery is. */
async function replayWebhookMessage(ctx: AppContext, channel: Channel, raw: Buffer): Promise<IntakeOutcome> {
  const payload = webhookPayload(raw);
  if (payload === undefined) return { outcome: 'refused', reason: 'parse:json' };
  const batch = parserOf(ctx, channel)(payload);
  const [unusable] = batch.unusable;
  if (unusable) return { outcome: 'refused', reason: unusable.reason };
  const [item] = batch.messages;
  return item ? takeMessage(ctx, item.message) : { outcome: 'ignored', reason: 'no_message' };
}

/** The JSON of a webhook, its text cleaned (no NUL nor lone surrogate gets further); undefined if not JSON. */
function webhookPayload(body: Buffer): unknown {
  try {
    return cleanDeep(JSON.parse(body.toString('utf8')) as unknown);
  } catch {
    return undefined;
  }
}

function parserOf(ctx: AppContext, channel: Channel): (payload: unknown) => InboundBatch {
  const parse = ctx.channels.get(channel)?.parseInbound;
  if (!parse) throw new AppError('channel.no_webhook', { status: 500, detail: `${channel} has no webhook` });
  return parse;
}

const asBytes = (raw: unknown) => Buffer.from(JSON.stringify(raw), 'utf8');

/** One message through the intake, in its own transaction. */
async function takeMessage(ctx: AppContext, message: IncomingMessage): Promise<IntakeOutcome> {
  try {
    const [received] = await receiveMessages(ctx, [message]);
    return received?.duplicate
      ? { outcome: 'duplicate' }
      : { outcome: 'stored', ...(received?.folio ? { folio: received.folio } : {}) };
  } catch (error) {
    const reason = refusalReason(error);
    if (!reason) throw error;
    return { outcome: 'refused', reason };
  }
}

async function takeEmail(
  ctx: AppContext,
  raw: Buffer,
  source: EmailSource | undefined,
): Promise<IntakeOutcome> {
  try {
    const result = await receiveEmail(ctx, raw, () => emailTrust(raw, source));
    if (result.kind === 'bounce') return { outcome: 'ignored', reason: 'bounce' };
    if (result.kind === 'ignored') return { outcome: 'ignored', reason: result.reason };
    if (result.received.duplicate) return { outcome: 'duplicate' };
    return { outcome: 'stored', ...(result.received.folio ? { folio: result.received.folio } : {}) };
  } catch (error) {
    const reason = refusalReason(error);
    if (!reason) throw error;
    // Printable ASCII only: whatever the header holds, the quarantine row must be storable.
    const externalId = /^message-id:\s*<?([!-;=?-~]{1,200})>?\s*$/im.exec(
      raw.subarray(0, 64 * 1024).toString('latin1'),
    )?.[1];
    return { outcome: 'refused', reason, ...(externalId ? { externalId } : {}) };
  }
}

/**
 * Why a message is refused for good, or undefined when trying again may work. PostgreSQL's data
 * exceptions (class 22: a value it cannot hold) and integrity violations (class 23), and the intake's
 * own refusals of what a message says, will fail the same way every time; a lost connection, a deadlock
 * or a bug will not, so those are left to the job's retries.
 */
function refusalReason(error: unknown): string | undefined {
  if (error instanceof AppError) return error.status < 500 ? `intake:${error.code}` : undefined;
  // Drizzle wraps the driver's error, which carries the SQLSTATE, as its cause.
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^2[23][0-9A-Z]{3}$/.test(code)) return `sqlstate:${code}`;
  }
  return undefined;
}
