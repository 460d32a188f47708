import type { DeadlineState } from '../domain/vocabulary.ts';
import { addBusinessMillis, businessMillisBetween, type Calendar } from './calendar.ts';

export { DEADLINE_STATES, type DeadlineState } from '../domain/vocabulary.ts';

/** A deadline's clock: when it started and falls due, time spent paused, and when it was met. */
export interface DeadlineClock {
  startedAt: Date;
  dueAt: Date;
  pausedAt: Date | null;
  /** Time spent in earlier pauses, in the calendar's measure (due dates were pushed by it). */
  pausedMs: number;
  metAt: Date | null;
}

export interface DeadlineStatus {
  state: DeadlineState;
  /** Open time left until the due date (negative when overdue); frozen while paused. */
  remainingMs: number;
  /** Share of the target's time already used, from 0 (just opened) to 1 (due) and beyond. */
  elapsedFraction: number;
  /** For a deadline met after its due date: how late, in the same measure as `remainingMs`; else null. */
  lateByMs: number | null;
}

const ms = (d: Date) => d.getTime();

/** The target's full length, as set: the time from start to due minus the pauses that pushed it. */
export const targetLength = (cal: Calendar, d: DeadlineClock) =>
  businessMillisBetween(cal, ms(d.startedAt), ms(d.dueAt)) - d.pausedMs;

/**
 * Where a deadline stands at `now`. A met deadline says whether it was met in time or late (and how
 * late); a paused one says `pausado` and keeps the time it had left when it paused.
 */
export function deadlineStatus(cal: Calendar, d: DeadlineClock, now: Date, warnAt: number): DeadlineStatus {
  const until = d.metAt ?? d.pausedAt ?? now;
  const total = targetLength(cal, d);
  const used = businessMillisBetween(cal, ms(d.startedAt), ms(until)) - d.pausedMs;
  const elapsedFraction = total > 0 ? used / total : 1;
  const remainingMs = businessMillisBetween(cal, ms(until), ms(d.dueAt));
  const late = ms(until) > ms(d.dueAt);
  if (d.metAt)
    return late
      ? { state: 'atendido_fuera_de_plazo', remainingMs, elapsedFraction, lateByMs: -remainingMs }
      : { state: 'atendido_a_tiempo', remainingMs, elapsedFraction, lateByMs: null };
  let state: DeadlineState;
  if (late) state = 'vencido';
  else if (d.pausedAt) state = 'pausado';
  else if (elapsedFraction >= warnAt) state = 'por_vencer';
  else state = 'en_tiempo';
  return { state, remainingMs, elapsedFraction, lateByMs: null };
}

/** The instant the warning share of the target is reached, for a running deadline. */
export function warnInstant(cal: Calendar, d: DeadlineClock, warnAt: number): Date {
  const total = targetLength(cal, d);
  return new Date(addBusinessMillis(cal, ms(d.startedAt), Math.round(total * warnAt) + d.pausedMs));
}

/** Ends a pause: the due date moves later by the open time the pause took. */
export function resumeDeadline(
  cal: Calendar,
  d: DeadlineClock,
  now: Date,
): { dueAt: Date; pausedMs: number } {
  if (!d.pausedAt) return { dueAt: d.dueAt, pausedMs: d.pausedMs };
  const paused = Math.max(0, businessMillisBetween(cal, ms(d.pausedAt), ms(now)));
  return { dueAt: new Date(addBusinessMillis(cal, ms(d.dueAt), paused)), pausedMs: d.pausedMs + paused };
}
