import { Temporal } from 'temporal-polyfill';
import { SuspensionSettingsSchema } from './rights-settings.ts';

/**
 * Whether a service may be suspended, over plain dates (`YYYY-MM-DD`) in the provider's time zone.
 *
 * For non-payment (contract model registered with PROFECO; Carta de Derechos Mínimos items 12 and 40):
 * something past due, not before `minDaysAfterDue` calendar days after its due date, a prior notice
 * delivered or recorded as undeliverable at least `noticeDaysBefore` days before, never while a PROFECO
 * conciliation is open, and not while a payment promise is in force. Theft or loss (Carta item 35) is the
 * customer's own request and suspends at once, whatever is owed, open or promised.
 */

export interface SuspensionSettings {
  /** Calendar days after the due date before a suspension may happen: the due date plus this is the first. */
  minDaysAfterDue: number;
  /** Days between the prior notice and the suspension (*unconfirmed*: no primary text fixes it). */
  noticeDaysBefore: number;
}

export const DEFAULT_SUSPENSION_SETTINGS: SuspensionSettings = SuspensionSettingsSchema.parse({});

export interface SuspensionFacts {
  today: string;
  /** Due date of the oldest amount still unpaid; null when nothing is past due. */
  dueDate: string | null;
  /** What is past due, in centavos. */
  amountOwedCentavos: number;
  /** The latest prior notice of this debt and how its sending ended; null if none was sent. */
  notice: { outcome: 'entregado' | 'no_entregable'; on: string } | null;
  conciliationOpen: boolean;
  /** The date a standing payment promise names: it holds the suspension through that day. */
  promiseInForceUntil: string | null;
  /** The customer reported the equipment or service stolen or lost and asked to suspend. */
  theftOrLoss: boolean;
}

/** Why a suspension is allowed; each allowing decision names all the rules it met. */
export const SUSPENSION_ALLOWING_RULES = [
  'robo_o_extravio',
  'adeudo_vencido',
  'dias_vencidos_cumplidos',
  'aviso_previo_entregado',
  'aviso_previo_no_entregable',
  'sin_conciliacion_abierta',
  'sin_promesa_vigente',
] as const;

/** Why a suspension is refused; a refusal names every rule that failed, not just the first. */
export const SUSPENSION_REFUSING_RULES = [
  'sin_adeudo_vencido',
  'dias_vencidos_insuficientes',
  'sin_aviso_previo',
  'aviso_sin_anticipacion',
  'conciliacion_abierta',
  'promesa_vigente',
] as const;

export type SuspensionAllowingRule = (typeof SUSPENSION_ALLOWING_RULES)[number];
export type SuspensionRefusingRule = (typeof SUSPENSION_REFUSING_RULES)[number];

export type SuspensionDecision =
  | { allowed: true; path: 'robo_o_extravio' | 'falta_de_pago'; rules: SuspensionAllowingRule[] }
  | { allowed: false; path: 'falta_de_pago'; rules: SuspensionRefusingRule[] };

const daysBetween = (from: string, to: string) =>
  Temporal.PlainDate.from(from).until(Temporal.PlainDate.from(to), { largestUnit: 'days' }).days;

export function decideSuspension(
  facts: SuspensionFacts,
  settings: SuspensionSettings = DEFAULT_SUSPENSION_SETTINGS,
): SuspensionDecision {
  if (facts.theftOrLoss) return { allowed: true, path: 'robo_o_extravio', rules: ['robo_o_extravio'] };

  const refused: SuspensionRefusingRule[] = [];
  const allowed: SuspensionAllowingRule[] = [];
  const daysPastDue = facts.dueDate === null ? null : daysBetween(facts.dueDate, facts.today);
  if (facts.amountOwedCentavos <= 0 || daysPastDue === null || daysPastDue <= 0) {
    refused.push('sin_adeudo_vencido');
  } else {
    allowed.push('adeudo_vencido');
  }
  if (daysPastDue === null || daysPastDue < settings.minDaysAfterDue)
    refused.push('dias_vencidos_insuficientes');
  else allowed.push('dias_vencidos_cumplidos');

  // A notice dated after today has not happened yet; one older than the due date warned of another debt.
  const notice =
    facts.notice &&
    facts.dueDate !== null &&
    facts.notice.on >= facts.dueDate &&
    facts.notice.on <= facts.today
      ? facts.notice
      : null;
  if (!notice) refused.push('sin_aviso_previo');
  else if (daysBetween(notice.on, facts.today) < settings.noticeDaysBefore)
    refused.push('aviso_sin_anticipacion');
  else allowed.push(notice.outcome === 'entregado' ? 'aviso_previo_entregado' : 'aviso_previo_no_entregable');

  if (facts.conciliationOpen) refused.push('conciliacion_abierta');
  else allowed.push('sin_conciliacion_abierta');

  if (facts.promiseInForceUntil !== null && facts.today <= facts.promiseInForceUntil) {
    refused.push('promesa_vigente');
  } else {
    allowed.push('sin_promesa_vigente');
  }

  return refused.length > 0
    ? { allowed: false, path: 'falta_de_pago', rules: refused }
    : { allowed: true, path: 'falta_de_pago', rules: allowed };
}
