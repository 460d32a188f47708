import { chmodSync, lstatSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';

/**
 * Makes the data folder owner-only: the embedded database's files, attachments and the first password
 * live there, and PGlite creates its files 0666 whatever the umask. Answers how many entries had looser
 * modes and were tightened, so a start can say so.
 */
export function secureDataFolder(dataDir: string): number {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  return tighten(dataDir);
}

function tighten(entry: string): number {
  const stat = lstatSync(entry);
  if (stat.isSymbolicLink()) return 0;
  let tightened = 0;
  const wanted = stat.isDirectory() ? 0o700 : 0o600;
  if ((stat.mode & 0o777 & ~wanted) !== 0) {
    chmodSync(entry, stat.mode & wanted);
    tightened++;
  }
  if (stat.isDirectory()) {
    for (const name of readdirSync(entry)) tightened += tighten(path.join(entry, name));
  }
  return tightened;
}
