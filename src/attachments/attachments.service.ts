import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { DatabaseHandle, Tx } from '../db/database.ts';
import { attachmentBlobs } from '../db/schema.ts';
import { AppError } from '../http/errors.ts';

/** Largest attachment accepted, in bytes (WhatsApp's own document limit is 100 MB; agents need far less). */
export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;

/** Types customers and agents may attach: pictures, voice notes, PDFs and office documents. */
export const ALLOWED_CONTENT_TYPES = new Set([
  'image/jpeg',
  'image/png',
  'image/gif',
  'image/webp',
  'image/heic',
  'application/pdf',
  'text/plain',
  'audio/ogg',
  'audio/mpeg',
  'audio/mp4',
  'audio/aac',
  'audio/amr',
  'video/mp4',
  'application/msword',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.ms-excel',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
]);

export const AttachmentInput = z.object({
  filename: z.string().trim().min(1).max(255),
  contentType: z.string().trim().min(1).max(255),
  /** The file's bytes, base64-encoded. */
  data: z.base64().max(Math.ceil((MAX_ATTACHMENT_BYTES * 4) / 3) + 4),
});
export type AttachmentInput = z.infer<typeof AttachmentInput>;

export interface StoredAttachment {
  sha256: string;
  filename: string;
  contentType: string;
  size: number;
}

/** Where the bytes go: a folder under the data directory for PGlite, the database for PostgreSQL (shared by hosts). */
const blobFolder = (database: DatabaseHandle) =>
  database.kind === 'pglite' && database.dataDir ? path.join(database.dataDir, 'attachments') : undefined;

const blobPath = (folder: string, sha256: string) => path.join(folder, sha256.slice(0, 2), sha256);

/** Checks type and size before anything is written; the error names the offending field. */
export function decodeAttachment(
  input: AttachmentInput,
  field: string,
): { bytes: Buffer; input: AttachmentInput } {
  const contentType = input.contentType.toLowerCase().split(';')[0]?.trim() ?? '';
  if (!ALLOWED_CONTENT_TYPES.has(contentType)) {
    throw new AppError('attachment.type_not_allowed', {
      status: 415,
      field: `${field}.contentType`,
      detail: `Files of type ${contentType} are not accepted`,
    });
  }
  const bytes = Buffer.from(input.data, 'base64');
  if (bytes.length === 0 || bytes.length > MAX_ATTACHMENT_BYTES) {
    throw new AppError('attachment.size', {
      status: 413,
      field: `${field}.data`,
      detail: `Attachments must be between 1 byte and ${MAX_ATTACHMENT_BYTES / 1_048_576} MB`,
    });
  }
  return { bytes, input: { ...input, contentType } };
}

/**
 * Stores bytes once per content. On PGlite the file is written before the row (a row never points at
 * missing bytes; an orphan file after a rollback is harmless and reused by the next identical upload).
 */
export async function storeAttachment(
  database: DatabaseHandle,
  tx: Tx,
  decoded: { bytes: Buffer; input: AttachmentInput },
): Promise<StoredAttachment> {
  const sha256 = createHash('sha256').update(decoded.bytes).digest('hex');
  const folder = blobFolder(database);
  if (folder) {
    const file = blobPath(folder, sha256);
    await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    const temporary = `${file}.${process.pid}.tmp`;
    await writeFile(temporary, decoded.bytes, { mode: 0o600 });
    await rename(temporary, file);
  }
  await tx
    .insert(attachmentBlobs)
    .values({
      sha256,
      size: decoded.bytes.length,
      contentType: decoded.input.contentType,
      data: folder ? null : decoded.bytes,
    })
    .onConflictDoNothing();
  return {
    sha256,
    filename: decoded.input.filename,
    contentType: decoded.input.contentType,
    size: decoded.bytes.length,
  };
}

export async function readAttachment(database: DatabaseHandle, sha256: string) {
  const [row] = await database.db.select().from(attachmentBlobs).where(eq(attachmentBlobs.sha256, sha256));
  if (!row) throw new AppError('attachment.not_found', { status: 404, detail: 'No such attachment' });
  const folder = blobFolder(database);
  const bytes = row.data ?? (folder ? await readFile(blobPath(folder, sha256)) : undefined);
  if (!bytes) throw new AppError('attachment.not_found', { status: 404, detail: 'Attachment bytes missing' });
  return { bytes: Buffer.from(bytes), contentType: row.contentType, size: row.size };
}

/**
 * Removes the stored files of contents whose rows were deleted (a person erased), after the deleting
 * transaction committed; on PostgreSQL the bytes went with the rows.
 */
export async function removeBlobFiles(database: DatabaseHandle, shas: string[]): Promise<void> {
  const folder = blobFolder(database);
  if (!folder) return;
  for (const sha256 of shas) await rm(blobPath(folder, sha256), { force: true });
}
