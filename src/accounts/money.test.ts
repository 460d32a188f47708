import { describe, expect, it } from 'vitest';
import { assertCentavos, formatMxn, MAX_AMOUNT_CENTAVOS, type MxnParseError, parseMxn } from './money.ts';

describe('formatMxn', () => {
  it.each([
    [0, '$0.00 MXN'],
    [1, '$0.01 MXN'],
    [29, '$0.29 MXN'],
    [35_000, '$350.00 MXN'],
    [-35_000, '-$350.00 MXN'],
    [-5, '-$0.05 MXN'],
    [123_450, '$1,234.50 MXN'],
    [99_999, '$999.99 MXN'],
    [100_000, '$1,000.00 MXN'],
    [123_456_789, '$1,234,567.89 MXN'],
    [MAX_AMOUNT_CENTAVOS, '$100,000,000.00 MXN'],
    [Number.MAX_SAFE_INTEGER, '$90,071,992,547,409.91 MXN'],
    [-0, '$0.00 MXN'],
  ])('%i centavos → %s', (centavos, text) => {
    expect(formatMxn(centavos)).toBe(text);
  });

  it.each([0.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53])('refuses %s', (value) => {
    expect(() => formatMxn(value)).toThrow(RangeError);
    expect(() => assertCentavos(value)).toThrow(RangeError);
  });
});

describe('parseMxn', () => {
  it.each([
    ['350', 35_000],
    ['350.5', 35_050],
    ['350.50', 35_050],
    ['$350', 35_000],
    ['$ 350.00', 35_000],
    ['$1,234.50', 123_450],
    ['1,234', 123_400],
    ['1,234,567.89', 123_456_789],
    ['0.29', 29],
    ['19.99', 1_999],
    ['0.07', 7],
    ['1.10', 110],
    ['4.35', 435],
    ['0', 0],
    ['0.00', 0],
    ['007', 700],
    ['  350.00  ', 35_000],
    ['\u00a0350\u00a0', 35_000],
    ['$350.00 MXN', 35_000],
    ['350 mxn', 35_000],
    ['100,000,000.00', MAX_AMOUNT_CENTAVOS],
    ['100000000', MAX_AMOUNT_CENTAVOS],
  ])('%j → %i centavos', (text, centavos) => {
    expect(parseMxn(text)).toEqual({ ok: true, centavos });
  });

  it.each([
    ['-350', -35_000],
    ['-$350.00', -35_000],
    ['$-350.00', -35_000],
    ['-$1,234.50 MXN', -123_450],
    ['-0.29', -29],
    ['-0', 0],
  ])('with negatives allowed, %j → %i centavos', (text, centavos) => {
    expect(parseMxn(text, { allowNegative: true })).toEqual({ ok: true, centavos });
  });

  it.each<[string, MxnParseError]>([
    ['', 'empty'],
    ['   ', 'empty'],
    ['abc', 'malformed'],
    ['NaN', 'malformed'],
    ['Infinity', 'malformed'],
    ['1e3', 'malformed'],
    ['1E-2', 'malformed'],
    ['0x10', 'malformed'],
    ['.50', 'malformed'],
    ['350.', 'malformed'],
    ['1 234.50', 'malformed'],
    ['--350', 'malformed'],
    ['-$-350', 'malformed'],
    ['$$350', 'malformed'],
    ['350 pesos', 'malformed'],
    ['trescientos', 'malformed'],
    ['1234,50', 'ambiguous_separators'],
    ['1,5', 'ambiguous_separators'],
    ['0,29', 'ambiguous_separators'],
    ['1.234,50', 'ambiguous_separators'],
    ['1.234.567', 'ambiguous_separators'],
    ['12,34,567', 'ambiguous_separators'],
    ['1,2345', 'ambiguous_separators'],
    [',350', 'ambiguous_separators'],
    ['350.505', 'too_many_decimals'],
    ['0.299', 'too_many_decimals'],
    ['1.234', 'too_many_decimals'],
    ['100,000,000.01', 'too_large'],
    ['1000000000', 'too_large'],
    ['99999999999999999999999', 'too_large'],
    ['-350', 'negative'],
    ['-$0.01', 'negative'],
  ])('%j is refused as %s', (text, error) => {
    expect(parseMxn(text)).toEqual({ ok: false, error });
  });

  it('reads back every amount formatMxn writes, to the centavo', () => {
    const misread: number[] = [];
    for (let centavos = -1_000_000; centavos <= 1_000_000; centavos += 7) {
      const read = parseMxn(formatMxn(centavos), { allowNegative: true });
      if (!read.ok || !Object.is(read.centavos, centavos)) misread.push(centavos);
    }
    expect(misread).toEqual([]);
  });

  it('has no floating-point error on any amount up to $100.00', () => {
    const misread: string[] = [];
    for (let centavos = 0; centavos <= 10_000; centavos++) {
      const text = `${Math.floor(centavos / 100)}.${String(centavos % 100).padStart(2, '0')}`;
      const read = parseMxn(text);
      if (!read.ok || read.centavos !== centavos) misread.push(text);
    }
    expect(misread).toEqual([]);
  });
});
