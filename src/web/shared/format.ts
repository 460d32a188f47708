import type { Weekday, WeeklyHours } from './types.ts';

export type Language = 'es-MX' | 'en';

const partsOf = (date: Date, language: Language, timeZone: string, withTime: boolean) => {
  const parts = new Intl.DateTimeFormat(language, {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    ...(withTime ? { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' } : {}),
    timeZone,
  }).formatToParts(date);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return {
    day: part('day'),
    month: part('month'),
    year: part('year'),
    hour: part('hour'),
    minute: part('minute'),
  };
};

/** "25 de noviembre de 2026, 10:02 h" in Spanish, "November 25, 2026, 10:02" in English, in the provider's zone. */
export function formatDateTime(iso: string, language: Language, timeZone: string): string {
  const p = partsOf(new Date(iso), language, timeZone, true);
  return language === 'en'
    ? `${p.month} ${p.day}, ${p.year}, ${p.hour}:${p.minute}`
    : `${p.day} de ${p.month} de ${p.year}, ${p.hour}:${p.minute} h`;
}

/** "25 de noviembre de 2026" / "November 25, 2026". */
export function formatDate(iso: string, language: Language, timeZone: string): string {
  const p = partsOf(new Date(iso), language, timeZone, false);
  return language === 'en' ? `${p.month} ${p.day}, ${p.year}` : `${p.day} de ${p.month} de ${p.year}`;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * A duration as an agent reads it at a glance: "2 d 3 h", "3 h 15 min", "12 min". The sign is dropped:
 * the caller says "vence en" or "venció hace".
 */
export function formatDuration(ms: number): string {
  const abs = Math.abs(ms);
  if (abs >= DAY) {
    const days = Math.floor(abs / DAY);
    const hours = Math.floor((abs % DAY) / HOUR);
    return hours > 0 ? `${days} d ${hours} h` : `${days} d`;
  }
  if (abs >= HOUR) {
    const hours = Math.floor(abs / HOUR);
    const minutes = Math.floor((abs % HOUR) / MINUTE);
    return minutes > 0 ? `${hours} h ${minutes} min` : `${hours} h`;
  }
  return `${Math.floor(abs / MINUTE)} min`;
}

// Mexico City, Guadalajara and Monterrey dial two-digit area codes; the rest of the country three.
const TWO_DIGIT_AREAS = new Set(['55', '56', '33', '81']);

/** "+528147746333" → "(81) 4774 6333"; "+528446887331" → "(844) 688 7331"; anything else as given. */
export function formatPhone(address: string): string {
  const match = /^\+52(?:1)?(\d{10})$/.exec(address.replace(/[\s()-]/g, ''));
  if (!match?.[1]) return address;
  const digits = match[1];
  const area = TWO_DIGIT_AREAS.has(digits.slice(0, 2)) ? 2 : 3;
  const rest = digits.slice(area);
  const split = rest.length - 4;
  return `(${digits.slice(0, area)}) ${rest.slice(0, split)} ${rest.slice(split)}`;
}

/** "1.2 MB", "340 KB": attachment sizes. */
export function formatSize(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${bytes} B`;
}

export const WEEKDAYS: Weekday[] = [
  'monday',
  'tuesday',
  'wednesday',
  'thursday',
  'friday',
  'saturday',
  'sunday',
];

export interface HoursGroup {
  /** Consecutive weekdays with the same hours, e.g. monday…friday. */
  from: Weekday;
  to: Weekday;
  /** "08:00–21:00", or empty when closed those days. */
  ranges: string[];
}

/** Folds a week of opening hours into runs of days with the same hours, as a notice board reads. */
export function groupHours(hours: WeeklyHours): HoursGroup[] {
  const groups: HoursGroup[] = [];
  for (const day of WEEKDAYS) {
    const ranges = (hours[day] ?? []).map((r) => `${r.from}–${r.to}`);
    const last = groups.at(-1);
    if (last && last.ranges.join() === ranges.join()) last.to = day;
    else groups.push({ from: day, to: day, ranges });
  }
  return groups;
}

/** Replaces {folio}, {nombre}, {plazo}… in a canned reply; an unknown placeholder stays visible. */
export function fillPlaceholders(text: string, values: Record<string, string>): string {
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => values[name] ?? whole);
}
