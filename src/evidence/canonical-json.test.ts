import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalJson, itemSha256, manifestSha256 } from './canonical-json.ts';

describe('canonicalJson', () => {
  const TABLE: Array<[string, unknown, string]> = [
    ['null', null, 'null'],
    ['true', true, 'true'],
    ['an integer', 45_000, '45000'],
    ['a negative decimal', -0.5, '-0.5'],
    ['minus zero as zero', -0, '0'],
    ['a large number in exponent form', 1e21, '1e+21'],
    ['a string with quotes and accents', 'Señal "intermitente"', '"Señal \\"intermitente\\""'],
    ['a control character escaped', 'a\nb', '"a\\nb"'],
    ['an empty object', {}, '{}'],
    ['an empty array', [], '[]'],
    ['keys sorted', { b: 1, a: 2, c: 3 }, '{"a":2,"b":1,"c":3}'],
    ['nested keys sorted', { z: { y: 1, x: [{ b: 1, a: 0 }] } }, '{"z":{"x":[{"a":0,"b":1}],"y":1}}'],
    ['keys sorted by code unit: capitals first', { a: 1, B: 2, _: 3 }, '{"B":2,"_":3,"a":1}'],
    ['array order kept', [3, 1, 2], '[3,1,2]'],
    ['undefined members dropped', { a: undefined, b: null }, '{"b":null}'],
    ['undefined in an array as null', [undefined, 1], '[null,1]'],
    ['an object with no prototype', Object.assign(Object.create(null), { k: 'v' }), '{"k":"v"}'],
  ];
  it.each(TABLE)('writes %s', (_name, value, expected) => {
    expect(canonicalJson(value)).toBe(expected);
  });

  it('is the same whatever order the keys were written in', () => {
    expect(canonicalJson({ kind: 'mensaje', data: { body: 'x', at: 1 } })).toBe(
      canonicalJson({ data: { at: 1, body: 'x' }, kind: 'mensaje' }),
    );
  });

  const REFUSED: Array<[string, unknown]> = [
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['a Date', new Date(0)],
    ['a function', () => 1],
    ['a bigint', 1n],
    ['undefined at the top', undefined],
    ['a Map', new Map()],
  ];
  it.each(REFUSED)('refuses %s', (_name, value) => {
    expect(() => canonicalJson(value)).toThrow(TypeError);
  });
});

describe('the hashes', () => {
  const sha = (text: string) => createHash('sha256').update(text).digest('hex');

  it('hash an item over its canonical JSON without its own hash', () => {
    const item = { kind: 'mensaje', id: 'm1', at: '2026-11-25T16:00:00.000Z', data: { b: 2, a: 1 } };
    expect(itemSha256(item)).toBe(
      sha('{"at":"2026-11-25T16:00:00.000Z","data":{"a":1,"b":2},"id":"m1","kind":"mensaje"}'),
    );
  });

  it('hash the manifest over the item hashes, one per line, in order', () => {
    expect(manifestSha256(['aa', 'bb'])).toBe(sha('aa\nbb\n'));
    expect(manifestSha256(['bb', 'aa'])).not.toBe(manifestSha256(['aa', 'bb']));
    expect(manifestSha256([])).toBe(sha(''));
  });
});
