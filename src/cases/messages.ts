import {
  type decodeAttachment,
  type StoredAttachment,
  storeAttachment,
} from '../attachments/attachments.service.ts';
import type { AppContext } from '../context.ts';
import type { Tx } from '../db/database.ts';
import { messageAttachments, messages } from '../db/schema.ts';

export type DecodedAttachment = ReturnType<typeof decodeAttachment>;
type Decoded = DecodedAttachment;

export type NewMessage = {
  caseId: string;
  kind: 'entrante' | 'saliente' | 'nota_interna';
  channel: string;
  body: string;
  authorAgentId?: string | null;
  externalId?: string | null;
  deliveryStatus?: 'pendiente' | null;
  metadata?: Record<string, unknown> | null;
  at: Date;
};

/** The row of a new message, for callers that insert it together with other rows in one statement. */
export const messageValues = (message: NewMessage & { id?: string }): typeof messages.$inferInsert => ({
  ...(message.id ? { id: message.id } : {}),
  caseId: message.caseId,
  kind: message.kind,
  channel: message.channel,
  body: message.body,
  authorAgentId: message.authorAgentId ?? null,
  externalId: message.externalId ?? null,
  deliveryStatus: message.deliveryStatus ?? null,
  metadata: message.metadata ?? null,
  createdAt: message.at,
});

/** Stores a stored message's attachments, in order, in the caller's transaction. */
export async function storeMessageAttachments(
  deps: Pick<AppContext, 'database'>,
  tx: Tx,
  messageId: string,
  attachments: Decoded[],
): Promise<StoredAttachment[]> {
  const stored: StoredAttachment[] = [];
  for (const [position, decoded] of attachments.entries()) {
    const attachment = await storeAttachment(deps.database, tx, decoded);
    await tx
      .insert(messageAttachments)
      .values({ messageId, sha256: attachment.sha256, filename: attachment.filename, position });
    stored.push(attachment);
  }
  return stored;
}

/** Stores a message with its attachments in the caller's transaction. */
export async function insertMessage(
  deps: Pick<AppContext, 'database'>,
  tx: Tx,
  message: NewMessage & { id?: string },
  attachments: Decoded[],
): Promise<{ id: string; attachments: StoredAttachment[] }> {
  const [row] = await tx.insert(messages).values(messageValues(message)).returning({ id: messages.id });
  if (!row) throw new Error('message insert returned nothing');
  return { id: row.id, attachments: await storeMessageAttachments(deps, tx, row.id, attachments) };
}
