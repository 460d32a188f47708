import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { DatabaseHandle } from '../db/database.ts';
import { pgliteDir } from '../db/database.ts';
import { acquireDataDirLock } from '../db/lock.ts';
import { AppError } from '../http/errors.ts';

const POSTGRES_BACKUP_HINT =
  'Atiende runs on PostgreSQL here: back it up with pg_dump (see the README), not with Atiende.';

/**
 * A consistent archive (gzip-compressed tar) of the embedded database, taken through PGlite itself so the
 * running server can keep serving while it is made.
 */
export async function backupEmbedded(handle: DatabaseHandle): Promise<Buffer> {
  if (handle.kind !== 'pglite' || !handle.pglite) {
    throw new AppError('backup.postgres', { status: 422, detail: POSTGRES_BACKUP_HINT });
  }
  await handle.pglite.exec('checkpoint');
  const archive = await handle.pglite.dumpDataDir('gzip');
  return Buffer.from(await archive.arrayBuffer());
}

/** Restores an archive made by {@link backupEmbedded} into a data folder that has no database yet. */
export async function restoreEmbedded(archivePath: string, dataDir: string): Promise<void> {
  const target = pgliteDir(dataDir);
  if (existsSync(target)) {
    throw new AppError('restore.target_exists', {
      status: 409,
      detail: `${target} already holds a database; restore into an empty data folder`,
    });
  }
  await mkdir(dataDir, { recursive: true });
  const lock = acquireDataDirLock(dataDir, 'atiende restore');
  try {
    const bytes = await readFile(archivePath);
    const pglite = await PGlite.create(target, { loadDataDir: new Blob([bytes]) });
    await pglite.close();
  } finally {
    lock.release();
  }
}

export async function writeBackupFile(handle: DatabaseHandle, file: string): Promise<number> {
  const bytes = await backupEmbedded(handle);
  await mkdir(path.dirname(path.resolve(file)), { recursive: true });
  // A backup holds every customer's data: owner-only, like the data folder.
  await writeFile(file, bytes, { mode: 0o600 });
  return bytes.length;
}
