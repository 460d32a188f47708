import type { Weekday } from '../../../shared/types.ts';

export const WEEKDAYS: readonly Weekday[] = [
  'monday',
  'tuesday',
  'wednesday',
  'thursday',
  'friday',
  'saturday',
  'sunday',
];

export type Interval = { from: string; to: string };
export type Week = Record<Weekday, Interval[]>;
/** A week as typed in the console: per day, its intervals as text ("09:00–14:00, 16:00–18:00"). */
export type WeekText = Record<Weekday, string>;

const INTERVAL = /^(\d{1,2}):(\d{2})\s*[-–—a]\s*(\d{1,2}):(\d{2})$/;

const pad = (hours: string, minutes: string) => `${hours.padStart(2, '0')}:${minutes}`;

/** A day's intervals as one line of text; an empty day is an empty line (closed). */
export const dayText = (intervals: readonly Interval[] | undefined) =>
  (intervals ?? []).map((interval) => `${interval.from}–${interval.to}`).join(', ');

export function weekText(week: Partial<Week> | undefined | null): WeekText {
  return Object.fromEntries(WEEKDAYS.map((day) => [day, dayText(week?.[day])])) as WeekText;
}

/**
 * The intervals a line of text names, or undefined when it is not a list of `HH:MM–HH:MM`. Only the
 * form is checked here: ranges, order and overlaps are the server's to judge, with the path of the
 * interval at fault.
 */
export function parseDay(text: string): Interval[] | undefined {
  const parts = text
    .split(/[,;]/)
    .map((part) => part.trim())
    .filter(Boolean);
  const intervals: Interval[] = [];
  for (const part of parts) {
    const match = INTERVAL.exec(part);
    if (!match) return undefined;
    const [, fromH = '', fromM = '', toH = '', toM = ''] = match;
    intervals.push({ from: pad(fromH, fromM), to: pad(toH, toM) });
  }
  return intervals;
}

/** The week the texts describe, with the days whose text is not a list of intervals. */
export function parseWeek(text: WeekText): { week: Week; invalid: Weekday[] } {
  const invalid: Weekday[] = [];
  const week = Object.fromEntries(
    WEEKDAYS.map((day) => {
      const intervals = parseDay(text[day]);
      if (!intervals) invalid.push(day);
      return [day, intervals ?? []];
    }),
  ) as Week;
  return { week, invalid };
}

/** A week with no open minute: a calendar or channel that would never open. */
export const isNeverOpen = (week: Week) => WEEKDAYS.every((day) => week[day].length === 0);
