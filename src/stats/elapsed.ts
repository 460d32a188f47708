import { businessMillisBetween } from '../sla/calendar.ts';
import type { CalendarSpecInput } from '../sla/calendar-spec.ts';
import { calendarFor } from '../sla/policies.ts';

/**
 * Business minutes a clock ran from its start to when it was met, in the calendar it counts in, less the
 * time it spent paused (already measured in that calendar): what a response time is for the statistics.
 */
export function elapsedBusinessMinutes(clock: {
  calendar: unknown;
  startedAt: Date;
  metAt: Date;
  pausedMs: number;
}): number {
  const cal = calendarFor(clock.calendar as CalendarSpecInput);
  const ms = businessMillisBetween(cal, clock.startedAt, clock.metAt) - clock.pausedMs;
  return Math.max(0, Math.round(ms / 60_000));
}
