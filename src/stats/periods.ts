import { Temporal } from 'temporal-polyfill';
import { AppError } from '../http/errors.ts';
import type { StatsPeriod } from './stats.schema.ts';

/** Days a default range covers, today included. */
export const DEFAULT_RANGE_DAYS = 30;
/** The widest range asked at once, in years: enough for a regulator's comparisons, bounded for the database. */
export const MAX_RANGE_YEARS = 3;

/** The PostgreSQL `date_trunc` unit of each period; `week` starts on the ISO Monday. */
export const TRUNC_UNIT: Record<StatsPeriod, 'day' | 'week' | 'month'> = {
  dia: 'day',
  semana: 'week',
  mes: 'month',
};

/** The local date of an instant in a time zone, `YYYY-MM-DD`. */
export const localDay = (instant: Date, timeZone: string): string =>
  Temporal.Instant.fromEpochMilliseconds(instant.getTime())
    .toZonedDateTimeISO(timeZone)
    .toPlainDate()
    .toString();

/** The instant a local day begins in a time zone (its first existing minute, should midnight be skipped). */
export const startOfDay = (day: string, timeZone: string): Date =>
  new Date(Temporal.PlainDate.from(day).toZonedDateTime({ timeZone }).epochMilliseconds);

export const addDays = (day: string, days: number): string =>
  Temporal.PlainDate.from(day).add({ days }).toString();

/** The first day of the bucket a local day falls in: itself, its ISO week's Monday, its month's 1st. */
export function bucketOf(day: string, period: StatsPeriod): string {
  const date = Temporal.PlainDate.from(day);
  if (period === 'semana') return date.subtract({ days: date.dayOfWeek - 1 }).toString();
  if (period === 'mes') return date.with({ day: 1 }).toString();
  return date.toString();
}

export interface DayRange {
  from: string;
  to: string;
  /** The first instant of `from` and the first instant after `to`, in the time zone. */
  start: Date;
  end: Date;
}

/**
 * The asked range with its defaults (the last 30 days up to today in the time zone), refused when it runs
 * backwards or spans more than three years.
 */
export function dayRange(
  asked: { from?: string | undefined; to?: string | undefined },
  now: Date,
  timeZone: string,
): DayRange {
  const to = asked.to ?? localDay(now, timeZone);
  const from = asked.from ?? addDays(to, -(DEFAULT_RANGE_DAYS - 1));
  if (from > to)
    throw new AppError('stats.invalid_range', {
      status: 422,
      field: 'querystring.to',
      detail: '`to` must not be before `from`',
    });
  if (Temporal.PlainDate.from(from).add({ years: MAX_RANGE_YEARS }).toString() < to)
    throw new AppError('stats.invalid_range', {
      status: 422,
      field: 'querystring.from',
      detail: `The range spans at most ${MAX_RANGE_YEARS} years`,
    });
  return { from, to, start: startOfDay(from, timeZone), end: startOfDay(addDays(to, 1), timeZone) };
}
