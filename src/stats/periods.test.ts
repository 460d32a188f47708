import { describe, expect, it } from 'vitest';
import { AppError } from '../http/errors.ts';
import { percentile } from './percentile.ts';
import { bucketOf, dayRange, localDay, startOfDay } from './periods.ts';

describe('statistics periods', () => {
  it.each([
    ['2026-12-07', 'dia', '2026-12-07'],
    ['2026-12-07', 'semana', '2026-12-07'], // a Monday
    ['2026-12-13', 'semana', '2026-12-07'], // its Sunday
    ['2027-01-01', 'semana', '2026-12-28'], // a week across years starts in the old one
    ['2026-12-31', 'mes', '2026-12-01'],
    ['2024-02-29', 'mes', '2024-02-01'],
  ] as const)('%s falls in the %s bucket starting %s', (day, period, start) => {
    expect(bucketOf(day, period)).toBe(start);
  });

  it.each([
    ['2026-12-07T05:59:00Z', 'America/Monterrey', '2026-12-06'],
    ['2026-12-07T06:00:00Z', 'America/Monterrey', '2026-12-07'],
    ['2026-03-08T07:59:00Z', 'America/Tijuana', '2026-03-07'],
    ['2026-03-08T08:00:00Z', 'America/Tijuana', '2026-03-08'],
  ])('%s is on %s the local day %s', (instant, zone, day) => {
    expect(localDay(new Date(instant), zone)).toBe(day);
  });

  it.each([
    ['2026-12-07', 'America/Monterrey', '2026-12-07T06:00:00.000Z'],
    ['2026-07-01', 'America/Tijuana', '2026-07-01T07:00:00.000Z'], // daylight time
    ['2026-01-01', 'America/Tijuana', '2026-01-01T08:00:00.000Z'],
  ])('%s begins in %s at %s', (day, zone, instant) => {
    expect(startOfDay(day, zone).toISOString()).toBe(instant);
  });

  const NOW = new Date('2026-12-07T16:00:00Z');
  const failure = (asked: { from?: string; to?: string }) => {
    try {
      dayRange(asked, NOW, 'America/Monterrey');
    } catch (error) {
      return error instanceof AppError ? [error.code, error.status, error.field] : error;
    }
    return 'accepted';
  };

  it('defaults to the last 30 days up to today in the zone, with the end exclusive', () => {
    expect(dayRange({}, NOW, 'America/Monterrey')).toEqual({
      from: '2026-11-08',
      to: '2026-12-07',
      start: new Date('2026-11-08T06:00:00Z'),
      end: new Date('2026-12-08T06:00:00Z'),
    });
    expect(dayRange({ to: '2026-06-30' }, NOW, 'America/Monterrey').from).toBe('2026-06-01');
  });

  it.each([
    [{ from: '2026-12-08', to: '2026-12-07' }, ['stats.invalid_range', 422, 'querystring.to']],
    [{ from: '2023-12-06', to: '2026-12-07' }, ['stats.invalid_range', 422, 'querystring.from']],
    [{ from: '2023-12-07', to: '2026-12-07' }, 'accepted'],
    [{ from: '2026-12-07', to: '2026-12-07' }, 'accepted'],
  ])('the range %o is %o', (asked, outcome) => {
    expect(failure(asked)).toEqual(outcome);
  });
});

describe('percentile (nearest rank)', () => {
  it.each([
    [[], 0.5, null],
    [[7], 0.5, 7],
    [[7], 0.9, 7],
    [[1, 2], 0.5, 1],
    [[1, 2, 3, 4], 0.5, 2],
    [[1, 2, 3, 4, 5], 0.5, 3],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9, 9],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], 0.9, 10],
    [[5, 5, 5, 100], 0.9, 100],
  ])('of %o at %d is %o', (values, p, expected) => {
    expect(percentile(values, p)).toBe(expected);
  });
});
