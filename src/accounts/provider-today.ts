import { Temporal } from 'temporal-polyfill';

/** The calendar date at `instant` in `timeZone` (`YYYY-MM-DD`): a customer's "today" for cut-offs and dues. */
export const plainDateIn = (timeZone: string, instant: Date): string =>
  Temporal.Instant.fromEpochMilliseconds(instant.getTime())
    .toZonedDateTimeISO(timeZone)
    .toPlainDate()
    .toString();

/** The first instant of a calendar date (`YYYY-MM-DD`) in `timeZone`: when a dated right starts or ends. */
export const startOfDayIn = (timeZone: string, date: string): Date =>
  new Date(Temporal.PlainDate.from(date).toZonedDateTime({ timeZone }).epochMilliseconds);
