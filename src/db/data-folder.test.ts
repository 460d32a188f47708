import { chmodSync, mkdirSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from './database.ts';

/** Every entry under `dir` whose mode lets anyone but the owner in. */
function looseEntries(dir: string): string[] {
  const loose: string[] = [];
  const walk = (entry: string) => {
    const stat = statSync(entry);
    if ((stat.mode & 0o077) !== 0) loose.push(`${entry} ${(stat.mode & 0o777).toString(8)}`);
    if (stat.isDirectory()) for (const name of readdirSync(entry)) walk(path.join(entry, name));
  };
  walk(dir);
  return loose;
}

describe('the embedded data folder', () => {
  it('is created owner-only, database files included, whatever the umask', async () => {
    const dataDir = path.join(mkdtempSync(path.join(tmpdir(), 'atiende-perm-')), 'data');
    const previous = process.umask(0o000);
    try {
      const handle = await openDatabase({ kind: 'pglite', dataDir });
      await handle.migrate();
      await handle.close();
    } finally {
      process.umask(previous);
    }
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);
    expect(readdirSync(path.join(dataDir, 'pglite')).length).toBeGreaterThan(5);
    expect(looseEntries(dataDir)).toEqual([]);
  }, 60_000);

  it('tightens an existing folder with looser modes at opening, and says how many entries', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'atiende-perm-'));
    chmodSync(dataDir, 0o755);
    mkdirSync(path.join(dataDir, 'attachments', 'ab'), { recursive: true, mode: 0o755 });
    writeFileSync(path.join(dataDir, 'attachments', 'ab', 'blob'), 'x', { mode: 0o644 });
    chmodSync(path.join(dataDir, 'attachments', 'ab', 'blob'), 0o666);
    const handle = await openDatabase({ kind: 'pglite', dataDir });
    try {
      expect(handle.tightenedFiles).toBeGreaterThanOrEqual(4);
      expect(looseEntries(dataDir)).toEqual([]);
    } finally {
      await handle.close();
    }
  }, 60_000);
});
