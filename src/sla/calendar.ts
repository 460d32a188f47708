import { Temporal } from 'temporal-polyfill';
import {
  ALWAYS_OPEN,
  type CalendarSpec,
  type CalendarSpecInput,
  CalendarSpecSchema,
  minutesOfDay,
  type Weekday,
} from './calendar-spec.ts';
import { mexicanRestDays } from './holidays.ts';

/**
 * Business-time arithmetic over a calendar (what a calendar is, as settings write it: calendar-spec.ts).
 *
 * Instants: every function accepts a `Date` or epoch milliseconds and returns epoch milliseconds, so
 * hot loops never allocate Dates. Open time is half-open: a calendar open 09:00–18:00 is open at 09:00
 * and closed at 18:00.
 *
 * A compiled calendar keeps, per local year and built on first use, the open intervals as sorted epoch
 * milliseconds with prefix sums of open time, and per local day whether it is a business day. Temporal
 * supplies the zone's UTC-offset transitions when a year is built; the arithmetic itself is binary
 * searches over those arrays.
 */

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const MINUTES_PER_DAY = 1_440;

/** Searching for an opening gives up after this many years without one. */
const SEARCH_LIMIT_YEARS = 3;
const FIRST_SUPPORTED_YEAR = 1900;
const LAST_SUPPORTED_YEAR = 2199;

/** An instant: a Date, or milliseconds since the Unix epoch (what every function returns). */
export type Instant = Date | number;

/** Thrown when a calendar has no open time (or no business day) within the search limit. */
export class CalendarNeverOpenError extends Error {
  constructor(zone: string, after: number) {
    super(
      `calendar in ${zone} has no opening within ${SEARCH_LIMIT_YEARS} years after ${new Date(after).toISOString()}`,
    );
    this.name = 'CalendarNeverOpenError';
  }
}

/** A calendar ready for arithmetic, made by compileCalendar. */
export interface Calendar {
  readonly spec: CalendarSpec;
}

interface YearTimeline {
  starts: number[];
  ends: number[];
  /** 1 for each local day of the year that has open time. */
  businessDays: Uint8Array;
}

function epochDayOf(isoDate: string): number {
  return (
    Date.UTC(Number(isoDate.slice(0, 4)), Number(isoDate.slice(5, 7)) - 1, Number(isoDate.slice(8, 10))) /
    DAY_MS
  );
}

/** 0 = Sunday, as Date#getUTCDay; 1970-01-01 (epoch day 0) was a Thursday. */
function weekdayOf(epochDay: number): number {
  return (((epochDay + 4) % 7) + 7) % 7;
}

/** Smallest index in [0, length] whose value is greater than x (values ascending). */
function firstAbove(values: Float64Array | Int32Array, length: number, x: number): number {
  let lo = 0;
  let hi = length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((values[mid] as number) <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Smallest index in [0, length] whose value is at least x (values ascending). */
function firstAtLeast(values: Float64Array | Int32Array, length: number, x: number): number {
  let lo = 0;
  let hi = length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((values[mid] as number) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Appends [start, end) to sorted disjoint intervals, merging it into the last one when they meet. */
function appendMerged(starts: number[], ends: number[], start: number, end: number): void {
  const last = ends.length - 1;
  if (last >= 0 && start <= (ends[last] as number)) {
    if (end > (ends[last] as number)) ends[last] = end;
  } else {
    starts.push(start);
    ends.push(end);
  }
}

class CompiledCalendar implements Calendar {
  readonly spec: CalendarSpec;
  /** Opening intervals in minutes of the local day, indexed like Date#getUTCDay (0 = Sunday). */
  private readonly weekly: ReadonlyArray<ReadonlyArray<readonly [number, number]>>;
  private readonly closedDays: ReadonlySet<number>;

  private offsetBefore = 0;
  private transitions = new Float64Array(0);
  private offsetsAfter = new Float64Array(0);

  private firstYear = 0;
  private lastYear = -1;
  private readonly years = new Map<number, YearTimeline>();

  private coverStart = Number.POSITIVE_INFINITY;
  private coverEnd = Number.NEGATIVE_INFINITY;
  private starts = new Float64Array(0);
  private ends = new Float64Array(0);
  /** cum[i] = open milliseconds from the start of the covered range to starts[i]; one extra slot at the end. */
  private cum = new Float64Array(1);
  private count = 0;
  /** Epoch day (local) of 1 January of firstYear. */
  private firstDay = 0;
  private dayCount = 0;
  /** businessDaysBefore[k] = business days among the first k covered local days. */
  private businessDaysBefore = new Int32Array(1);

  constructor(spec: CalendarSpec) {
    this.spec = spec;
    const byJsWeekday: Weekday[] = [
      'sunday',
      'monday',
      'tuesday',
      'wednesday',
      'thursday',
      'friday',
      'saturday',
    ];
    this.weekly = byJsWeekday.map((day) =>
      spec.hours[day]
        .map((interval): readonly [number, number] => [
          minutesOfDay(interval.from),
          minutesOfDay(interval.to),
        ])
        .sort((a, b) => a[0] - b[0]),
    );
    this.closedDays = new Set(spec.closures.map((closure) => epochDayOf(closure.date)));
  }

  isOpen(t: number): boolean {
    this.ensure(t);
    const i = firstAbove(this.ends, this.count, t);
    return i < this.count && (this.starts[i] as number) <= t;
  }

  nextOpening(t: number): number {
    this.ensure(t);
    let i = firstAbove(this.ends, this.count, t);
    if (i === this.count) {
      const giveUpAfter = this.lastYear + SEARCH_LIMIT_YEARS;
      while (i === this.count) {
        if (this.lastYear >= giveUpAfter) throw new CalendarNeverOpenError(this.spec.zone, t);
        this.addYear(this.lastYear + 1);
        i = firstAbove(this.ends, this.count, t);
      }
    }
    const start = this.starts[i] as number;
    return Math.max(start, t);
  }

  addMillis(t: number, ms: number): number {
    if (ms === 0) return t;
    this.ensure(t);
    const i = firstAbove(this.ends, this.count, t);
    let target: number;
    if (i < this.count) {
      const start = this.starts[i] as number;
      const from = Math.max(start, t);
      if (from + ms <= (this.ends[i] as number)) return from + ms;
      target = (this.cum[i] as number) + (from - start) + ms;
    } else {
      target = (this.cum[this.count] as number) + ms;
    }
    let idleYears = 0;
    while (target > (this.cum[this.count] as number)) {
      const before = this.cum[this.count] as number;
      this.addYear(this.lastYear + 1);
      idleYears = this.cum[this.count] === before ? idleYears + 1 : 0;
      if (idleYears >= SEARCH_LIMIT_YEARS) throw new CalendarNeverOpenError(this.spec.zone, t);
    }
    // The interval holding the target is the one whose prefix sum first reaches it; landing exactly on
    // a closing instant returns that instant, not the next opening.
    const j = firstAtLeast(this.cum, this.count + 1, target) - 1;
    return (this.starts[j] as number) + (target - (this.cum[j] as number));
  }

  millisBetween(a: number, b: number): number {
    this.ensure(a);
    this.ensure(b);
    return this.openBefore(b) - this.openBefore(a);
  }

  addDays(t: number, days: number): number {
    const opening = this.nextOpening(t);
    if (days === 0) return opening;
    const local = opening + this.offsetAt(opening);
    const day = Math.floor(local / DAY_MS);
    const wallTime = local - day * DAY_MS;
    const target = (this.businessDaysBefore[day - this.firstDay + 1] as number) + days;
    let idleYears = 0;
    while (target > (this.businessDaysBefore[this.dayCount] as number)) {
      const before = this.businessDaysBefore[this.dayCount];
      this.addYear(this.lastYear + 1);
      idleYears = this.businessDaysBefore[this.dayCount] === before ? idleYears + 1 : 0;
      if (idleYears >= SEARCH_LIMIT_YEARS) throw new CalendarNeverOpenError(this.spec.zone, t);
    }
    const targetDay = this.firstDay + firstAtLeast(this.businessDaysBefore, this.dayCount + 1, target) - 1;
    return this.localToEpoch(targetDay * DAY_MS + wallTime);
  }

  /** Open milliseconds from the start of the covered range to t (t must be covered). */
  private openBefore(t: number): number {
    const i = firstAbove(this.ends, this.count, t);
    if (i === this.count) return this.cum[this.count] as number;
    const start = this.starts[i] as number;
    return (this.cum[i] as number) + (t > start ? t - start : 0);
  }

  private ensure(t: number): void {
    if (t >= this.coverStart && t < this.coverEnd) return;
    const year = new Date(t).getUTCFullYear();
    if (year < FIRST_SUPPORTED_YEAR || year > LAST_SUPPORTED_YEAR) {
      throw new RangeError(
        `instant outside the supported years ${FIRST_SUPPORTED_YEAR}–${LAST_SUPPORTED_YEAR}`,
      );
    }
    if (this.lastYear < this.firstYear) this.addYear(year);
    while (t < this.coverStart) this.addYear(this.firstYear - 1);
    while (t >= this.coverEnd) this.addYear(this.lastYear + 1);
  }

  private offsetAt(t: number): number {
    const k = firstAbove(this.transitions, this.transitions.length, t);
    return k === 0 ? this.offsetBefore : (this.offsetsAfter[k - 1] as number);
  }

  /**
   * The instant of a local wall-clock time given as milliseconds of a UTC-labelled clock, resolved as
   * Temporal's 'compatible' disambiguation: a repeated time takes the earlier instant, a skipped time
   * moves forward by the length of the gap. Assumes at most one offset change within a day either side.
   */
  private localToEpoch(wall: number): number {
    const offsetEarlier = this.offsetAt(wall - DAY_MS);
    const offsetLater = this.offsetAt(wall + DAY_MS);
    const earlier = wall - offsetEarlier;
    if (offsetEarlier === offsetLater) return earlier;
    const later = wall - offsetLater;
    const earlierValid = this.offsetAt(earlier) === offsetEarlier;
    const laterValid = this.offsetAt(later) === offsetLater;
    if (earlierValid && laterValid) return Math.min(earlier, later);
    if (laterValid) return later;
    return earlier;
  }

  private addYear(year: number): void {
    if (year < FIRST_SUPPORTED_YEAR || year > LAST_SUPPORTED_YEAR) {
      throw new RangeError(
        `calendar arithmetic beyond the supported years ${FIRST_SUPPORTED_YEAR}–${LAST_SUPPORTED_YEAR}`,
      );
    }
    if (this.lastYear < this.firstYear) {
      this.firstYear = year;
      this.lastYear = year;
    } else if (year === this.firstYear - 1) {
      this.firstYear = year;
    } else {
      this.lastYear = year;
    }
    this.loadOffsets();
    this.years.set(year, this.buildYear(year));
    this.joinYears();
  }

  /** Reads the zone's offset transitions for the covered years plus two days either side. */
  private loadOffsets(): void {
    const from = Date.UTC(this.firstYear, 0, 1) - 2 * DAY_MS;
    const to = Date.UTC(this.lastYear + 1, 0, 1) + 2 * DAY_MS;
    let zoned: Temporal.ZonedDateTime | null = Temporal.Instant.fromEpochMilliseconds(
      from,
    ).toZonedDateTimeISO(this.spec.zone);
    this.offsetBefore = zoned.offsetNanoseconds / 1e6;
    const transitions: number[] = [];
    const offsets: number[] = [];
    for (;;) {
      zoned = zoned.getTimeZoneTransition('next');
      if (!zoned || zoned.epochMilliseconds > to) break;
      transitions.push(zoned.epochMilliseconds);
      offsets.push(zoned.offsetNanoseconds / 1e6);
    }
    this.transitions = Float64Array.from(transitions);
    this.offsetsAfter = Float64Array.from(offsets);
  }

  private buildYear(year: number): YearTimeline {
    const firstDay = Date.UTC(year, 0, 1) / DAY_MS;
    const dayCount = Date.UTC(year + 1, 0, 1) / DAY_MS - firstDay;
    const restDays = this.spec.restDays ? new Set(mexicanRestDays(year).map(epochDayOf)) : undefined;
    const businessDays = new Uint8Array(dayCount);
    const raw: Array<[number, number]> = [];
    for (let d = 0; d < dayCount; d++) {
      const day = firstDay + d;
      if (this.closedDays.has(day) || restDays?.has(day)) continue;
      const midnight = day * DAY_MS;
      for (const [from, to] of this.weekly[weekdayOf(day)] ?? []) {
        const start = this.localToEpoch(midnight + from * MINUTE_MS);
        const end = this.localToEpoch(midnight + Math.min(to, MINUTES_PER_DAY) * MINUTE_MS);
        // An interval swallowed by a DST gap converts to nothing and does not make a business day.
        if (end > start) {
          raw.push([start, end]);
          businessDays[d] = 1;
        }
      }
    }
    // Gap resolution can reorder endpoints near a DST change, so sort before merging.
    raw.sort((a, b) => a[0] - b[0]);
    const starts: number[] = [];
    const ends: number[] = [];
    for (const [start, end] of raw) appendMerged(starts, ends, start, end);
    return { starts, ends, businessDays };
  }

  /** Rebuilds the contiguous arrays over all covered years, merging intervals that meet at year ends. */
  private joinYears(): void {
    const starts: number[] = [];
    const ends: number[] = [];
    const businessDays: Uint8Array[] = [];
    for (let year = this.firstYear; year <= this.lastYear; year++) {
      const timeline = this.years.get(year);
      if (!timeline) throw new Error(`calendar year ${year} missing from a contiguous range`);
      timeline.starts.forEach((start, k) => {
        appendMerged(starts, ends, start, timeline.ends[k] as number);
      });
      businessDays.push(timeline.businessDays);
    }
    this.count = starts.length;
    this.starts = Float64Array.from(starts);
    this.ends = Float64Array.from(ends);
    this.cum = new Float64Array(this.count + 1);
    for (let k = 0; k < this.count; k++) {
      this.cum[k + 1] = (this.cum[k] as number) + (ends[k] as number) - (starts[k] as number);
    }

    this.firstDay = Date.UTC(this.firstYear, 0, 1) / DAY_MS;
    this.dayCount = Date.UTC(this.lastYear + 1, 0, 1) / DAY_MS - this.firstDay;
    this.businessDaysBefore = new Int32Array(this.dayCount + 1);
    let k = 0;
    for (const flags of businessDays) {
      for (const flag of flags) {
        this.businessDaysBefore[k + 1] = (this.businessDaysBefore[k] as number) + flag;
        k++;
      }
    }

    this.coverStart = this.localToEpoch(this.firstDay * DAY_MS);
    this.coverEnd = this.localToEpoch(Date.UTC(this.lastYear + 1, 0, 1));
  }
}

function compiled(cal: Calendar): CompiledCalendar {
  if (cal instanceof CompiledCalendar) return cal;
  throw new TypeError('calendar must be made by compileCalendar');
}

function epochOf(instant: Instant): number {
  const ms = typeof instant === 'number' ? instant : instant.getTime();
  if (!Number.isFinite(ms)) throw new RangeError(`invalid instant: ${String(instant)}`);
  return ms;
}

function durationMs(amount: number, unitMs: number, what: string): number {
  if (!Number.isFinite(amount) || amount < 0) {
    throw new RangeError(`${what} must be a finite number of at least 0, got ${amount}`);
  }
  return Math.round(amount * unitMs);
}

/** Validates a spec (throws a ZodError when invalid) and returns a calendar whose years build on first use. */
export function compileCalendar(spec: CalendarSpecInput): Calendar {
  return new CompiledCalendar(CalendarSpecSchema.parse(spec));
}

/** The 24/7 calendar, compiled once. */
export const ALWAYS_OPEN_CALENDAR: Calendar = compileCalendar(ALWAYS_OPEN);

/** True when the calendar is open at the instant (opening instants are open, closing instants are not). */
export function isOpenAt(cal: Calendar, instant: Instant): boolean {
  return compiled(cal).isOpen(epochOf(instant));
}

/** The instant itself when open, otherwise the next opening; throws CalendarNeverOpenError after 3 idle years. */
export function nextOpening(cal: Calendar, instant: Instant): number {
  return compiled(cal).nextOpening(epochOf(instant));
}

/**
 * The instant at which `ms` milliseconds of open time have elapsed from `instant`. Counting starts at
 * the next opening when `instant` is closed; 0 returns `instant` unchanged, even when closed. The result
 * can be a closing instant (09:00 + 9 h on a 09:00–18:00 day is 18:00 that day). Negative amounts throw.
 */
export function addBusinessMillis(cal: Calendar, instant: Instant, ms: number): number {
  return compiled(cal).addMillis(epochOf(instant), durationMs(ms, 1, 'milliseconds'));
}

/** addBusinessMillis for minutes (fractions allowed, rounded to the millisecond). */
export function addBusinessMinutes(cal: Calendar, instant: Instant, minutes: number): number {
  return compiled(cal).addMillis(epochOf(instant), durationMs(minutes, MINUTE_MS, 'minutes'));
}

/** addBusinessMillis for hours (fractions allowed, rounded to the millisecond). */
export function addBusinessHours(cal: Calendar, instant: Instant, hours: number): number {
  return compiled(cal).addMillis(epochOf(instant), durationMs(hours, HOUR_MS, 'hours'));
}

/**
 * The same local time on the `days`-th following local day that has open time (rest days and
 * closures have none). A closed `instant` first moves to the next opening, so 0 days is nextOpening.
 * The result keeps the wall-clock time even when the calendar is closed then (Friday 17:00 + 1 day is
 * Saturday 17:00 when Saturdays open 09:00–13:00); a wall-clock time skipped by DST resolves as
 * Temporal's 'compatible' (moved forward by the gap), a repeated one to its earlier instant.
 */
export function addBusinessDays(cal: Calendar, instant: Instant, days: number): number {
  if (!Number.isInteger(days) || days < 0) {
    throw new RangeError(`days must be a whole number of at least 0, got ${days}`);
  }
  return compiled(cal).addDays(epochOf(instant), days);
}

/**
 * Open milliseconds between two instants, signed: businessMillisBetween(a, b) = −businessMillisBetween(b, a),
 * so it is negative when b is before a (e.g. how much business time a deadline is overdue).
 */
export function businessMillisBetween(cal: Calendar, a: Instant, b: Instant): number {
  return compiled(cal).millisBetween(epochOf(a), epochOf(b));
}
