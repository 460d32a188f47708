import { describe, expect, it } from 'vitest';
import { diffJson, formatChanges } from './diff.ts';

describe('diffJson', () => {
  it.each([
    ['equal objects', { a: 1, b: [1, 2] }, { a: 1, b: [1, 2] }, []],
    ['changed leaf', { a: { b: 1 } }, { a: { b: 2 } }, [{ path: 'a.b', before: 1, after: 2 }]],
    ['added key', {}, { a: 'x' }, [{ path: 'a', before: undefined, after: 'x' }]],
    ['removed array item', { l: [1, 2] }, { l: [1] }, [{ path: 'l[1]', before: 2, after: undefined }]],
    ['type change', { a: [1] }, { a: { x: 1 } }, [{ path: 'a', before: [1], after: { x: 1 } }]],
  ])('%s', (_name, before, after, expected) => {
    expect(diffJson(before, after)).toEqual(expected);
  });

  it('formats changes one per line', () => {
    expect(formatChanges([{ path: 'provider.name', before: 'A', after: 'B' }])).toBe(
      '~ provider.name: "A" → "B"',
    );
    expect(formatChanges([])).toBe('No changes.');
  });
});
