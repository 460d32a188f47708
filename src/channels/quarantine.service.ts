import { createHash } from 'node:crypto';
import { asc, eq, isNull, sql } from 'drizzle-orm';
import type { Db, Tx } from '../db/database.ts';
import { quarantinedMessages } from '../db/schema.ts';
import { AppError } from '../http/errors.ts';
import type { Channel } from './channel.ts';

export interface QuarantineEntry {
  channel: Channel;
  /** The message alone, as it would be replayed: one e-mail, or a webhook payload of one message. */
  raw: Buffer;
  /** A code (`sqlstate:22021`, `parse:timestamp`), never content. */
  reason: string;
  deliveryId?: string;
  externalId?: string;
}

// Listing is for an admin to work through; more than this at once is a bug to fix, not to page through.
const LIST_LIMIT = 500;

/**
 * Sets a message aside for an admin, once per distinct bytes on its channel: a redelivery, or the same
 * message re-batched in another delivery, finds the row already there.
 */
export async function quarantine(db: Tx, entry: QuarantineEntry, now: Date): Promise<void> {
  await db
    .insert(quarantinedMessages)
    .values({
      channel: entry.channel,
      sha256: createHash('sha256').update(entry.raw).digest('hex'),
      raw: entry.raw,
      reason: entry.reason,
      deliveryId: entry.deliveryId ?? null,
      externalId: entry.externalId ?? null,
      createdAt: now,
    })
    .onConflictDoNothing();
}

/** How many quarantined messages still wait for an admin (for the health report). */
export async function openQuarantineCount(db: Db): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(quarantinedMessages)
    .where(isNull(quarantinedMessages.resolvedAt));
  return row?.n ?? 0;
}

/** The open quarantined messages, oldest first, without their bytes. */
export async function listOpenQuarantine(db: Db) {
  return db
    .select({
      id: quarantinedMessages.id,
      channel: quarantinedMessages.channel,
      externalId: quarantinedMessages.externalId,
      reason: quarantinedMessages.reason,
      createdAt: quarantinedMessages.createdAt,
      replayedAt: quarantinedMessages.replayedAt,
      size: sql<number>`octet_length(${quarantinedMessages.raw})::int`,
    })
    .from(quarantinedMessages)
    .where(isNull(quarantinedMessages.resolvedAt))
    .orderBy(asc(quarantinedMessages.createdAt))
    .limit(LIST_LIMIT);
}

export type QuarantinedMessage = typeof quarantinedMessages.$inferSelect;

/** One quarantined message with its bytes; `quarantine.not_found` (404) when there is none. */
export async function getQuarantined(db: Tx, id: string): Promise<QuarantinedMessage> {
  const [row] = await db.select().from(quarantinedMessages).where(eq(quarantinedMessages.id, id));
  if (!row)
    throw new AppError('quarantine.not_found', { status: 404, detail: 'No such quarantined message' });
  // PGlite hands bytea back as a Uint8Array, node-postgres as a Buffer.
  return { ...row, raw: Buffer.from(row.raw) };
}
