import { z } from 'zod';

/**
 * What a business calendar is, as settings and areas write it: opening hours per weekday in an IANA zone,
 * Mexican rest days, and one-off closures. The arithmetic over it lives in calendar.ts.
 */

export const WEEKDAYS = [
  'monday',
  'tuesday',
  'wednesday',
  'thursday',
  'friday',
  'saturday',
  'sunday',
] as const;
export type Weekday = (typeof WEEKDAYS)[number];

const TIME_OF_DAY = /^(?:[01]\d|2[0-3]):[0-5]\d$/;
const END_TIME_OF_DAY = /^(?:(?:[01]\d|2[0-3]):[0-5]\d|24:00)$/;

/** Minutes since local midnight of an `HH:MM` time (24:00 allowed as an end). */
export function minutesOfDay(hhmm: string): number {
  return Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
}

function isKnownTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export const OpeningIntervalSchema = z
  .object({
    from: z.string().regex(TIME_OF_DAY, 'HH:MM between 00:00 and 23:59'),
    to: z.string().regex(END_TIME_OF_DAY, 'HH:MM between 00:01 and 24:00'),
  })
  .refine((interval) => minutesOfDay(interval.from) < minutesOfDay(interval.to), {
    message: 'to must be later than from',
    path: ['to'],
  });

// Overlapping intervals within a day are almost certainly a typing mistake, so they are refused rather
// than silently merged; touching intervals (09:00–14:00, 14:00–18:00) are fine.
const DayHoursSchema = z
  .array(OpeningIntervalSchema)
  .superRefine((intervals, ctx) => {
    const sorted = intervals
      .map((interval, index) => ({ index, from: minutesOfDay(interval.from), to: minutesOfDay(interval.to) }))
      .sort((a, b) => a.from - b.from);
    for (let k = 1; k < sorted.length; k++) {
      const previous = sorted[k - 1];
      const current = sorted[k];
      if (previous && current && current.from < previous.to) {
        ctx.addIssue({
          code: 'custom',
          path: [current.index],
          message: 'overlaps another interval of the day',
        });
      }
    }
  })
  .default([]);

/** Opening hours per weekday; an omitted or empty day is closed. */
export const WeeklyHoursSchema = z.object({
  monday: DayHoursSchema,
  tuesday: DayHoursSchema,
  wednesday: DayHoursSchema,
  thursday: DayHoursSchema,
  friday: DayHoursSchema,
  saturday: DayHoursSchema,
  sunday: DayHoursSchema,
});

export const ClosureSchema = z.object({ date: z.iso.date(), reason: z.string().min(1) });

export const CalendarSpecSchema = z.object({
  zone: z.string().refine(isKnownTimeZone, 'unknown IANA time zone'),
  hours: WeeklyHoursSchema,
  /** Close on Mexican mandatory rest days; on unless a calendar says otherwise, as the law requires. */
  restDays: z.boolean().default(true),
  closures: z.array(ClosureSchema).default([]),
});

export type OpeningInterval = z.infer<typeof OpeningIntervalSchema>;
export type WeeklyHours = z.infer<typeof WeeklyHoursSchema>;
export type Closure = z.infer<typeof ClosureSchema>;
export type CalendarSpec = z.infer<typeof CalendarSpecSchema>;
/** What CalendarSpecSchema accepts: days, restDays and closures may be omitted. */
export type CalendarSpecInput = z.input<typeof CalendarSpecSchema>;

const FULL_DAY: OpeningInterval[] = [{ from: '00:00', to: '24:00' }];

/** Open every minute of every day, so calendar (24/7) time goes through the same functions. Read-only. */
export const ALWAYS_OPEN: CalendarSpec = {
  zone: 'UTC',
  hours: {
    monday: FULL_DAY,
    tuesday: FULL_DAY,
    wednesday: FULL_DAY,
    thursday: FULL_DAY,
    friday: FULL_DAY,
    saturday: FULL_DAY,
    sunday: FULL_DAY,
  },
  restDays: false,
  closures: [],
};

/**
 * Hours someone configures (a channel's, an area's, the business calendar's): the week must open at
 * least once, or "open now" and every deadline would search the future for an opening in vain.
 */
export const OpeningWeekSchema = WeeklyHoursSchema.refine(
  (week) => Object.values(week).some((day) => day.length > 0),
  'opens on no day of the week',
);

export const ConfiguredCalendarSpecSchema = CalendarSpecSchema.extend({ hours: OpeningWeekSchema });
