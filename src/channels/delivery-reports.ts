import { and, eq, sql } from 'drizzle-orm';
import { systemActor } from '../auth/system-rules.ts';
import type { AppContext } from '../context.ts';
import type { Tx } from '../db/database.ts';
import { messages, outboundStatuses } from '../db/schema.ts';
import { appendEvent } from '../events/events.service.ts';
import type { DeliveryStatus, StatusUpdate } from './adapter.ts';
import type { Channel } from './channel.ts';

// Delivery reports move an outbound message forward (sent, delivered, read) or mark it failed, never back.

const RANK: Record<string, number> = { pendiente: 0, enviado: 1, entregado: 2, leido: 3, fallido: 4 };
const rank = (status: string | null) => RANK[status ?? 'pendiente'] ?? 0;

/** Marks a message failed with the reason, and records `delivery_failed` on its case once. */
export async function markFailed(
  tx: Tx,
  messageId: string,
  caseId: string,
  reason: string,
  code: string | number | undefined,
  now: Date,
) {
  const [changed] = await tx
    .update(messages)
    .set({ deliveryStatus: 'fallido', deliveryError: reason })
    .where(and(eq(messages.id, messageId), sql`${messages.deliveryStatus} is distinct from 'fallido'`))
    .returning({ id: messages.id });
  if (changed) {
    await appendEvent(
      tx,
      {
        kind: 'delivery_failed',
        actor: systemActor('reporte_de_entrega'),
        caseId,
        // The transport's wording often quotes the address: it stays on the message, out of the audit trail.
        after: { messageId, code: code ?? null },
      },
      now,
    );
  }
}

/** Applies a delivery report stored because it arrived before its message was known to be sent. */
export async function applyStoredReport(
  deps: Pick<AppContext, 'db'>,
  channel: Channel,
  externalId: string,
  now: Date,
): Promise<void> {
  await deps.db.transaction(async (tx) => {
    const [stored] = await tx
      .select()
      .from(outboundStatuses)
      .where(and(eq(outboundStatuses.channel, channel), eq(outboundStatuses.externalId, externalId)));
    if (stored)
      await applyStatusToMessage(
        tx,
        { ...stored, channel, error: (stored.error as StatusUpdate['error']) ?? undefined },
        now,
      );
  });
}

async function applyStatusToMessage(tx: Tx, update: StatusUpdate, now: Date) {
  const [target] = await tx
    .select({ id: messages.id, caseId: messages.caseId, status: messages.deliveryStatus })
    .from(messages)
    .where(and(eq(messages.channel, update.channel), eq(messages.externalId, update.externalId)))
    .for('update');
  if (!target || rank(update.status) <= rank(target.status)) return;
  if (update.status === 'fallido') {
    const needsTemplate = update.error?.code === 131047;
    const reason = needsTemplate
      ? "Outside WhatsApp's 24-hour window: send an approved template instead"
      : (update.error?.detail ?? update.error?.title ?? 'The channel reported the message as failed');
    await markFailed(tx, target.id, target.caseId, reason, update.error?.code, now);
    return;
  }
  await tx
    .update(messages)
    .set({ deliveryStatus: update.status as DeliveryStatus })
    .where(eq(messages.id, target.id));
}

/** Messenger's read receipt: every message sent to that person before the watermark has been read. */
async function markReadUpTo(tx: Tx, channel: string, address: string, at: Date) {
  await tx.execute(sql`
    update ${messages} m set delivery_status = 'leido'
    where m.channel = ${channel} and m.kind = 'saliente' and m.created_at <= ${at.toISOString()}::timestamptz
      and m.delivery_status in ('enviado', 'entregado')
      and exists (select 1 from ${messages} i where i.case_id = m.case_id and i.kind = 'entrante'
                  and i.metadata->'sender'->>'address' = ${address})`);
}

/**
 * Applies delivery reports. Each is kept by the transport's id first (the latest by rank wins), so a
 * report arriving before its send call returned is applied when it does, and one arriving out of order
 * never moves a message backwards.
 */
export async function applyStatuses(
  deps: Pick<AppContext, 'db' | 'clock'>,
  updates: StatusUpdate[],
): Promise<void> {
  if (updates.length === 0) return;
  await deps.db.transaction(async (tx) => {
    for (const update of updates) {
      if (update.readUpTo) {
        await markReadUpTo(tx, update.channel, update.readUpTo.address, update.at);
        continue;
      }
      const [existing] = await tx
        .select()
        .from(outboundStatuses)
        .where(
          and(
            eq(outboundStatuses.channel, update.channel),
            eq(outboundStatuses.externalId, update.externalId),
          ),
        )
        .for('update');
      if (!existing) {
        await tx
          .insert(outboundStatuses)
          .values({
            channel: update.channel,
            externalId: update.externalId,
            status: update.status,
            at: update.at,
            error: update.error ?? null,
          })
          .onConflictDoNothing();
      } else if (rank(update.status) > rank(existing.status)) {
        await tx
          .update(outboundStatuses)
          .set({ status: update.status, at: update.at, error: update.error ?? null })
          .where(
            and(
              eq(outboundStatuses.channel, update.channel),
              eq(outboundStatuses.externalId, update.externalId),
            ),
          );
      }
      await applyStatusToMessage(tx, update, deps.clock.now());
    }
  });
}
