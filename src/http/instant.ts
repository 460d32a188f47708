import { z } from 'zod';

/** The instants Atiende accepts from outside: far enough either way for any real record. */
export const INSTANT_RANGE = {
  from: Date.parse('1900-01-01T00:00:00Z'),
  to: Date.parse('3000-01-01T00:00:00Z'),
};

/** Whether an ISO 8601 text names an instant in {@link INSTANT_RANGE} (year 0 or 275760 never reach the database). */
export function isAcceptedInstant(text: string): boolean {
  const at = Date.parse(text);
  return Number.isFinite(at) && at >= INSTANT_RANGE.from && at < INSTANT_RANGE.to;
}

/** An ISO 8601 date-time with its offset, within {@link INSTANT_RANGE}. */
export const Instant = z.iso
  .datetime({ offset: true })
  .refine(isAcceptedInstant, { message: 'must be a date between the years 1900 and 2999' });
