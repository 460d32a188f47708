import { describe, expect, it } from 'vitest';
import { AppError } from '../http/errors.ts';
import { dammCheckDigit, formatFolio, parseFolio } from './folio.ts';

describe('Damm check digit', () => {
  it.each([
    ['572', 4],
    ['5724', 0],
    ['2026000042', 6],
    ['0', 0],
    ['', 0],
    ['112946', 0],
  ])('%s → %i', (digits, expected) => {
    expect(dammCheckDigit(digits)).toBe(expected);
  });

  it('catches every single-digit error and adjacent transposition of a folio number', () => {
    const digits = '2026000042';
    const right = dammCheckDigit(digits);
    for (let i = 0; i < digits.length; i++) {
      for (let d = 0; d <= 9; d++) {
        if (String(d) === digits[i]) continue;
        const wrong = `${digits.slice(0, i)}${d}${digits.slice(i + 1)}`;
        expect(dammCheckDigit(`${wrong}${right}`)).not.toBe(0);
      }
      if (i + 1 < digits.length && digits[i] !== digits[i + 1]) {
        const swapped = `${digits.slice(0, i)}${digits[i + 1]}${digits[i]}${digits.slice(i + 2)}`;
        expect(dammCheckDigit(`${swapped}${right}`)).not.toBe(0);
      }
    }
  });
});

describe('folios', () => {
  it.each([
    ['MON', 2026, 42, 'MON-2026-000042-6'],
    ['MON', 2026, 1, `MON-2026-000001-${dammCheckDigit('2026000001')}`],
    ['MON', 2027, 1234567, `MON-2027-1234567-${dammCheckDigit('20271234567')}`],
  ])('formats %s %i #%i as %s', (prefix, year, sequence, expected) => {
    expect(formatFolio(prefix, year, sequence)).toBe(expected);
  });

  it.each([
    'MON-2026-000042-6',
    'mon-2026-000042-6',
    ' mon 2026 000042 6 ',
    'MON2026000042-6',
    'mon20260000426',
  ])('reads %j as MON-2026-000042-6', (typed) => {
    expect(parseFolio(typed)).toEqual({
      folio: 'MON-2026-000042-6',
      prefix: 'MON',
      year: 2026,
      sequence: 42,
    });
  });

  it.each([
    ['MON-2026-000042-5', 'folio.check_digit'],
    ['MON-2026-000024-6', 'folio.check_digit'],
    ['MON-2026-42-6', 'folio.malformed'],
    ['2026-000042-6', 'folio.malformed'],
    ['MON-2026-000042', 'folio.malformed'],
    ['', 'folio.malformed'],
  ])('refuses %j with %s', (typed, code) => {
    try {
      parseFolio(typed);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(AppError);
      expect(error).toMatchObject({ code, status: 400, field: 'folio' });
    }
  });
});
