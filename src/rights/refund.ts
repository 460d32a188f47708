import { formatMxn } from '../accounts/money.ts';
import { addBusinessDays, type Calendar } from '../sla/calendar.ts';
import { type Fraction, percentOf, rational, roundHalfUp, toFraction } from './rational.ts';
import type { RefundSettings } from './rights-settings.ts';
import { assertAmount, assertWholeNumber, dateEs, instantOf, isoOf, localDate } from './rules-input.ts';

/**
 * The refund of an improper charge (regulation.md, "Deadlines"):
 *
 *   "refund of an improper charge | within 5 business days of the claim, same payment method, plus a
 *   20% bonus on the amount | contract model"
 *
 * The bonus is the only figure that can fall between centavos; it is rounded once, half up. The due
 * instant is the claim plus the business days in the provider's business calendar, as every business-day
 * deadline of Atiende is counted (a claim outside business hours starts counting at the next opening).
 */

export const REFUND_SOURCE =
  'Modelo de contrato de adhesión registrado ante PROFECO (NOM-184-SCFI-2018): reembolso del cargo indebido dentro de 5 días hábiles de la reclamación, más una bonificación del 20 % sobre el monto';

export interface RefundInput {
  /** The improper charge, in centavos. */
  amountCentavos: number;
  /** When the customer claimed it (the case's creation), an ISO instant. */
  claimedAt: string;
  /** The provider's business calendar (the profile's deadlines.businessCalendar, compiled). */
  calendar: Calendar;
  settings: Pick<RefundSettings, 'bonusPercent' | 'businessDays'>;
}

export interface Refund {
  /** Posted as `reembolso`. */
  amountCentavos: number;
  bonusPercent: number;
  bonus: Fraction;
  /** Posted as `bonificacion`. */
  bonusCentavos: number;
  totalCentavos: number;
  businessDays: number;
  /** The deadline for both entries, an ISO instant. */
  dueAt: string;
  /** dueAt's date in the calendar's zone, as the customer is told. */
  dueDate: string;
  explanation: string;
  source: string;
}

const CODE = 'refund.invalid';

export function refundFor(input: RefundInput): Refund {
  const { amountCentavos, calendar, settings } = input;
  assertAmount(amountCentavos, CODE, 'amountCentavos');
  assertWholeNumber(settings.bonusPercent, 20, 100, CODE, 'settings.bonusPercent');
  assertWholeNumber(settings.businessDays, 1, 5, CODE, 'settings.businessDays');
  const claimed = instantOf(input.claimedAt, CODE, 'claimedAt');

  const bonus = percentOf(rational(BigInt(amountCentavos)), settings.bonusPercent);
  const bonusCentavos = roundHalfUp(bonus);
  const totalCentavos = amountCentavos + bonusCentavos;
  const dueMs = addBusinessDays(calendar, claimed.epochMilliseconds, settings.businessDays);
  const due = localDate(dueMs, calendar.spec.zone);
  return {
    amountCentavos,
    bonusPercent: settings.bonusPercent,
    bonus: toFraction(bonus),
    bonusCentavos,
    totalCentavos,
    businessDays: settings.businessDays,
    dueAt: isoOf(dueMs),
    dueDate: due.toString(),
    explanation: `Reembolso: ${formatMxn(amountCentavos)} + ${settings.bonusPercent} % (${formatMxn(bonusCentavos)}) = ${formatMxn(totalCentavos)}, a más tardar el ${dateEs(due)}`,
    source: REFUND_SOURCE,
  };
}
