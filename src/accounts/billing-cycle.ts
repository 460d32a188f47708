import { Temporal } from 'temporal-polyfill';
import type { LedgerKind } from '../domain/vocabulary.ts';
import { AppError } from '../http/errors.ts';
import { assertCentavos } from './money.ts';

/**
 * Billing periods and what a customer owes, over plain dates (`YYYY-MM-DD`) in the provider's time zone:
 * a cut-off is a calendar day for the customer, so no instant or zone enters here; the caller turns "now"
 * into today's date in the provider's zone.
 *
 * A service's cut-off day (fecha de corte) is a day of the month, 1–31. In a month without that day the
 * cut-off falls on the month's last day (day 31 → 30 April, 28 or 29 February), and the next month goes
 * back to the contracted day. The cut-off date closes its period: the period runs from the day after the
 * previous cut-off up to and including the cut-off date, so on the cut-off day itself the next cut-off is
 * today ("tu fecha de corte es hoy") and what is charged that day belongs to the closing period.
 */

const PLAIN_DATE = /^\d{4}-\d{2}-\d{2}$/;

function plainDate(text: string): Temporal.PlainDate {
  // Temporal also reads date-times and six-digit years; only the form the database stores is accepted.
  if (!PLAIN_DATE.test(text)) throw new RangeError(`not a YYYY-MM-DD date: ${text}`);
  return Temporal.PlainDate.from(text, { overflow: 'reject' });
}

function assertCutoffDay(cutoffDay: number): void {
  if (!Number.isInteger(cutoffDay) || cutoffDay < 1 || cutoffDay > 31) {
    throw new RangeError(`a cut-off day is 1–31: ${cutoffDay}`);
  }
}

/** The cut-off date within one month: `constrain` moves a missing day 29–31 to the month's last day. */
const cutoffIn = (month: Temporal.PlainDate, cutoffDay: number) =>
  Temporal.PlainDate.from(
    { year: month.year, month: month.month, day: cutoffDay },
    { overflow: 'constrain' },
  );

function nextCutoffDate(cutoffDay: number, date: Temporal.PlainDate): Temporal.PlainDate {
  const thisMonth = cutoffIn(date, cutoffDay);
  if (Temporal.PlainDate.compare(thisMonth, date) >= 0) return thisMonth;
  return cutoffIn(date.with({ day: 1 }).add({ months: 1 }), cutoffDay);
}

function previousCutoffDate(cutoffDay: number, date: Temporal.PlainDate): Temporal.PlainDate {
  const thisMonth = cutoffIn(date, cutoffDay);
  if (Temporal.PlainDate.compare(thisMonth, date) < 0) return thisMonth;
  return cutoffIn(date.with({ day: 1 }).subtract({ months: 1 }), cutoffDay);
}

/** The first cut-off date on or after `date`: on the cut-off day itself, that day. */
export function nextCutoff(cutoffDay: number, date: string): string {
  assertCutoffDay(cutoffDay);
  return nextCutoffDate(cutoffDay, plainDate(date)).toString();
}

/** The last cut-off date strictly before `date`: the one that closed the previous period. */
export function previousCutoff(cutoffDay: number, date: string): string {
  assertCutoffDay(cutoffDay);
  return previousCutoffDate(cutoffDay, plainDate(date)).toString();
}

export interface BillingPeriod {
  /** The day after the previous cut-off. */
  start: string;
  /** The cut-off date that closes the period, included in it. */
  end: string;
}

/** The billing period containing `date`, both ends included. */
export function billingPeriod(cutoffDay: number, date: string): BillingPeriod {
  assertCutoffDay(cutoffDay);
  const day = plainDate(date);
  return {
    start: previousCutoffDate(cutoffDay, day).add({ days: 1 }).toString(),
    end: nextCutoffDate(cutoffDay, day).toString(),
  };
}

/**
 * The sign each kind of ledger entry carries, from the customer's side: positive raises what the customer
 * owes. A reembolso pays back money the customer had in their favour, so it raises the balance toward
 * zero; an ajuste corrects either way, and a zero entry would only be noise in the statement.
 */
export const LEDGER_SIGNS = {
  cargo: 'positive',
  pago: 'negative',
  bonificacion: 'negative',
  reembolso: 'positive',
  ajuste: 'nonzero',
} as const satisfies Record<LedgerKind, 'positive' | 'negative' | 'nonzero'>;

/** Refuses (400 `ledger.sign`) an amount whose sign does not fit its kind, as `LEDGER_SIGNS` says. */
export function assertSignForKind(kind: LedgerKind, amountCentavos: number): void {
  assertCentavos(amountCentavos);
  const sign = LEDGER_SIGNS[kind];
  const fits =
    sign === 'positive'
      ? amountCentavos > 0
      : sign === 'negative'
        ? amountCentavos < 0
        : amountCentavos !== 0;
  if (!fits) {
    throw new AppError('ledger.sign', {
      status: 400,
      field: 'amountCentavos',
      detail: `A ${kind} must be ${sign === 'nonzero' ? 'non-zero' : sign}`,
    });
  }
}

export interface LedgerEntry {
  kind: LedgerKind;
  /** Signed centavos: positive means the customer owes more. */
  amountCentavos: number;
  effectiveDate: string;
}

export interface AmountDue {
  /** Sum of the entries effective on or before `asOf`: positive is owed, negative is saldo a favor. */
  balanceCentavos: number;
  nextCutoff: string;
  /** Sum of the entries effective on or before the next cut-off, including ones already scheduled. */
  balanceAtCutoffCentavos: number;
  /** What the customer has to pay for the next cut-off; zero when nothing is owed. */
  amountDueCentavos: number;
  /** Saldo a favor left at the next cut-off; zero when the customer owes or is even. */
  creditCentavos: number;
}

/**
 * What a service owes as of `asOf` and at its next cut-off. Entries dated after `asOf` but on or before
 * the cut-off (the period's charge posted ahead, a bonificación to be applied at the cut-off, as the
 * contract model requires) count toward the amount due; entries after the cut-off do not. A credit never
 * shows as a negative amount due: it is reported apart as saldo a favor.
 */
export function amountDue(entries: Iterable<LedgerEntry>, asOf: string, cutoffDay: number): AmountDue {
  assertCutoffDay(cutoffDay);
  const today = plainDate(asOf);
  const cutoff = nextCutoffDate(cutoffDay, today);
  let balance = 0;
  let atCutoff = 0;
  for (const entry of entries) {
    assertCentavos(entry.amountCentavos);
    const effective = plainDate(entry.effectiveDate);
    if (Temporal.PlainDate.compare(effective, cutoff) > 0) continue;
    atCutoff += entry.amountCentavos;
    if (Temporal.PlainDate.compare(effective, today) <= 0) balance += entry.amountCentavos;
  }
  return dueFromTotals(balance, atCutoff, cutoff.toString());
}

/**
 * The same answer from the two sums alone (the database adds the entries up to today and up to the next
 * cut-off): what is owed now, and what is due or in the customer's favour at the cut-off.
 */
export function dueFromTotals(
  balanceCentavos: number,
  balanceAtCutoffCentavos: number,
  cutoff: string,
): AmountDue {
  // Safe integers can add up to an unsafe one: a corrupt ledger must fail here, not round silently.
  assertCentavos(balanceCentavos);
  assertCentavos(balanceAtCutoffCentavos);
  return {
    balanceCentavos,
    nextCutoff: cutoff,
    balanceAtCutoffCentavos,
    amountDueCentavos: Math.max(0, balanceAtCutoffCentavos),
    creditCentavos: Math.max(0, -balanceAtCutoffCentavos),
  };
}
