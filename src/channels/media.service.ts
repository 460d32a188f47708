import { eq, sql } from 'drizzle-orm';
import { decodeAttachment, storeAttachment } from '../attachments/attachments.service.ts';
import type { AppContext } from '../context.ts';
import type { Tx } from '../db/database.ts';
import { messageAttachments, messages } from '../db/schema.ts';
import { AppError } from '../http/errors.ts';
import type { Channel } from './channel.ts';

const EXTENSIONS: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'audio/ogg': 'ogg',
  'audio/mpeg': 'mp3',
  'audio/mp4': 'm4a',
  'video/mp4': 'mp4',
  'application/pdf': 'pdf',
};

/**
 * Fetches a stored inbound message's media from its transport and attaches it. Media that cannot be
 * had (a file type Atiende does not accept, a host not allowed, over the size limit) is noted on the
 * message instead, so agents know something arrived.
 */
export async function fetchInboundMedia(
  deps: Pick<AppContext, 'db' | 'database' | 'channels'>,
  job: { channel: Channel; messageId: string; mediaId: string; mimeType?: string; filename?: string },
): Promise<void> {
  const adapter = deps.channels.get(job.channel);
  if (!adapter?.fetchMedia)
    throw new AppError('channel.no_media', { status: 500, detail: `${job.channel} cannot fetch media` });
  const [message] = await deps.db
    .select({ id: messages.id })
    .from(messages)
    .where(eq(messages.id, job.messageId));
  if (!message) return;
  let fetched: { bytes: Buffer; contentType: string };
  try {
    fetched = await adapter.fetchMedia(job.mediaId);
  } catch (error) {
    // Refused for good (a host not allowed, too large): noted for agents, not retried.
    if (!(error instanceof AppError) || error.status >= 500) throw error;
    await noteRefused(deps.db, job.messageId, error.detail ?? error.code);
    return;
  }
  const { bytes, contentType } = fetched;
  const type = (job.mimeType ?? contentType).split(';')[0]?.trim() ?? contentType;
  const filename = job.filename ?? `${job.mediaId}.${EXTENSIONS[type] ?? 'bin'}`;
  await deps.db.transaction(async (tx) => {
    let decoded: ReturnType<typeof decodeAttachment>;
    try {
      decoded = decodeAttachment({ filename, contentType: type, data: bytes.toString('base64') }, 'media');
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      await noteRefused(tx, job.messageId, error.detail ?? error.code);
      return;
    }
    const stored = await storeAttachment(deps.database, tx, decoded);
    const [{ n } = { n: 0 }] = await tx
      .select({ n: sql<number>`count(*)::int` })
      .from(messageAttachments)
      .where(eq(messageAttachments.messageId, job.messageId));
    await tx
      .insert(messageAttachments)
      .values({ messageId: job.messageId, sha256: stored.sha256, filename: stored.filename, position: n })
      .onConflictDoNothing();
  });
}

async function noteRefused(db: Tx, messageId: string, reason: string) {
  await db
    .update(messages)
    .set({
      metadata: sql`coalesce(${messages.metadata}, '{}'::jsonb) || ${JSON.stringify({ mediaRefused: reason })}::jsonb`,
    })
    .where(eq(messages.id, messageId));
}
