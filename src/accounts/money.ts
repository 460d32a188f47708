/**
 * Money is integer centavos of MXN in a plain `number`, everywhere: integers add exactly, and a safe
 * integer reaches 90 trillion pesos, so no decimal type is needed. Text becomes centavos only through
 * `parseMxn` and centavos become text only through `formatMxn`.
 */

/** 100,000,000.00 MXN: no bill, payment or balance of a customer comes near it, so more is a typo. */
export const MAX_AMOUNT_CENTAVOS = 10_000_000_000;

/** Throws unless `value` is a safe integer: a fraction of a centavo is always a bug upstream. */
export function assertCentavos(value: number): void {
  if (!Number.isSafeInteger(value)) throw new RangeError(`not an amount in centavos: ${value}`);
}

/** `$1,234.50 MXN`, `-$350.00 MXN`: how the provider writes money to customers (see the glossary). */
export function formatMxn(centavos: number): string {
  assertCentavos(centavos);
  const magnitude = Math.abs(centavos);
  const cents = magnitude % 100;
  const pesos = String((magnitude - cents) / 100).replace(/\B(?=(\d{3})+$)/g, ',');
  return `${centavos < 0 ? '-' : ''}$${pesos}.${String(cents).padStart(2, '0')} MXN`;
}

export type MxnParseError =
  | 'empty'
  | 'malformed'
  /** A comma used other than as thousands separator, or a dot used as one: "1234,50", "1.234,50". */
  | 'ambiguous_separators'
  | 'too_many_decimals'
  | 'too_large'
  | 'negative';

export type MxnParse = { ok: true; centavos: number } | { ok: false; error: MxnParseError };

// An optional minus before or after the `$`, digits with dots and commas (judged below), an optional `MXN`,
// so whatever formatMxn writes reads back. No exponent, no `NaN`, no `Infinity`: they never match.
const AMOUNT = /^(-?)\s*\$?\s*(-?)([\d.,]+)(?:\s*MXN)?$/i;
const GROUPED = /^\d{1,3}(?:,\d{3})+$/;
const MAX_PESO_DIGITS = String(MAX_AMOUNT_CENTAVOS / 100).length;

const refuse = (error: MxnParseError): MxnParse => ({ ok: false, error });

/**
 * Reads an amount as Mexicans write it: `.` for decimals and `,` for thousands ("350", "350.5",
 * "$1,234.50", "-$80.00 MXN"). A comma that cannot be a thousands separator is refused rather than
 * guessed at, since "1,50" read either way loses money for someone. The digits are combined as
 * integers, so "0.29" is 29 centavos exactly, never 28.999….
 */
export function parseMxn(text: string, options: { allowNegative?: boolean } = {}): MxnParse {
  const trimmed = text.trim();
  if (trimmed === '') return refuse('empty');
  const match = AMOUNT.exec(trimmed);
  if (!match) return refuse('malformed');
  const [, minusBefore = '', minusAfter = '', number = ''] = match;
  if (minusBefore && minusAfter) return refuse('malformed');

  const dot = number.indexOf('.');
  if (dot !== number.lastIndexOf('.')) return refuse('ambiguous_separators');
  const whole = dot < 0 ? number : number.slice(0, dot);
  const fraction = dot < 0 ? '' : number.slice(dot + 1);
  if (fraction.includes(',')) return refuse('ambiguous_separators');
  if (whole.includes(',') && !GROUPED.test(whole)) return refuse('ambiguous_separators');
  if (whole === '' || (dot >= 0 && fraction === '')) return refuse('malformed');
  if (fraction.length > 2) return refuse('too_many_decimals');

  const pesos = whole.replaceAll(',', '').replace(/^0+(?=\d)/, '');
  if (pesos.length > MAX_PESO_DIGITS) return refuse('too_large');
  const magnitude = Number(pesos) * 100 + Number(fraction.padEnd(2, '0'));
  if (magnitude > MAX_AMOUNT_CENTAVOS) return refuse('too_large');
  if (magnitude === 0) return { ok: true, centavos: 0 };
  if (!(minusBefore || minusAfter)) return { ok: true, centavos: magnitude };
  return options.allowNegative ? { ok: true, centavos: -magnitude } : refuse('negative');
}
