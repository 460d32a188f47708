import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** A file the web build reads, as the fingerprint sees it. */
export interface SourceFile {
  /** Relative to the repository root, with forward slashes, so the stamp is the same on every machine. */
  path: string;
  size: number;
  mtimeMs: number;
}

/**
 * One string that changes when any source is added, removed, touched or resized. Sizes and times
 * rather than contents: hashing every source on each start would cost more than it saves.
 */
export function sourceFingerprint(files: readonly SourceFile[]): string {
  const hash = createHash('sha256');
  for (const file of [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    hash.update(`${file.path}\0${file.size}\0${Math.trunc(file.mtimeMs)}\n`);
  }
  return hash.digest('hex');
}

/** Whether `vite build` must run: no complete build, no stamp, or sources changed since the stamp. */
export function isStale(input: { stamp: string | undefined; fingerprint: string; built: boolean }): boolean {
  return !input.built || input.stamp !== input.fingerprint;
}

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const DIST = path.join(ROOT, 'dist/web');
// Inside dist/web, which `vite build` empties: a build that fails half-way leaves no stale stamp behind.
const STAMP = path.join(DIST, '.build-stamp');
// src/web holds both apps' sources and their index.html files; a test edited there rebuilds too, which
// is cheaper than keeping a list of what the bundle reads.
const SOURCES = ['src/web', 'vite.config.ts', 'package-lock.json'];

function listSources(): SourceFile[] {
  const files: SourceFile[] = [];
  const walk = (relative: string) => {
    const stat = statSync(path.join(ROOT, relative), { throwIfNoEntry: false });
    if (!stat) return;
    if (stat.isDirectory()) {
      for (const entry of readdirSync(path.join(ROOT, relative))) walk(`${relative}/${entry}`);
      return;
    }
    files.push({ path: relative, size: stat.size, mtimeMs: stat.mtimeMs });
  };
  for (const source of SOURCES) walk(source);
  return files;
}

function main() {
  const fingerprint = sourceFingerprint(listSources());
  const built = ['index.html', 'portal/index.html'].every((file) => existsSync(path.join(DIST, file)));
  const stamp = existsSync(STAMP) ? readFileSync(STAMP, 'utf8').trim() : undefined;
  if (!isStale({ stamp, fingerprint, built })) return;
  process.stdout.write('Building the web app…\n');
  execFileSync(
    process.execPath,
    [path.join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'],
    { cwd: ROOT, stdio: 'inherit' },
  );
  // The fingerprint taken before the build: a source edited during it makes the next start build again.
  writeFileSync(STAMP, `${fingerprint}\n`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
