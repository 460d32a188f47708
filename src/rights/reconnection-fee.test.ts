import { describe, expect, it } from 'vitest';
import { AppError } from '../http/errors.ts';
import { assertReconnectionFee, reconnectionFeeCap } from './reconnection-fee.ts';

const thrown = (fn: () => unknown): unknown => {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
};

describe('the reconnection fee: at most 20 % of one monthly payment', () => {
  // [monthly price, max percent, cap]
  it.each<[number, number, number]>([
    [35000, 20, 7000],
    [29900, 20, 5980],
    [49950, 20, 9990],
    // 66.666 centavos: rounded down, or the fee would exceed the percentage.
    [33333, 20, 6666],
    [1, 20, 0],
    [4, 20, 0],
    [5, 20, 1],
    [10_000_000_000, 20, 2_000_000_000],
    [35000, 10, 3500],
    [35000, 15, 5250],
    [35000, 0, 0],
  ])('a %i plan at %i % is capped at %i', (price, maxPercent, cap) => {
    expect(reconnectionFeeCap(price, { maxPercent })).toMatchObject({ maxPercent, capCentavos: cap });
  });

  // [fee, monthly price, max percent, allowed]
  it.each<[number, number, number, boolean]>([
    [7000, 35000, 20, true],
    [7001, 35000, 20, false],
    [0, 35000, 20, true],
    [6666, 33333, 20, true],
    [6667, 33333, 20, false],
    [3500, 35000, 10, true],
    [3501, 35000, 10, false],
    [1, 35000, 0, false],
  ])('a fee of %i on a %i plan at %i %: allowed %s', (fee, price, maxPercent, allowed) => {
    const error = thrown(() => assertReconnectionFee(fee, price, { maxPercent }));
    if (allowed) {
      expect(error).toBeUndefined();
    } else {
      expect(error).toBeInstanceOf(AppError);
      expect(error).toMatchObject({
        code: 'reconnection_fee.above_cap',
        status: 422,
        field: 'feeCentavos',
        extra: { capCentavos: reconnectionFeeCap(price, { maxPercent }).capCentavos },
      });
    }
  });

  it('says the cap in money the customer reads, and where it comes from', () => {
    const error = thrown(() => assertReconnectionFee(8000, 35000, { maxPercent: 20 })) as AppError;
    expect(error.detail).toBe(
      'A reconnection fee of $80.00 MXN exceeds 20 % of the monthly payment ($70.00 MXN)',
    );
    expect(reconnectionFeeCap(35000, { maxPercent: 20 }).source).toContain('20 % de una mensualidad');
  });

  it.each<[string, () => unknown, string]>([
    ['a percentage above 20', () => reconnectionFeeCap(35000, { maxPercent: 21 }), 'settings.maxPercent'],
    ['a price of zero', () => reconnectionFeeCap(0, { maxPercent: 20 }), 'monthlyPriceCentavos'],
    ['a negative fee', () => assertReconnectionFee(-1, 35000, { maxPercent: 20 }), 'feeCentavos'],
    [
      'a fee in fractions of a centavo',
      () => assertReconnectionFee(0.5, 35000, { maxPercent: 20 }),
      'feeCentavos',
    ],
  ])('refuses %s', (_name, fn, field) => {
    expect(thrown(fn)).toMatchObject({ code: 'reconnection_fee.invalid', status: 422, field });
  });
});
