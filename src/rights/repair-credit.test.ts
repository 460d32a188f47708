import { describe, expect, it } from 'vitest';
import { AppError } from '../http/errors.ts';
import { type RepairCreditInput, repairCreditFor } from './compensation.ts';

const base: RepairCreditInput = {
  monthlyPriceCentavos: 35_000,
  cutoffDay: 15,
  timeZone: 'America/Monterrey',
  // 20 November 00:00 in Monterrey (UTC−6).
  from: '2026-11-20T06:00:00Z',
  to: '2026-11-22T06:00:00Z',
};

describe('the proportional price of days with the equipment under repair', () => {
  const table: Array<[string, Partial<RepairCreditInput>, number, number[]]> = [
    // 350 × 48 h / 720 h = 23.333… → 23.33
    ['two whole days of a 30-day period', {}, 2_333, [2_880]],
    // 350 × 1 h / 720 h = 0.4861… → 0.49
    ['one hour', { to: '2026-11-20T07:00:00Z' }, 49, [60]],
    // a started minute counts: 1 min → 350 / 43,200 = 0.0081… → 0.01
    ['seconds widen to the minute', { to: '2026-11-20T06:00:20Z' }, 1, [1]],
    // 13–17 November crosses the 15th's cut-off: 3 days of the 31-day period + 2 of the 30-day one.
    // 350 × 72/744 + 350 × 48/720 = 33.870… + 23.333… = 57.204… → 57.20
    [
      'split at the cut-off, each part by its period',
      { from: '2026-11-13T06:00:00Z', to: '2026-11-18T06:00:00Z' },
      5_720,
      [4_320, 2_880],
    ],
    // a whole 30-day period is the whole price, never more
    [
      'a whole period is the monthly price',
      { from: '2026-11-16T06:00:00Z', to: '2026-12-16T06:00:00Z' },
      35_000,
      [43_200],
    ],
    // half a centavo rounds up: 1 centavo a month × 360 h / 720 h = 0.5 → 1
    ['half a centavo rounds up', { monthlyPriceCentavos: 1, to: '2026-12-05T06:00:00Z' }, 1, [21_600]],
  ];
  it.each(table)('%s', (_name, change, total, minutes) => {
    const credit = repairCreditFor({ ...base, ...change });
    expect(credit.totalCentavos).toBe(total);
    expect(credit.parts.map((p) => p.minutes)).toEqual(minutes);
  });

  it('explains itself in Spanish, without a bonus', () => {
    expect(repairCreditFor(base).explanation).toBe(
      'Equipo en reparación: 48 h en reparación × $350.00 MXN / 720 h = $23.33 MXN',
    );
  });

  const refusals: Array<[string, Partial<RepairCreditInput>, string]> = [
    ['ends before it starts', { to: '2026-11-19T06:00:00Z' }, 'to'],
    ['ends when it starts', { to: base.from }, 'to'],
    ['lasts over a year', { from: '2025-11-01T06:00:00Z' }, 'to'],
    ['an instant without offset', { from: '2026-11-20T06:00:00' }, 'from'],
    ['a negative price', { monthlyPriceCentavos: -1 }, 'monthlyPriceCentavos'],
    ['a cut-off day of 32', { cutoffDay: 32 }, 'cutoffDay'],
    ['an unknown zone', { timeZone: 'America/Saltillo' }, 'timeZone'],
  ];
  it.each(refusals)('refuses a period that %s', (_name, change, field) => {
    let caught: unknown;
    try {
      repairCreditFor({ ...base, ...change });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(AppError);
    expect((caught as AppError).field).toBe(field);
  });
});
