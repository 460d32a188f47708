import { Temporal } from 'temporal-polyfill';
import { describe, expect, it } from 'vitest';
import {
  ALWAYS_OPEN_CALENDAR,
  addBusinessDays,
  addBusinessHours,
  addBusinessMillis,
  addBusinessMinutes,
  businessMillisBetween,
  type Calendar,
  CalendarNeverOpenError,
  compileCalendar,
  isOpenAt,
  nextOpening,
} from './calendar.ts';
import { ALWAYS_OPEN, CalendarSpecSchema, type OpeningInterval, type WeeklyHours } from './calendar-spec.ts';

const MONTERREY = 'America/Monterrey';
const MATAMOROS = 'America/Matamoros';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Epoch ms of a local wall-clock time ('2026-11-13T17:00'), resolved as Temporal's 'compatible'. */
function at(zone: string, wall: string): number {
  return Temporal.PlainDateTime.from(wall).toZonedDateTime(zone).epochMilliseconds;
}

/** A local time with its offset, so DST shows in failures: '2026-11-23T17:00-06:00'. */
function show(zone: string, ms: number): string {
  return Temporal.Instant.fromEpochMilliseconds(ms)
    .toZonedDateTimeISO(zone)
    .toString({ smallestUnit: 'minute', timeZoneName: 'never' });
}

function weekdays(...intervals: OpeningInterval[]): WeeklyHours {
  return {
    monday: intervals,
    tuesday: intervals,
    wednesday: intervals,
    thursday: intervals,
    friday: intervals,
    saturday: [],
    sunday: [],
  };
}

function everyDay(...intervals: OpeningInterval[]): WeeklyHours {
  return { ...weekdays(...intervals), saturday: intervals, sunday: intervals };
}

const officeMonterrey = compileCalendar({
  zone: MONTERREY,
  hours: weekdays({ from: '09:00', to: '18:00' }),
  restDays: true,
  closures: [],
});
const officeMatamoros = compileCalendar({
  zone: MATAMOROS,
  hours: weekdays({ from: '09:00', to: '18:00' }),
  restDays: true,
  closures: [],
});
const officeNoRestDays = compileCalendar({
  zone: MONTERREY,
  hours: weekdays({ from: '09:00', to: '18:00' }),
  restDays: false,
  closures: [],
});
const splitShift = compileCalendar({
  zone: MONTERREY,
  hours: weekdays({ from: '09:00', to: '14:00' }, { from: '16:00', to: '19:00' }),
  restDays: true,
  closures: [],
});
const nightShift = compileCalendar({
  zone: MONTERREY,
  hours: {
    ...weekdays({ from: '00:00', to: '02:00' }, { from: '22:00', to: '24:00' }),
    saturday: [],
    sunday: [],
  },
  restDays: false,
  closures: [],
});
const dailyWithRestDays = compileCalendar({
  zone: MONTERREY,
  hours: everyDay({ from: '08:00', to: '20:00' }),
  restDays: true,
  closures: [{ date: '2026-12-24', reason: 'Nochebuena' }],
});
const allDayMatamoros = compileCalendar({
  zone: MATAMOROS,
  hours: everyDay({ from: '00:00', to: '24:00' }),
  restDays: false,
  closures: [],
});
const allDayMonterrey = compileCalendar({
  zone: MONTERREY,
  hours: everyDay({ from: '00:00', to: '24:00' }),
  restDays: false,
  closures: [],
});
const withSaturdayMorning = compileCalendar({
  zone: MONTERREY,
  hours: { ...weekdays({ from: '09:00', to: '18:00' }), saturday: [{ from: '09:00', to: '13:00' }] },
  restDays: true,
  closures: [],
});
const earlySundayMatamoros = compileCalendar({
  zone: MATAMOROS,
  hours: { ...weekdays(), sunday: [{ from: '01:00', to: '04:00' }] },
  restDays: false,
  closures: [],
});

/** name, calendar, local start, amount, expected local result (the calendar's zone throughout). */
type Case = [string, Calendar, string, number, string];

describe('addBusinessDays', () => {
  it('pins the worked example: Fri 13 Nov 2026 17:00 + 5 business days skips rest day Mon 16 Nov', () => {
    const result = addBusinessDays(officeMonterrey, at(MONTERREY, '2026-11-13T17:00'), 5);
    expect(show(MONTERREY, result)).toBe('2026-11-23T17:00-06:00');
  });

  it.each<Case>([
    ['within a week', officeMonterrey, '2026-11-10T10:30', 2, '2026-11-12T10:30-06:00'],
    ['over a weekend', officeMonterrey, '2026-11-06T09:00', 1, '2026-11-09T09:00-06:00'],
    ['16 Nov counts without restDays', officeNoRestDays, '2026-11-13T17:00', 5, '2026-11-20T17:00-06:00'],
    ['first Monday of February', officeMonterrey, '2026-01-30T12:00', 1, '2026-02-03T12:00-06:00'],
    ['third Monday of March', officeMonterrey, '2026-03-13T12:00', 1, '2026-03-17T12:00-06:00'],
    ['closed: next opening first', officeMonterrey, '2026-11-14T11:00', 1, '2026-11-18T09:00-06:00'],
    ['after closing: next morning', officeMonterrey, '2026-11-10T19:00', 1, '2026-11-12T09:00-06:00'],
    ['keeps wall time when closed', withSaturdayMorning, '2026-11-13T17:00', 1, '2026-11-14T17:00-06:00'],
    ['0 days is the next opening', officeMonterrey, '2026-11-14T11:00', 0, '2026-11-17T09:00-06:00'],
    ['0 days when open: itself', officeMonterrey, '2026-11-17T11:15', 0, '2026-11-17T11:15-06:00'],
    ['closure and Christmas', dailyWithRestDays, '2026-12-23T10:00', 1, '2026-12-26T10:00-06:00'],
    ['year end and 1 January', officeMonterrey, '2026-12-31T15:00', 1, '2027-01-04T15:00-06:00'],
    ['same wall time into DST', officeMatamoros, '2026-03-06T17:00', 1, '2026-03-09T17:00-05:00'],
    ['same wall time out of DST', officeMatamoros, '2026-10-30T10:00', 1, '2026-11-02T10:00-06:00'],
    ['skipped time: after the gap', allDayMatamoros, '2026-03-07T02:30', 1, '2026-03-08T03:30-05:00'],
    ['repeated time: earlier', allDayMatamoros, '2026-10-31T01:30', 1, '2026-11-01T01:30-05:00'],
    ['Monterrey: no DST', allDayMonterrey, '2026-04-04T02:30', 1, '2026-04-05T02:30-06:00'],
  ])('%s', (_name, cal, from, amount, expected) => {
    const zone = cal.spec.zone;
    expect(show(zone, addBusinessDays(cal, at(zone, from), amount))).toBe(expected);
  });

  it('counts only days with open time: 16 September 2029 is a Sunday rest day, Monday 17 is open', () => {
    const result = addBusinessDays(dailyWithRestDays, at(MONTERREY, '2029-09-15T09:00'), 1);
    expect(show(MONTERREY, result)).toBe('2029-09-17T09:00-06:00');
  });

  it('counts 16 September 2028, a Saturday, as a rest day', () => {
    const result = addBusinessDays(dailyWithRestDays, at(MONTERREY, '2028-09-15T09:00'), 1);
    expect(show(MONTERREY, result)).toBe('2028-09-17T09:00-06:00');
  });

  it.each([-1, 1.5, Number.NaN])('refuses %s days', (days) => {
    expect(() => addBusinessDays(officeMonterrey, 0, days)).toThrow(RangeError);
  });
});

describe('addBusinessMinutes and addBusinessHours', () => {
  it.each<Case>([
    ['inside one interval', officeMonterrey, '2026-11-10T10:00', 90, '2026-11-10T11:30-06:00'],
    ['exactly to closing: closing', officeMonterrey, '2026-11-10T09:00', 540, '2026-11-10T18:00-06:00'],
    ['1 past closing: next morning', officeMonterrey, '2026-11-10T09:00', 541, '2026-11-11T09:01-06:00'],
    ['over the weekend', officeMonterrey, '2026-11-06T17:00', 120, '2026-11-09T10:00-06:00'],
    ['weekend and rest day', officeMonterrey, '2026-11-13T17:00', 120, '2026-11-17T10:00-06:00'],
    ['closed: from next opening', officeMonterrey, '2026-11-10T06:00', 30, '2026-11-10T09:30-06:00'],
    ['0 when closed: unchanged', officeMonterrey, '2026-11-10T06:00', 0, '2026-11-10T06:00-06:00'],
    ['split: skips lunch', splitShift, '2026-11-10T13:00', 90, '2026-11-10T16:30-06:00'],
    ['split: to the next day', splitShift, '2026-11-10T18:30', 60, '2026-11-11T09:30-06:00'],
    ['split: from the break', splitShift, '2026-11-10T15:00', 10, '2026-11-10T16:10-06:00'],
    ['through 24:00', nightShift, '2026-11-10T23:00', 120, '2026-11-11T01:00-06:00'],
    ['Friday 24:00 to Monday', nightShift, '2026-11-13T23:30', 60, '2026-11-16T00:30-06:00'],
    ['closure day', dailyWithRestDays, '2026-12-23T19:00', 120, '2026-12-26T09:00-06:00'],
    ['weekend into DST', officeMatamoros, '2026-03-06T17:00', 120, '2026-03-09T10:00-05:00'],
    ['weekend out of DST', officeMatamoros, '2026-10-30T17:00', 120, '2026-11-02T10:00-06:00'],
    ['24 h on the 23 h day', allDayMatamoros, '2026-03-08T00:00', 180, '2026-03-08T04:00-05:00'],
    ['24 h on the 25 h day', allDayMatamoros, '2026-11-01T00:00', 180, '2026-11-01T02:00-06:00'],
  ])('%s', (_name, cal, from, amount, expected) => {
    const zone = cal.spec.zone;
    expect(show(zone, addBusinessMinutes(cal, at(zone, from), amount))).toBe(expected);
  });

  it('adds hours as 60 minutes each', () => {
    const from = at(MONTERREY, '2026-11-13T15:00');
    expect(addBusinessHours(officeMonterrey, from, 12)).toBe(addBusinessMinutes(officeMonterrey, from, 720));
    // 3 h on Friday, Monday 16 is a rest day, 9 h on Tuesday: the deadline is Tuesday's closing instant.
    expect(show(MONTERREY, addBusinessHours(officeMonterrey, from, 12))).toBe('2026-11-17T18:00-06:00');
  });

  it('accepts Date and epoch milliseconds alike and keeps sub-minute precision', () => {
    const from = at(MONTERREY, '2026-11-10T10:00') + 12_345;
    expect(addBusinessMinutes(officeMonterrey, new Date(from), 1)).toBe(from + 60_000);
    expect(addBusinessMillis(officeMonterrey, from, 1)).toBe(from + 1);
  });

  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY])('refuses %s minutes', (minutes) => {
    expect(() => addBusinessMinutes(officeMonterrey, 0, minutes)).toThrow(RangeError);
  });

  it('refuses an invalid Date', () => {
    expect(() => addBusinessMinutes(officeMonterrey, new Date('nope'), 1)).toThrow(RangeError);
  });
});

describe('businessMillisBetween', () => {
  it.each<[string, Calendar, string, string, number]>([
    ['one office day', officeMonterrey, '2026-11-10T00:00', '2026-11-11T00:00', 9],
    ['a week with a rest day', officeMonterrey, '2026-11-16T00:00', '2026-11-23T00:00', 36],
    ['split shift day', splitShift, '2026-11-10T00:00', '2026-11-11T00:00', 8],
    ['night shift', nightShift, '2026-11-10T12:00', '2026-11-11T12:00', 4],
    ['spring-forward day', allDayMatamoros, '2026-03-08T00:00', '2026-03-09T00:00', 23],
    ['fall-back day', allDayMatamoros, '2026-11-01T00:00', '2026-11-02T00:00', 25],
    ['Monterrey, US DST day', allDayMonterrey, '2026-03-08T00:00', '2026-03-09T00:00', 24],
    ['01–04 spring forward', earlySundayMatamoros, '2026-03-08T00:00', '2026-03-09T00:00', 2],
    ['01–04 fall back', earlySundayMatamoros, '2026-11-01T00:00', '2026-11-02T00:00', 4],
    ['reversed: negative', officeMonterrey, '2026-11-11T00:00', '2026-11-10T00:00', -9],
    ['equal instants', officeMonterrey, '2026-11-10T12:00', '2026-11-10T12:00', 0],
  ])('%s: %s h', (_name, cal, a, b, hours) => {
    const zone = cal.spec.zone;
    expect(businessMillisBetween(cal, at(zone, a), at(zone, b))).toBe(hours * HOUR);
  });

  it('spans years, counting both end points of each interval correctly', () => {
    const a = at(MONTERREY, '2026-12-31T17:00');
    const b = at(MONTERREY, '2027-01-04T10:00');
    expect(businessMillisBetween(officeMonterrey, a, b)).toBe(2 * HOUR);
    expect(addBusinessMillis(officeMonterrey, a, 2 * HOUR)).toBe(b);
  });
});

describe('isOpenAt and nextOpening', () => {
  it.each<[string, Calendar, string, boolean, string]>([
    ['opening instant is open', officeMonterrey, '2026-11-10T09:00', true, '2026-11-10T09:00-06:00'],
    ['closing instant is closed', officeMonterrey, '2026-11-10T18:00', false, '2026-11-11T09:00-06:00'],
    ['weekend', officeMonterrey, '2026-11-07T12:00', false, '2026-11-09T09:00-06:00'],
    ['rest day', officeMonterrey, '2026-11-16T12:00', false, '2026-11-17T09:00-06:00'],
    ['rest day, restDays off', officeNoRestDays, '2026-11-16T12:00', true, '2026-11-16T12:00-06:00'],
    ['lunch break', splitShift, '2026-11-10T15:59', false, '2026-11-10T16:00-06:00'],
    ['midnight in a night shift', nightShift, '2026-11-11T00:00', true, '2026-11-11T00:00-06:00'],
    ['closure', dailyWithRestDays, '2026-12-24T12:00', false, '2026-12-26T08:00-06:00'],
    ['16 Sep on a Sunday', dailyWithRestDays, '2029-09-16T12:00', false, '2029-09-17T08:00-06:00'],
    ['after DST starts', officeMatamoros, '2026-03-08T12:00', false, '2026-03-09T09:00-05:00'],
    ['after DST ends', officeMatamoros, '2026-11-01T12:00', false, '2026-11-02T09:00-06:00'],
    ['year end', officeMonterrey, '2026-12-31T18:30', false, '2027-01-04T09:00-06:00'],
  ])('%s', (_name, cal, t, open, next) => {
    const zone = cal.spec.zone;
    expect(isOpenAt(cal, at(zone, t))).toBe(open);
    expect(show(zone, nextOpening(cal, at(zone, t)))).toBe(next);
  });
});

describe('ALWAYS_OPEN', () => {
  const t = Date.UTC(2026, 11, 31, 13, 7, 11, 5);

  it('is 24/7 elapsed time through the same API', () => {
    expect(addBusinessHours(ALWAYS_OPEN_CALENDAR, t, 24)).toBe(t + DAY);
    expect(addBusinessDays(ALWAYS_OPEN_CALENDAR, t, 1)).toBe(t + DAY);
    expect(addBusinessDays(ALWAYS_OPEN_CALENDAR, t, 30)).toBe(t + 30 * DAY);
    expect(addBusinessMinutes(ALWAYS_OPEN_CALENDAR, t, 3 * 365 * 1440)).toBe(t + 3 * 365 * DAY);
    expect(businessMillisBetween(ALWAYS_OPEN_CALENDAR, t, t + 400 * DAY)).toBe(400 * DAY);
    expect(businessMillisBetween(ALWAYS_OPEN_CALENDAR, t, t - 5)).toBe(-5);
    expect(isOpenAt(ALWAYS_OPEN_CALENDAR, t)).toBe(true);
    expect(nextOpening(ALWAYS_OPEN_CALENDAR, t)).toBe(t);
  });

  it('is a valid, serialisable spec that compiles to the same behaviour', () => {
    const spec = CalendarSpecSchema.parse(JSON.parse(JSON.stringify(ALWAYS_OPEN)));
    expect(addBusinessHours(compileCalendar(spec), t, 24)).toBe(t + DAY);
  });
});

describe('a calendar that never opens', () => {
  const never = compileCalendar({ zone: MONTERREY, hours: {}, restDays: true, closures: [] });
  const t = at(MONTERREY, '2026-11-10T12:00');

  it('is closed and throws instead of searching forever', () => {
    expect(isOpenAt(never, t)).toBe(false);
    expect(() => nextOpening(never, t)).toThrow(CalendarNeverOpenError);
    expect(() => addBusinessMinutes(never, t, 1)).toThrow(CalendarNeverOpenError);
    expect(() => addBusinessDays(never, t, 1)).toThrow(CalendarNeverOpenError);
    expect(businessMillisBetween(never, t, t + DAY)).toBe(0);
  });

  it('throws for open hours hidden behind closures for longer than the search limit', () => {
    const closures = Array.from({ length: 4 * 366 }, (_, k) => ({
      date: new Date(Date.UTC(2027, 0, 1) + k * DAY).toISOString().slice(0, 10),
      reason: 'cerrado',
    }));
    const closed = compileCalendar({
      zone: MONTERREY,
      hours: everyDay({ from: '09:00', to: '10:00' }),
      closures,
    });
    expect(() => nextOpening(closed, at(MONTERREY, '2026-12-31T12:00'))).toThrow(CalendarNeverOpenError);
  });
});

describe('CalendarSpecSchema', () => {
  const base = { zone: MONTERREY, hours: weekdays({ from: '09:00', to: '18:00' }) };

  it('defaults omitted days to closed, restDays to on and closures to none', () => {
    const spec = CalendarSpecSchema.parse({
      zone: MATAMOROS,
      hours: { monday: [{ from: '09:00', to: '24:00' }] },
    });
    expect(spec.hours.sunday).toEqual([]);
    expect(spec.hours.monday).toEqual([{ from: '09:00', to: '24:00' }]);
    expect(spec.restDays).toBe(true);
    expect(spec.closures).toEqual([]);
  });

  it.each([
    { name: 'unknown zone', spec: { ...base, zone: 'America/Atlantis' } },
    { name: 'from 24:00', spec: { ...base, hours: { monday: [{ from: '24:00', to: '24:00' }] } } },
    { name: 'to before from', spec: { ...base, hours: { monday: [{ from: '18:00', to: '09:00' }] } } },
    { name: 'empty interval', spec: { ...base, hours: { monday: [{ from: '09:00', to: '09:00' }] } } },
    { name: 'bad time', spec: { ...base, hours: { monday: [{ from: '9:00', to: '18:00' }] } } },
    { name: 'minute 60', spec: { ...base, hours: { monday: [{ from: '09:60', to: '18:00' }] } } },
    {
      name: 'overlap',
      spec: {
        ...base,
        hours: {
          monday: [
            { from: '09:00', to: '14:00' },
            { from: '13:00', to: '18:00' },
          ],
        },
      },
    },
    { name: 'impossible closure date', spec: { ...base, closures: [{ date: '2026-02-30', reason: 'x' }] } },
    { name: 'closure without reason', spec: { ...base, closures: [{ date: '2026-06-07', reason: '' }] } },
  ])('refuses $name', ({ spec }) => {
    expect(CalendarSpecSchema.safeParse(spec).success).toBe(false);
    expect(() => compileCalendar(spec)).toThrow();
  });

  it('accepts touching intervals in any order', () => {
    const hours = {
      monday: [
        { from: '14:00', to: '18:00' },
        { from: '09:00', to: '14:00' },
      ],
    };
    const cal = compileCalendar({ ...base, hours });
    expect(
      businessMillisBetween(cal, at(MONTERREY, '2026-11-09T00:00'), at(MONTERREY, '2026-11-10T00:00')),
    ).toBe(9 * HOUR);
  });
});
