import { Temporal } from 'temporal-polyfill';
import type { CancellationSettings } from './rights-settings.ts';
import { assertWholeNumber, dateEs, invalid, plainDateOf } from './rules-input.ts';

/**
 * When a cancellation takes effect, and what may still be charged (regulation.md, "Deadlines"):
 *
 *   "cancel the contract | any time, by the same means used to contract or any channel listed; the
 *   provider gives a folio and the effective date; nothing may be billed after it | Carta item 9;
 *   contract model"
 *   "cancel an add-on service | within 5 calendar days of the request | contract model"
 *
 * Decisions, over plain dates in the provider's zone (the caller turns the request's instant into one):
 * - "Any time" means the customer is never made to wait: the effective date is the request date, or a
 *   later date the customer chooses; an earlier one is refused, since service already given is not
 *   undone.
 * - An add-on's effective date follows the same rule: its billing stops then; the 5 calendar days are
 *   the provider's deadline to switch it off (`carryOutBy`), never a reason to charge for them. The
 *   ledger cannot tell an add-on's charge from the plan's, so only a contract's cancellation makes
 *   `postLedgerEntries` refuse charges; the service itself goes on.
 * - A chosen date more than a year after the request is refused: the contract model's cancellation is
 *   for now or a near date, and a far one would leave a dormant job and the charge guard waiting on it.
 * - The effective date is the service's last day: a charge dated on it belongs to service given that
 *   day (as a cut-off date's charge belongs to the closing period); a charge dated after it is refused.
 */

export const CANCELLATION_SOURCE =
  'Carta de Derechos Mínimos, punto 9, y modelo de contrato de adhesión (PROFECO): cancelación en cualquier momento, con folio y fecha efectiva, sin cobros posteriores; un servicio adicional se cancela dentro de 5 días naturales de la solicitud';

const CODE = 'cancellation.invalid';

/** The latest effective date a customer may choose, in calendar days after the request. */
export const MAX_CHOSEN_DAYS = 365;

export type CancellationScope = 'contrato' | 'servicio_adicional';

export interface CancellationInput {
  scope: CancellationScope;
  /** The request's date in the provider's zone. */
  requestDate: string;
  /** A later date the customer chose; omitted, the request date. */
  chosenDate?: string | null;
  settings: Pick<CancellationSettings, 'addOnCalendarDays'>;
}

export interface CancellationTerms {
  scope: CancellationScope;
  requestDate: string;
  /** The last day of service and of charges; on the customer's receipt. */
  effectiveDate: string;
  /** The date by which the service must be off: the effective date, or up to 5 days later for an add-on. */
  carryOutBy: string;
  explanation: string;
  source: string;
}

export function cancellationTerms(input: CancellationInput): CancellationTerms {
  assertWholeNumber(input.settings.addOnCalendarDays, 0, 5, CODE, 'settings.addOnCalendarDays');
  const requested = plainDateOf(input.requestDate, CODE, 'requestDate');
  const chosen = input.chosenDate ? plainDateOf(input.chosenDate, CODE, 'chosenDate') : null;
  if (chosen && Temporal.PlainDate.compare(chosen, requested) < 0) {
    throw invalid(CODE, 'chosenDate', 'a cancellation cannot take effect before it was requested');
  }
  if (chosen && Temporal.PlainDate.compare(chosen, requested.add({ days: MAX_CHOSEN_DAYS })) > 0) {
    throw invalid(
      CODE,
      'chosenDate',
      `a cancellation takes effect within ${MAX_CHOSEN_DAYS} days of the request`,
    );
  }
  const effective = chosen ?? requested;
  const addOnDeadline = requested.add({ days: input.settings.addOnCalendarDays });
  const carryOutBy =
    input.scope === 'servicio_adicional' && Temporal.PlainDate.compare(addOnDeadline, effective) > 0
      ? addOnDeadline
      : effective;
  const what = input.scope === 'contrato' ? 'El contrato' : 'El servicio adicional';
  return {
    scope: input.scope,
    requestDate: requested.toString(),
    effectiveDate: effective.toString(),
    carryOutBy: carryOutBy.toString(),
    explanation: `${what} se cancela con fecha efectiva ${dateEs(effective)}; no se cobra nada después de esa fecha.`,
    source: CANCELLATION_SOURCE,
  };
}
