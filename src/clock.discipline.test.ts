import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Server code takes "now" from the injected clock (src/clock.ts), so tests can move time. This fails when
// a new bare `new Date()` or `Date.now()` appears outside the places that legitimately read the wall time.

const SRC = path.dirname(fileURLToPath(import.meta.url));

/** Files that may read the system's time, each with why. */
const ALLOWED: Record<string, string> = {
  'clock.ts': 'the system clock itself',
  'logging/logger.ts': 'a log line shows the wall time it was written',
  'settings/settings.cache.ts': "the cache's age is real elapsed time",
  'incidents/status.snapshot.ts': "the status page snapshot's age is real elapsed time",
  'db/lock.ts': 'the lock file records wall time for a person to read',
};

/** Not server code: the browser console and helpers that only tests use. */
const SKIPPED_DIRS = ['web', 'test', 'channels/testing'];

const BARE_NOW = /\bnew Date\(\s*\)|\bDate\.now\(\s*\)/;

function serverSources(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    const relative = path.relative(SRC, full).split(path.sep).join('/');
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.includes(relative)) found.push(...serverSources(full));
    } else if (/\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name)) {
      found.push(relative);
    }
  }
  return found;
}

const bareNowLines = (relative: string) =>
  readFileSync(path.join(SRC, relative), 'utf8')
    .split('\n')
    .flatMap((line, index) => (BARE_NOW.test(line) ? [`${relative}:${index + 1}: ${line.trim()}`] : []));

describe('clock discipline', () => {
  const sources = serverSources(SRC);

  it('reads the time only through the injected clock', () => {
    const offenders = sources.filter((file) => !(file in ALLOWED)).flatMap(bareNowLines);
    expect(offenders, 'use ctx.clock / deps.clock (or a `now` parameter) instead').toEqual([]);
  });

  it('keeps the allow-list to files that still need it', () => {
    const stale = Object.keys(ALLOWED).filter(
      (file) => !sources.includes(file) || bareNowLines(file).length === 0,
    );
    expect(stale).toEqual([]);
  });
});
