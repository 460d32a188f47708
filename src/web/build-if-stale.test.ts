import { describe, expect, it } from 'vitest';
import { isStale, type SourceFile, sourceFingerprint } from './build-if-stale.ts';

const files: SourceFile[] = [
  { path: 'src/web/index.html', size: 420, mtimeMs: 1_700_000_000_000.25 },
  { path: 'src/web/console/App.tsx', size: 9_000, mtimeMs: 1_700_000_100_000 },
  { path: 'package-lock.json', size: 300_000, mtimeMs: 1_690_000_000_000 },
];
const base = sourceFingerprint(files);

describe('sourceFingerprint', () => {
  it('does not depend on the order the files were listed in', () => {
    expect(sourceFingerprint([...files].reverse())).toBe(base);
  });

  it.each<[string, SourceFile[]]>([
    ['a file touched', files.map((f, i) => (i === 1 ? { ...f, mtimeMs: f.mtimeMs + 1_000 } : f))],
    ['a file resized within the same millisecond', files.map((f, i) => (i === 0 ? { ...f, size: 421 } : f))],
    ['a file added', [...files, { path: 'src/web/portal/NotFound.tsx', size: 10, mtimeMs: 1 }]],
    ['a file removed', files.slice(1)],
    ['a file renamed', files.map((f, i) => (i === 2 ? { ...f, path: 'vite.config.ts' } : f))],
  ])('changes with %s', (_case, changed) => {
    expect(sourceFingerprint(changed)).not.toBe(base);
  });
});

describe('isStale', () => {
  it.each([
    ['nothing built yet', { stamp: undefined, fingerprint: base, built: false }, true],
    ['built by hand without a stamp', { stamp: undefined, fingerprint: base, built: true }, true],
    ['sources changed since the build', { stamp: 'older', fingerprint: base, built: true }, true],
    ['the stamp survived but the build is gone', { stamp: base, fingerprint: base, built: false }, true],
    ['built from these very sources', { stamp: base, fingerprint: base, built: true }, false],
  ])('%s → %s', (_case, input, expected) => {
    expect(isStale(input)).toBe(expected);
  });
});
