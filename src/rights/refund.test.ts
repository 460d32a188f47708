import { describe, expect, it } from 'vitest';
import { DEFAULT_BUSINESS_CALENDAR } from '../config/profile.ts';
import { AppError } from '../http/errors.ts';
import { compileCalendar } from '../sla/calendar.ts';
import { type RefundInput, refundFor } from './refund.ts';

// Monday to Friday 09:00–18:00 in Monterrey (UTC−6), closed on Mexican rest days.
const calendar = compileCalendar(DEFAULT_BUSINESS_CALENDAR);
const mty = (local: string) => `${local}-06:00`;

const input = (
  amountCentavos: number,
  claimedAt: string,
  bonusPercent = 20,
  businessDays = 5,
): RefundInput => ({
  amountCentavos,
  claimedAt,
  calendar,
  settings: { bonusPercent, businessDays },
});

describe('refund of an improper charge, to the centavo', () => {
  // [case, amount, bonus %, bonus centavos, total]
  it.each<[string, number, number, number, number]>([
    ['100.00 at 20 %', 10000, 20, 2000, 12000],
    ['123.45: 24.69 exactly', 12345, 20, 2469, 14814],
    ['123.47: 24.694 rounds down', 12347, 20, 2469, 14816],
    ['123.48: 24.696 rounds up', 12348, 20, 2470, 14818],
    ['one centavo: 0.2 rounds to nothing', 1, 20, 0, 1],
    ['three centavos: 0.6 rounds to one', 3, 20, 1, 4],
    ['five centavos: exactly one', 5, 20, 1, 6],
    ['0.25 at 30 %: 7.5 rounds half up to 8', 25, 30, 8, 33],
    ['999.99: 199.998 rounds up', 99999, 20, 20000, 119999],
    ['350.00 at 25 %', 35000, 25, 8750, 43750],
    ['350.00 at 100 %', 35000, 100, 35000, 70000],
    ['the largest amount', 10_000_000_000, 20, 2_000_000_000, 12_000_000_000],
  ])('%s', (_name, amount, bonusPercent, bonusCentavos, total) => {
    const refund = refundFor(input(amount, mty('2026-12-07T10:00'), bonusPercent));
    expect(refund).toMatchObject({
      amountCentavos: amount,
      bonusPercent,
      bonusCentavos,
      totalCentavos: total,
    });
    expect(refund.amountCentavos + refund.bonusCentavos).toBe(refund.totalCentavos);
  });
});

describe('refund due date: 5 business days in the provider calendar', () => {
  // [case, claimed (local), business days, due (UTC instant)]
  it.each<[string, string, number, string]>([
    ['Monday 10:00 → next Monday 10:00', '2026-12-07T10:00', 5, '2026-12-14T16:00:00Z'],
    ['Monday 08:00, before opening → counts from 09:00', '2026-12-07T08:00', 5, '2026-12-14T15:00:00Z'],
    ['Friday 20:00, after closing → from Monday 09:00', '2026-12-04T20:00', 5, '2026-12-14T15:00:00Z'],
    ['Saturday → from Monday 09:00', '2026-12-05T10:00', 5, '2026-12-14T15:00:00Z'],
    ['over 16 September (a Wednesday)', '2026-09-14T10:00', 5, '2026-09-22T16:00:00Z'],
    ['over the third Monday of November', '2026-11-12T10:00', 5, '2026-11-20T16:00:00Z'],
    ['over 25 December', '2026-12-21T10:00', 5, '2026-12-29T16:00:00Z'],
    ['over 1 January', '2026-12-29T10:00', 5, '2027-01-06T16:00:00Z'],
    ['over the first Monday of February', '2027-01-27T10:00', 5, '2027-02-04T16:00:00Z'],
    ['a provider promising 3 business days', '2026-12-07T10:00', 3, '2026-12-10T16:00:00Z'],
  ])('%s', (_name, claimed, businessDays, due) => {
    const refund = refundFor(input(10000, mty(claimed), 20, businessDays));
    expect(refund.dueAt).toBe(due);
    expect(refund.dueDate).toBe(due.slice(0, 10));
    expect(refund.businessDays).toBe(businessDays);
  });

  it('tells the customer the amounts and the date, through the one money format', () => {
    const refund = refundFor(input(10000, mty('2026-12-07T10:00')));
    expect(refund.explanation).toBe(
      'Reembolso: $100.00 MXN + 20 % ($20.00 MXN) = $120.00 MXN, a más tardar el 14 de diciembre de 2026',
    );
    expect(refund.bonus).toEqual({ numerator: '2000', denominator: '1' });
    expect(refund.source).toContain('5 días hábiles');
  });
});

describe('refund inputs that cannot be right', () => {
  it.each<[string, RefundInput, string]>([
    ['a zero amount', input(0, mty('2026-12-07T10:00')), 'amountCentavos'],
    ['a negative amount', input(-100, mty('2026-12-07T10:00')), 'amountCentavos'],
    ['a fraction of a centavo', input(10.5, mty('2026-12-07T10:00')), 'amountCentavos'],
    ['a bonus below 20 %', input(10000, mty('2026-12-07T10:00'), 19), 'settings.bonusPercent'],
    ['more than 5 business days', input(10000, mty('2026-12-07T10:00'), 20, 6), 'settings.businessDays'],
    ['a claim that is not an instant', input(10000, '2026-12-07'), 'claimedAt'],
  ])('refuses %s', (_name, refundInput, field) => {
    let error: unknown;
    try {
      refundFor(refundInput);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'refund.invalid', status: 422, field });
  });
});
