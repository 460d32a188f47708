import { describe, expect, it } from 'vitest';
import { REQUEST_TYPES } from '../cases/request-types.ts';
import { DEFAULT_BUSINESS_CALENDAR } from '../config/profile.ts';
import { compileCalendar } from './calendar.ts';
import { type DeadlineClock, deadlineStatus, resumeDeadline, warnInstant } from './deadline-state.ts';
import { DEFAULT_DEADLINE_POLICIES, dueAt, policyFor, type Target } from './policies.ts';

const mty = compileCalendar(DEFAULT_BUSINESS_CALENDAR);
// Monterrey is UTC−6 all year: 09:00 local is 15:00Z.
const at = (local: string) => new Date(`${local}-06:00`);

describe('default deadline policies', () => {
  it('cover every request type, each with its source', () => {
    for (const type of REQUEST_TYPES) {
      const policy = policyFor(DEFAULT_DEADLINE_POLICIES, type, null);
      expect(policy, type).toBeDefined();
      expect(policy?.source.length).toBeGreaterThan(10);
    }
  });

  it.each([
    ['falla', null, { amount: 24, unit: 'hours', clock: 'calendar' }],
    ['queja', null, { amount: 5, unit: 'days', clock: 'business' }],
    ['aclaracion', 'cargo_indebido', { amount: 5, unit: 'days', clock: 'business' }],
    ['cancelacion', 'servicio_adicional', { amount: 5, unit: 'days', clock: 'calendar' }],
    ['cancelacion', null, { amount: 1, unit: 'days', clock: 'business' }],
    ['arco', null, { amount: 20, unit: 'days', clock: 'business' }],
    ['falla', 'sin_servicio', { amount: 24, unit: 'hours', clock: 'calendar' }],
  ])('%s/%s resolves within %j (regulation.md)', (type, subtype, target) => {
    expect(policyFor(DEFAULT_DEADLINE_POLICIES, type, subtype)?.resolution).toEqual(target);
  });
});

describe('due dates', () => {
  const cases: Array<[string, Target, string, string]> = [
    [
      'failure repair: 24 h around the clock',
      { amount: 24, unit: 'hours', clock: 'calendar' },
      '2026-11-13T17:00',
      '2026-11-14T17:00',
    ],
    [
      'complaint: 5 business days over the third Monday of November',
      { amount: 5, unit: 'days', clock: 'business' },
      '2026-11-13T17:00',
      '2026-11-23T17:00',
    ],
    [
      '4 business hours crossing the night',
      { amount: 4, unit: 'hours', clock: 'business' },
      '2026-11-24T16:00',
      '2026-11-25T11:00',
    ],
    [
      '4 business hours from Friday evening',
      { amount: 4, unit: 'hours', clock: 'business' },
      '2026-11-27T17:30',
      '2026-11-30T12:30',
    ],
    [
      '5 calendar days',
      { amount: 5, unit: 'days', clock: 'calendar' },
      '2026-12-23T10:00',
      '2026-12-28T10:00',
    ],
    [
      '1 business day over Christmas',
      { amount: 1, unit: 'days', clock: 'business' },
      '2026-12-24T10:00',
      '2026-12-28T10:00',
    ],
    [
      'a request at night counts from the next opening',
      { amount: 2, unit: 'hours', clock: 'business' },
      '2026-11-24T22:00',
      '2026-11-25T11:00',
    ],
  ];
  it.each(cases)('%s', (_name, target, start, due) => {
    expect(dueAt(target, mty, at(start))).toEqual(at(due));
  });
});

describe('deadline state with a pause over a rest day', () => {
  // A complaint opened Friday 13 Nov 2026 10:00, due 5 business days later (Monday 16 is a rest day).
  const opened = at('2026-11-13T10:00');
  const due = dueAt({ amount: 5, unit: 'days', clock: 'business' }, mty, opened);
  const running: DeadlineClock = { startedAt: opened, dueAt: due, pausedAt: null, pausedMs: 0, metAt: null };

  it('is due Monday 23 November 10:00 and warns at 80% of the business time', () => {
    expect(due).toEqual(at('2026-11-23T10:00'));
    expect(warnInstant(mty, running, 0.8)).toEqual(at('2026-11-20T10:00'));
  });

  it.each([
    ['2026-11-13T12:00', 'en_tiempo'],
    ['2026-11-20T09:59', 'en_tiempo'],
    ['2026-11-20T10:00', 'por_vencer'],
    ['2026-11-23T10:00', 'por_vencer'],
    ['2026-11-23T10:01', 'vencido'],
  ])('at %s it is %s', (now, state) => {
    expect(deadlineStatus(mty, running, at(now), 0.8).state).toBe(state);
  });

  it('pauses while waiting on the customer over the rest day and the weekend, and pushes the due date by the open time lost', () => {
    const paused: DeadlineClock = { ...running, pausedAt: at('2026-11-13T17:00') };
    const whilePaused = deadlineStatus(mty, paused, at('2026-11-18T12:00'), 0.8);
    expect(whilePaused.state).toBe('pausado');
    expect(whilePaused.remainingMs).toBe(
      deadlineStatus(mty, running, at('2026-11-13T17:00'), 0.8).remainingMs,
    );
    // Resumed Tuesday 17 at 10:00: the pause took Friday 17–18 and Tuesday 9–10 (Mon 16 is closed): 2 h.
    const resumed = resumeDeadline(mty, paused, at('2026-11-17T10:00'));
    expect(resumed.pausedMs).toBe(2 * 3_600_000);
    expect(resumed.dueAt).toEqual(at('2026-11-23T12:00'));
  });

  it('says whether it was met in time or late, and how late in business time', () => {
    expect(
      deadlineStatus(mty, { ...running, metAt: at('2026-11-20T11:00') }, at('2026-12-01T10:00'), 0.8),
    ).toMatchObject({ state: 'atendido_a_tiempo', lateByMs: null });
    // Due Monday 10:00, met Tuesday 11:00: a whole business day (9 h) and one hour late.
    expect(
      deadlineStatus(mty, { ...running, metAt: at('2026-11-24T11:00') }, at('2026-12-01T10:00'), 0.8),
    ).toMatchObject({ state: 'atendido_fuera_de_plazo', lateByMs: 10 * 3_600_000 });
  });
});
