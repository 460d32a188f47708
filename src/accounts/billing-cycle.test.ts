import { Temporal } from 'temporal-polyfill';
import { describe, expect, it } from 'vitest';
import { LEDGER_KINDS, type LedgerKind } from '../domain/vocabulary.ts';
import { AppError } from '../http/errors.ts';
import {
  type AmountDue,
  amountDue,
  assertSignForKind,
  billingPeriod,
  LEDGER_SIGNS,
  type LedgerEntry,
  nextCutoff,
  previousCutoff,
} from './billing-cycle.ts';

describe('cut-off dates', () => {
  // [cut-off day, date, previous cut-off, next cut-off]
  it.each([
    // An ordinary month; the cut-off day itself closes the period and is the next cut-off.
    [15, '2026-03-10', '2026-02-15', '2026-03-15'],
    [15, '2026-03-15', '2026-02-15', '2026-03-15'],
    [15, '2026-03-16', '2026-03-15', '2026-04-15'],
    [1, '2026-03-01', '2026-02-01', '2026-03-01'],
    [1, '2026-03-02', '2026-03-01', '2026-04-01'],
    // Day 31 in 30-day months and February falls on the last day; the next month goes back to 31.
    [31, '2026-04-10', '2026-03-31', '2026-04-30'],
    [31, '2026-04-30', '2026-03-31', '2026-04-30'],
    [31, '2026-05-01', '2026-04-30', '2026-05-31'],
    [31, '2026-02-10', '2026-01-31', '2026-02-28'],
    [31, '2026-02-28', '2026-01-31', '2026-02-28'],
    [31, '2026-03-01', '2026-02-28', '2026-03-31'],
    [30, '2026-02-28', '2026-01-30', '2026-02-28'],
    [30, '2026-03-01', '2026-02-28', '2026-03-30'],
    [29, '2026-03-01', '2026-02-28', '2026-03-29'],
    [28, '2026-02-28', '2026-01-28', '2026-02-28'],
    // Leap years: 2028 and 2000 have 29 February, 2100 does not.
    [31, '2028-02-28', '2028-01-31', '2028-02-29'],
    [29, '2028-02-29', '2028-01-29', '2028-02-29'],
    [30, '2028-03-01', '2028-02-29', '2028-03-30'],
    [29, '2028-03-01', '2028-02-29', '2028-03-29'],
    [29, '2000-02-15', '2000-01-29', '2000-02-29'],
    [31, '2000-03-01', '2000-02-29', '2000-03-31'],
    [29, '2100-02-15', '2100-01-29', '2100-02-28'],
    [31, '2100-03-01', '2100-02-28', '2100-03-31'],
    [29, '2100-03-01', '2100-02-28', '2100-03-29'],
    // December → January, both ways.
    [15, '2026-12-20', '2026-12-15', '2027-01-15'],
    [15, '2027-01-10', '2026-12-15', '2027-01-15'],
    [31, '2026-12-31', '2026-11-30', '2026-12-31'],
    [31, '2027-01-01', '2026-12-31', '2027-01-31'],
    [1, '2027-01-01', '2026-12-01', '2027-01-01'],
  ])('day %i on %s: previous %s, next %s', (day, date, previous, next) => {
    expect(previousCutoff(day, date)).toBe(previous);
    expect(nextCutoff(day, date)).toBe(next);
  });

  it.each([
    // [cut-off day, date, start, end]
    [15, '2026-03-10', '2026-02-16', '2026-03-15'],
    [15, '2026-03-15', '2026-02-16', '2026-03-15'],
    [15, '2026-03-16', '2026-03-16', '2026-04-15'],
    [31, '2026-02-14', '2026-02-01', '2026-02-28'],
    [31, '2026-03-01', '2026-03-01', '2026-03-31'],
    [30, '2026-03-01', '2026-03-01', '2026-03-30'],
    [30, '2028-02-29', '2028-01-31', '2028-02-29'],
    [1, '2026-12-25', '2026-12-02', '2027-01-01'],
    [20, '2027-01-05', '2026-12-21', '2027-01-20'],
  ])('day %i: the period containing %s is %s – %s', (day, date, start, end) => {
    expect(billingPeriod(day, date)).toEqual({ start, end });
  });

  it('tiles the calendar: each day of 2027–2028 is in one period, which starts after the last one ends', () => {
    for (let day = 1; day <= 31; day++) {
      let yesterday = Temporal.PlainDate.from('2026-12-31');
      let current = billingPeriod(day, yesterday.toString());
      for (let date = yesterday.add({ days: 1 }); date.year < 2029; date = date.add({ days: 1 })) {
        const period = billingPeriod(day, date.toString());
        if (period.start !== current.start) {
          expect([current.end, period.start]).toEqual([yesterday.toString(), date.toString()]);
          current = period;
        }
        expect(period).toEqual(current);
        expect(previousCutoff(day, date.toString()) < date.toString()).toBe(true);
        expect(nextCutoff(day, date.toString()) >= date.toString()).toBe(true);
        yesterday = date;
      }
    }
  });

  it.each([0, 32, -1, 15.5, Number.NaN])('refuses cut-off day %s', (day) => {
    expect(() => nextCutoff(day, '2026-03-10')).toThrow(RangeError);
    expect(() => previousCutoff(day, '2026-03-10')).toThrow(RangeError);
    expect(() => billingPeriod(day, '2026-03-10')).toThrow(RangeError);
  });

  it.each([
    '2026-02-29',
    '2100-02-29',
    '2026-13-01',
    '2026-04-31',
    '2026-3-1',
    '2026-03-10T10:00',
    '+002026-03-10',
  ])('refuses the date %j', (date) => {
    expect(() => nextCutoff(15, date)).toThrow(RangeError);
  });
});

describe('the sign of a ledger entry', () => {
  it.each<[LedgerKind, number, boolean]>([
    ['cargo', 35_000, true],
    ['cargo', 0, false],
    ['cargo', -35_000, false],
    ['pago', -35_000, true],
    ['pago', 0, false],
    ['pago', 35_000, false],
    ['bonificacion', -2_917, true],
    ['bonificacion', 0, false],
    ['bonificacion', 2_917, false],
    ['reembolso', 10_000, true],
    ['reembolso', 0, false],
    ['reembolso', -10_000, false],
    ['ajuste', 1, true],
    ['ajuste', -1, true],
    ['ajuste', 0, false],
  ])('%s of %i centavos: %s', (kind, amount, fits) => {
    if (fits) {
      expect(() => assertSignForKind(kind, amount)).not.toThrow();
    } else {
      expect(() => assertSignForKind(kind, amount)).toThrow(
        expect.objectContaining({ code: 'ledger.sign', status: 400, field: 'amountCentavos' }),
      );
    }
  });

  it('has a rule for every kind', () => {
    expect(Object.keys(LEDGER_SIGNS).sort()).toEqual([...LEDGER_KINDS].sort());
  });

  it('refuses fractions of a centavo as a bug, not as bad input', () => {
    expect(() => assertSignForKind('cargo', 350.5)).toThrow(RangeError);
    expect(() => assertSignForKind('cargo', 350.5)).not.toThrow(AppError);
  });
});

describe('amountDue', () => {
  const entry = (kind: LedgerKind, amountCentavos: number, effectiveDate: string): LedgerEntry => ({
    kind,
    amountCentavos,
    effectiveDate,
  });
  const due = (over: Partial<AmountDue>): AmountDue => ({
    balanceCentavos: 0,
    nextCutoff: '2026-03-15',
    balanceAtCutoffCentavos: 0,
    amountDueCentavos: 0,
    creditCentavos: 0,
    ...over,
  });

  it.each<[string, LedgerEntry[], string, number, AmountDue]>([
    ['no entries', [], '2026-03-10', 15, due({})],
    [
      'a charge posted at the cut-off counts before the day it takes effect',
      [entry('cargo', 35_000, '2026-03-15')],
      '2026-03-10',
      15,
      due({ balanceAtCutoffCentavos: 35_000, amountDueCentavos: 35_000 }),
    ],
    [
      'a charge and its payment',
      [entry('cargo', 35_000, '2026-02-15'), entry('pago', -35_000, '2026-02-20')],
      '2026-03-10',
      15,
      due({}),
    ],
    [
      'owing from last period plus this period’s charge',
      [entry('cargo', 35_000, '2026-02-15'), entry('cargo', 35_000, '2026-03-15')],
      '2026-03-10',
      15,
      due({ balanceCentavos: 35_000, balanceAtCutoffCentavos: 70_000, amountDueCentavos: 70_000 }),
    ],
    [
      'on the cut-off day, that day’s entries are in',
      [entry('cargo', 35_000, '2026-03-15'), entry('pago', -10_000, '2026-03-15')],
      '2026-03-15',
      15,
      due({ balanceCentavos: 25_000, balanceAtCutoffCentavos: 25_000, amountDueCentavos: 25_000 }),
    ],
    [
      'the day after the cut-off, the next period’s charge is not yet due',
      [entry('cargo', 35_000, '2026-03-15'), entry('cargo', 35_000, '2026-04-15')],
      '2026-03-16',
      15,
      due({
        nextCutoff: '2026-04-15',
        balanceCentavos: 35_000,
        balanceAtCutoffCentavos: 70_000,
        amountDueCentavos: 70_000,
      }),
    ],
    [
      'entries after the next cut-off are left out',
      [entry('cargo', 35_000, '2026-03-15'), entry('cargo', 35_000, '2026-04-15')],
      '2026-03-10',
      15,
      due({ balanceAtCutoffCentavos: 35_000, amountDueCentavos: 35_000 }),
    ],
    [
      'a bonificación to be applied at the cut-off lowers the amount due',
      [entry('cargo', 35_000, '2026-03-15'), entry('bonificacion', -2_917, '2026-03-15')],
      '2026-03-01',
      15,
      due({ balanceAtCutoffCentavos: 32_083, amountDueCentavos: 32_083 }),
    ],
    [
      'an overpayment is saldo a favor, never a negative amount due',
      [entry('cargo', 35_000, '2026-02-15'), entry('pago', -50_000, '2026-02-16')],
      '2026-03-10',
      15,
      due({ balanceCentavos: -15_000, balanceAtCutoffCentavos: -15_000, creditCentavos: 15_000 }),
    ],
    [
      'saldo a favor absorbed by the next charge',
      [entry('pago', -50_000, '2026-02-16'), entry('cargo', 35_000, '2026-03-15')],
      '2026-03-10',
      15,
      due({ balanceCentavos: -50_000, balanceAtCutoffCentavos: -15_000, creditCentavos: 15_000 }),
    ],
    [
      'a refund pays out the saldo a favor',
      [entry('pago', -50_000, '2026-02-16'), entry('reembolso', 50_000, '2026-02-20')],
      '2026-03-10',
      15,
      due({}),
    ],
    [
      'day 31 in February, leap year',
      [entry('cargo', 45_000, '2028-02-29'), entry('ajuste', -500, '2028-02-29')],
      '2028-02-20',
      31,
      due({ nextCutoff: '2028-02-29', balanceAtCutoffCentavos: 44_500, amountDueCentavos: 44_500 }),
    ],
    [
      'December → January',
      [entry('cargo', 65_000, '2026-12-20'), entry('cargo', 65_000, '2027-01-20')],
      '2026-12-21',
      20,
      due({
        nextCutoff: '2027-01-20',
        balanceCentavos: 65_000,
        balanceAtCutoffCentavos: 130_000,
        amountDueCentavos: 130_000,
      }),
    ],
  ])('%s', (_name, entries, asOf, cutoffDay, expected) => {
    expect(amountDue(entries, asOf, cutoffDay)).toEqual(expected);
  });

  it('refuses a ledger whose sum leaves the safe integers', () => {
    const huge = entry('cargo', Number.MAX_SAFE_INTEGER, '2026-03-01');
    expect(() => amountDue([huge, huge], '2026-03-10', 15)).toThrow(RangeError);
  });

  it('refuses an entry with a fraction of a centavo or a malformed date', () => {
    expect(() => amountDue([entry('cargo', 0.5, '2026-03-01')], '2026-03-10', 15)).toThrow(RangeError);
    expect(() => amountDue([entry('cargo', 50, '2026-02-30')], '2026-03-10', 15)).toThrow(RangeError);
  });
});
