import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { AppError } from '../http/errors.ts';

export interface DataDirLock {
  release(): void;
}

interface LockInfo {
  pid: number;
  host: string;
  purpose: string;
  since: string;
}

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** Reads who holds the data folder, if anyone still does. */
export function dataDirHolder(dataDir: string): LockInfo | undefined {
  try {
    const info = JSON.parse(readFileSync(path.join(dataDir, 'atiende.lock'), 'utf8')) as LockInfo;
    return info.host !== hostname() || isAlive(info.pid) ? info : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Takes the data folder for this process. PGlite has no server to arbitrate between processes, so a
 * lock file with the holder's pid stands in; a lock left by a dead process is taken over.
 */
export function acquireDataDirLock(dataDir: string, purpose: string): DataDirLock {
  const file = path.join(dataDir, 'atiende.lock');
  // Wall time for a person reading the lock file, not the application's clock.
  const info: LockInfo = { pid: process.pid, host: hostname(), purpose, since: new Date().toISOString() };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      writeSync(fd, JSON.stringify(info));
      closeSync(fd);
      return {
        release: () => {
          if (dataDirHolder(dataDir)?.pid === process.pid) rmSync(file, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = dataDirHolder(dataDir);
      if (holder) {
        throw new AppError('database.in_use', {
          status: 409,
          detail:
            `The embedded database in ${dataDir} is in use by process ${holder.pid} on ${holder.host} ` +
            `(${holder.purpose}, since ${holder.since}). The embedded database serves one process: ` +
            'stop that process first, or use PostgreSQL (DATABASE_URL) to run several.',
        });
      }
      rmSync(file, { force: true });
    }
  }
  throw new AppError('database.in_use', { status: 409, detail: `Could not lock ${dataDir}` });
}
