import { Temporal } from 'temporal-polyfill';
import { MAX_AMOUNT_CENTAVOS } from '../accounts/money.ts';
import { MONTHS_ES } from '../channels/templates.ts';
import { AppError } from '../http/errors.ts';

// What the rights rules share to refuse inputs: an agent's typo must come back naming its field, never
// as a credit computed from nonsense.

export function invalid(code: string, field: string, detail: string): AppError {
  return new AppError(code, { status: 422, field, detail });
}

/** An ISO instant with its offset (`2026-03-10T10:00:00Z`, `…-06:00`); a bare local time is ambiguous. */
export function instantOf(text: string, code: string, field: string): Temporal.Instant {
  try {
    return Temporal.Instant.from(text);
  } catch {
    throw invalid(code, field, `not an ISO instant with offset: ${text}`);
  }
}

const PLAIN_DATE = /^\d{4}-\d{2}-\d{2}$/;

export function plainDateOf(text: string, code: string, field: string): Temporal.PlainDate {
  try {
    if (!PLAIN_DATE.test(text)) throw new RangeError(text);
    return Temporal.PlainDate.from(text, { overflow: 'reject' });
  } catch {
    throw invalid(code, field, `not a YYYY-MM-DD date: ${text}`);
  }
}

/** A positive amount in centavos (zero too when `allowZero`), at most MAX_AMOUNT_CENTAVOS. */
export function assertAmount(value: number, code: string, field: string, allowZero = false): void {
  if (!Number.isSafeInteger(value) || value < (allowZero ? 0 : 1) || value > MAX_AMOUNT_CENTAVOS) {
    throw invalid(
      code,
      field,
      `${allowZero ? 'a non-negative' : 'a positive'} whole number of centavos up to ${MAX_AMOUNT_CENTAVOS} is required, got ${value}`,
    );
  }
}

/** Settings reach the rules without the profile's check too (a test, a script): their bounds hold here. */
export function assertWholeNumber(
  value: number,
  min: number,
  max: number,
  code: string,
  field: string,
): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw invalid(code, field, `a whole number from ${min} to ${max} is required, got ${value}`);
  }
}

/** A plain date as customers read it: "14 de diciembre de 2026". */
export const dateEs = (date: Temporal.PlainDate): string =>
  `${date.day} de ${MONTHS_ES[date.month - 1]} de ${date.year}`;

/** The local date of an instant in a calendar's zone. */
export const localDate = (epochMs: number, zone: string): Temporal.PlainDate =>
  Temporal.Instant.fromEpochMilliseconds(epochMs).toZonedDateTimeISO(zone).toPlainDate();

/** An instant as the rules answer it: `2026-12-14T09:00:00Z`. */
export const isoOf = (epochMs: number): string => Temporal.Instant.fromEpochMilliseconds(epochMs).toString();
