import { AppError } from '../http/errors.ts';

// Damm's totally anti-symmetric quasigroup of order 10: it catches every single-digit error and every
// transposition of adjacent digits, the two mistakes people make reading a folio over the phone.
const DAMM = [
  [0, 3, 1, 7, 5, 9, 8, 6, 4, 2],
  [7, 0, 9, 2, 1, 5, 4, 8, 6, 3],
  [4, 2, 0, 6, 8, 7, 1, 3, 5, 9],
  [1, 7, 5, 0, 9, 8, 3, 4, 2, 6],
  [6, 1, 2, 3, 0, 4, 5, 9, 7, 8],
  [3, 6, 7, 4, 2, 0, 9, 5, 8, 1],
  [5, 8, 6, 9, 7, 2, 0, 1, 3, 4],
  [8, 9, 4, 5, 3, 6, 2, 0, 1, 7],
  [9, 4, 3, 8, 6, 1, 7, 2, 0, 5],
  [2, 5, 8, 1, 4, 3, 6, 7, 9, 0],
] as const;

/** The Damm check digit of a string of decimal digits. */
export function dammCheckDigit(digits: string): number {
  let interim = 0;
  for (const char of digits) {
    const digit = char.charCodeAt(0) - 48;
    if (digit < 0 || digit > 9) throw new RangeError(`not a digit: ${char}`);
    interim = (DAMM[interim] as readonly number[])[digit] as number;
  }
  return interim;
}

const pad = (sequence: number) => String(sequence).padStart(6, '0');

/** `MON-2026-000042-6`: prefix, year, sequence (6 digits, longer past 999999), check digit over year+sequence. */
export function formatFolio(prefix: string, year: number, sequence: number): string {
  const digits = `${year}${pad(sequence)}`;
  return `${prefix}-${year}-${pad(sequence)}-${dammCheckDigit(digits)}`;
}

export interface ParsedFolio {
  folio: string;
  prefix: string;
  year: number;
  sequence: number;
}

/**
 * Reads a folio as a person may type it (lower case, spaces, missing dashes) and returns its canonical
 * form. A malformed folio or a wrong check digit is a 400, so a mistyped folio never reaches the database.
 */
export function parseFolio(input: string, field = 'folio'): ParsedFolio {
  const compact = input.toUpperCase().replace(/[\s-]/g, '');
  const match = /^([A-Z]{2,6})(\d{4})(\d{6,12})(\d)$/.exec(compact);
  if (!match) {
    throw new AppError('folio.malformed', {
      status: 400,
      field,
      detail: 'A folio looks like MON-2026-000042-6',
    });
  }
  const [, prefix = '', year = '', sequence = '', check = ''] = match;
  if (dammCheckDigit(`${year}${sequence}`) !== Number(check)) {
    throw new AppError('folio.check_digit', {
      status: 400,
      field,
      detail: 'The folio has a wrong check digit; please read it again',
    });
  }
  const seq = Number(sequence);
  return { folio: `${prefix}-${year}-${sequence}-${check}`, prefix, year: Number(year), sequence: seq };
}
