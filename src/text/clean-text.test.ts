import { describe, expect, it } from 'vitest';
import { cleanDeep, cleanText } from './clean-text.ts';

describe('cleanText', () => {
  it.each([
    ['plain text stays', 'Sin internet desde ayer', 'Sin internet desde ayer'],
    ['accents and emoji stay', 'Señal débil en Saltillo 📶', 'Señal débil en Saltillo 📶'],
    ['tab, newline and carriage return stay', 'a\tb\r\nc', 'a\tb\r\nc'],
    ['NUL is dropped', 'factura\u0000 de junio', 'factura de junio'],
    ['only NULs', '\u0000\u0000', ''],
    ['C0 controls are dropped', 'a\u0001\u0007\u001bb', 'ab'],
    ['DEL and C1 controls are dropped', 'a\u007f\u0085\u009fb', 'ab'],
    ['a lone high surrogate becomes U+FFFD', 'x\uD800y', 'x\uFFFDy'],
    ['a lone low surrogate becomes U+FFFD', '\uDC00fin', '\uFFFDfin'],
    ['a reversed pair is two lone surrogates', '\uDE00\uD83D', '\uFFFD\uFFFD'],
    ['a valid pair stays', '\uD83D\uDE00', '😀'],
  ])('%s', (_label, input, expected) => {
    expect(cleanText(input)).toBe(expected);
  });
});

describe('cleanDeep', () => {
  it('cleans strings at any depth, keys included, and leaves other values', () => {
    expect(cleanDeep({ 'a\u0000': ['x\u0000', { y: '\uD800' }], n: 1, b: true, z: null, e: [] })).toEqual({
      a: ['x', { y: '\uFFFD' }],
      n: 1,
      b: true,
      z: null,
      e: [],
    });
  });

  it('leaves raw bytes alone and never lets a key replace the prototype', () => {
    const bytes = Buffer.from('a\u0000b');
    expect(cleanDeep(bytes)).toBe(bytes);
    const cleaned = cleanDeep(JSON.parse('{"__proto__": {"admin": true}}')) as Record<string, unknown>;
    expect(Object.getPrototypeOf(cleaned)).toBe(Object.prototype);
    expect((cleaned as { admin?: boolean }).admin).toBeUndefined();
  });

  it('cleans the objects a query string is parsed into', () => {
    const query = Object.create(Object.create(null)) as Record<string, string>;
    query.q = 'abc\u0000def';
    expect(cleanDeep(query)).toEqual({ q: 'abcdef' });
  });
});
