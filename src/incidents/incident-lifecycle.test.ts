import { describe, expect, it } from 'vitest';
import { INCIDENT_STATUSES, type IncidentStatus } from '../domain/vocabulary.ts';
import { AppError } from '../http/errors.ts';
import {
  assertEta,
  assertRestoration,
  assertStart,
  canIncidentTransition,
  INCIDENT_TRANSITIONS,
} from './incident-lifecycle.ts';

const codeOf = (fn: () => void): string | undefined => {
  try {
    fn();
  } catch (error) {
    return error instanceof AppError ? error.code : 'not an AppError';
  }
  return undefined;
};

const NOW = new Date('2026-12-07T16:00:00Z');
const at = (iso: string) => new Date(iso);
const hours = (n: number) => new Date(NOW.getTime() + n * 3_600_000);
const days = (n: number) => hours(24 * n);

describe('incident transitions', () => {
  // Every pair of statuses: allowed only where the table says so.
  const allowed: Array<[IncidentStatus, IncidentStatus]> = [
    ['abierto', 'en_reparacion'],
    ['abierto', 'restablecido'],
    ['en_reparacion', 'restablecido'],
    ['restablecido', 'en_reparacion'],
    ['restablecido', 'cerrado'],
  ];
  const pairs = INCIDENT_STATUSES.flatMap((from) => INCIDENT_STATUSES.map((to) => [from, to] as const));
  it.each(pairs)('%s → %s', (from, to) => {
    expect(canIncidentTransition(from, to)).toBe(allowed.some(([f, t]) => f === from && t === to));
  });
  it('closed is final', () => {
    expect(INCIDENT_TRANSITIONS.cerrado).toEqual([]);
  });
});

describe('incident instants', () => {
  it.each<[string, () => void, string | undefined]>([
    ['a start now', () => assertStart(NOW, NOW), undefined],
    ['a start 29 days ago', () => assertStart(days(-29), NOW), undefined],
    ['a start in a minute', () => assertStart(hours(1 / 60), NOW), 'incident.start_in_future'],
    ['a start 31 days ago', () => assertStart(days(-31), NOW), 'incident.start_too_old'],
    ['an ETA in 4 hours', () => assertEta(hours(4), hours(-2), NOW), undefined],
    ['an ETA already past but after the start', () => assertEta(hours(-1), hours(-2), NOW), undefined],
    ['an ETA at the start', () => assertEta(hours(-2), hours(-2), NOW), 'incident.eta_before_start'],
    ['an ETA before the start', () => assertEta(hours(-3), hours(-2), NOW), 'incident.eta_before_start'],
    ['an ETA in 31 days', () => assertEta(days(31), hours(-2), NOW), 'incident.eta_too_far'],
    ['restored now', () => assertRestoration(NOW, hours(-2), NOW), undefined],
    ['restored at the start', () => assertRestoration(hours(-2), hours(-2), NOW), undefined],
    [
      'restored in the future',
      () => assertRestoration(hours(1), hours(-2), NOW),
      'incident.restored_in_future',
    ],
    [
      'restored before the start',
      () => assertRestoration(at('2026-12-07T13:59:59Z'), hours(-2), NOW),
      'incident.restored_before_start',
    ],
  ])('%s', (_name, check, code) => {
    expect(codeOf(check)).toBe(code);
  });
});
