import { execFile } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

export const ROOT = path.resolve(import.meta.dirname, '../..');
const DIST = path.join(ROOT, 'dist/web');
const LOCK = path.join(ROOT, 'dist/.web-build.lock');
const SOURCES = [
  path.join(ROOT, 'src/web'),
  path.join(ROOT, 'vite.config.ts'),
  path.join(ROOT, 'package-lock.json'),
];

const newestMtime = (target: string): number => {
  const stat = statSync(target, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(target).map((entry) => newestMtime(path.join(target, entry))));
};

const builtAt = () =>
  Math.min(
    ...['index.html', 'portal/index.html'].map(
      (file) => statSync(path.join(DIST, file), { throwIfNoEntry: false })?.mtimeMs ?? 0,
    ),
  );

const fresh = () => builtAt() >= Math.max(...SOURCES.map(newestMtime));

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Builds the web app (`vite build`) unless dist/web is newer than every source. Test files run in
 * parallel workers, so a lock directory makes one build and the others wait for it.
 */
export async function ensureWebBuild(): Promise<void> {
  if (fresh()) return;
  mkdirSync(path.dirname(LOCK), { recursive: true });
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch {
      // Another worker builds; a lock older than a few minutes was left by a killed run.
      const age = Date.now() - (statSync(LOCK, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > 5 * 60_000) rmSync(LOCK, { recursive: true, force: true });
      await sleep(500);
      if (fresh()) return;
    }
  }
  try {
    if (!fresh()) {
      await promisify(execFile)(
        process.execPath,
        [path.join(ROOT, 'node_modules/vite/bin/vite.js'), 'build'],
        {
          cwd: ROOT,
        },
      );
    }
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}
