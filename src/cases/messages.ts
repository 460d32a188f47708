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

/** Stores a message with its attachments in the caller's transaction. */
export async function insertMessage(
  deps: Pick<AppContext, 'database'>,
  tx: Tx,
  message: {
    caseId: string;
    kind: 'entrante' | 'saliente' | 'nota_interna';
    channel: string;
    body: string;
    authorAgentId?: string | null;
    externalId?: string | null;
    deliveryStatus?: 'pendiente' | null;
    metadata?: Record<string, unknown> | null;
    at: Date;
  },
  attachments: Decoded[],
): Promise<{ id: string; attachments: StoredAttachment[] }> {
  const [row] = await tx
    .insert(messages)
    .values({
      caseId: message.caseId,
      kind: message.kind,
      channel: message.channel,
      body: message.body,
      authorAgentId: message.authorAgentId ?? null,
      externalId: message.externalId ?? null,
      deliveryStatus: message.deliveryStatus ?? null,
      metadata: message.metadata ?? null,
      createdAt: message.at,
    })
    .returning({ id: messages.id });
  if (!row) throw new Error('message insert returned nothing');
  const stored: StoredAttachment[] = [];
  for (const [position, decoded] of attachments.entries()) {
    const attachment = await storeAttachment(deps.database, tx, decoded);
    await tx
      .insert(messageAttachments)
      .values({ messageId: row.id, sha256: attachment.sha256, filename: attachment.filename, position });
    stored.push(attachment);
  }
  return { id: row.id, attachments: stored };
}
