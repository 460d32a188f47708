import { describe, expect, it } from 'vitest';
import { mexicanRestDays } from './holidays.ts';

describe('mexicanRestDays', () => {
  it('lists the 2026 rest days, Mondays moved as art. 74 says', () => {
    expect(mexicanRestDays(2026)).toEqual([
      '2026-01-01',
      '2026-02-02', // first Monday of February
      '2026-03-16', // third Monday of March
      '2026-05-01',
      '2026-09-16',
      '2026-11-16', // third Monday of November
      '2026-12-25',
    ]);
  });

  it('lists the 2030 rest days with the change of federal executive on 1 October, not 1 December', () => {
    expect(mexicanRestDays(2030)).toEqual([
      '2030-01-01',
      '2030-02-04',
      '2030-03-18',
      '2030-05-01',
      '2030-09-16',
      '2030-10-01',
      '2030-11-18',
      '2030-12-25',
    ]);
  });

  it.each([
    { year: 2024, october: true, december: false }, // the 1 October 2024 inauguration
    { year: 2030, october: true, december: false },
    { year: 2036, october: true, december: false },
    { year: 2018, october: false, december: true }, // before the reform
    { year: 2025, october: false, december: false },
    { year: 2031, october: false, december: false },
  ])(
    'change of federal executive in $year: 1 Oct $october, 1 Dec $december',
    ({ year, october, december }) => {
      const days = mexicanRestDays(year);
      expect(days.includes(`${year}-10-01`)).toBe(october);
      expect(days.includes(`${year}-12-01`)).toBe(december);
    },
  );

  it.each([
    { year: 2028, weekday: 'Saturday' },
    { year: 2029, weekday: 'Sunday' },
  ])('keeps 16 September $year on its $weekday without a substitute Monday', ({ year }) => {
    const days = mexicanRestDays(year);
    expect(days).toContain(`${year}-09-16`);
    expect(days).not.toContain(`${year}-09-17`);
    expect(days).not.toContain(`${year}-09-18`);
  });

  it('leaves out bank holidays and observances the library also knows', () => {
    const days = mexicanRestDays(2026);
    for (const notMandatory of ['2026-04-02', '2026-04-03', '2026-05-10', '2026-11-02', '2026-12-12']) {
      expect(days).not.toContain(notMandatory);
    }
  });

  it('returns a copy, so callers cannot corrupt the cache', () => {
    mexicanRestDays(2027).push('2027-07-07');
    expect(mexicanRestDays(2027)).not.toContain('2027-07-07');
  });

  it.each([2026.5, 1800, Number.NaN])('refuses the year %s', (year) => {
    expect(() => mexicanRestDays(year)).toThrow(RangeError);
  });
});
