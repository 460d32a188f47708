import { assertCentavos } from '../accounts/money.ts';

/**
 * Exact amounts of centavos as fractions of bigints: a proportional price (350.00 MXN × 50 h / 720 h) is
 * rarely a whole centavo, and rounding it before the bonus is added would round twice. Stored and shown
 * as decimal strings, since JSON has no bigint.
 */
export interface Fraction {
  numerator: string;
  denominator: string;
}

export interface Rational {
  n: bigint;
  d: bigint;
}

const gcd = (a: bigint, b: bigint): bigint => {
  let x = a < 0n ? -a : a;
  let y = b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
};

export function rational(n: bigint, d = 1n): Rational {
  if (d <= 0n) throw new RangeError('a denominator is positive');
  const g = gcd(n, d);
  return g > 1n ? { n: n / g, d: d / g } : { n, d };
}

export const ZERO: Rational = { n: 0n, d: 1n };

export const add = (a: Rational, b: Rational): Rational => rational(a.n * b.d + b.n * a.d, a.d * b.d);

/** `value × percent / 100`. */
export const percentOf = (value: Rational, percent: number): Rational =>
  rational(value.n * BigInt(percent), value.d * 100n);

/** Half up to the nearest centavo, once, at the end; amounts here are never negative. */
export function roundHalfUp(value: Rational): number {
  if (value.n < 0n) throw new RangeError('a negative amount has no half-up rounding here');
  const centavos = Number((2n * value.n + value.d) / (2n * value.d));
  assertCentavos(centavos);
  return centavos;
}

export const toFraction = (value: Rational): Fraction => ({
  numerator: value.n.toString(),
  denominator: value.d.toString(),
});
