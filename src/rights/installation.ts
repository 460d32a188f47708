import { Temporal } from 'temporal-polyfill';
import { formatMxn } from '../accounts/money.ts';
import { addBusinessDays, type Calendar } from '../sla/calendar.ts';
import { type Fraction, percentOf, rational, roundHalfUp, toFraction } from './rational.ts';
import type { InstallationSettings } from './rights-settings.ts';
import {
  assertAmount,
  assertWholeNumber,
  dateEs,
  instantOf,
  invalid,
  isoOf,
  localDate,
} from './rules-input.ts';

/**
 * Installation on time, or the refund when late (regulation.md, "Deadlines"):
 *
 *   "installation | within 10 business days of signing; otherwise refund within 30 business days + 20% |
 *   contract model"
 *
 * Decisions: business days are counted in the provider's business calendar like every other business-day
 * deadline; installing exactly at the due instant is on time. The 30 business days of the refund run from
 * the due instant, when the provider became late, so the deadline does not wait for anyone to notice;
 * that reading is unconfirmed and the setting's source says so. The refund is a proposal: a supervisor
 * approves it.
 */

export const INSTALLATION_SOURCE =
  'Modelo de contrato de adhesión registrado ante PROFECO: instalación dentro de 10 días hábiles de la firma; si no, devolución de lo pagado dentro de 30 días hábiles más un 20 %';

const CODE = 'installation.invalid';

export interface InstallationDue {
  signedAt: string;
  businessDays: number;
  dueAt: string;
  /** dueAt's date in the calendar's zone. */
  dueDate: string;
  source: string;
}

export function installationDue(
  signedAt: string,
  calendar: Calendar,
  settings: Pick<InstallationSettings, 'businessDays'>,
): InstallationDue {
  assertWholeNumber(settings.businessDays, 1, 10, CODE, 'settings.businessDays');
  const signed = instantOf(signedAt, CODE, 'signedAt');
  const dueMs = addBusinessDays(calendar, signed.epochMilliseconds, settings.businessDays);
  return {
    signedAt: signed.toString(),
    businessDays: settings.businessDays,
    dueAt: isoOf(dueMs),
    dueDate: localDate(dueMs, calendar.spec.zone).toString(),
    source: INSTALLATION_SOURCE,
  };
}

export interface InstallationInput {
  signedAt: string;
  /** When the service was installed; null while it is not. */
  installedAt: string | null;
  /** The caller's clock, an ISO instant: whether an uninstalled service is late yet. */
  now: string;
  /** What the customer paid toward the contract (installation, first month…). */
  paidCentavos: number;
  calendar: Calendar;
  settings: Pick<InstallationSettings, 'businessDays' | 'refundBusinessDays' | 'bonusPercent'>;
}

/** A refund for a late installation, for a supervisor to approve. */
export interface InstallationRefundProposal {
  due: InstallationDue;
  /** installedAt, or null when it is still pending at `now`. */
  installedAt: string | null;
  /** Posted as `reembolso`. */
  amountCentavos: number;
  bonusPercent: number;
  bonus: Fraction;
  /** Posted as `bonificacion`. */
  bonusCentavos: number;
  totalCentavos: number;
  refundBusinessDays: number;
  refundDueAt: string;
  refundDueDate: string;
  explanation: string;
  source: string;
}

export type InstallationOutcome =
  | { late: false; due: InstallationDue }
  | { late: true; due: InstallationDue; proposal: InstallationRefundProposal };

export function installationOutcome(input: InstallationInput): InstallationOutcome {
  const { calendar, settings } = input;
  assertAmount(input.paidCentavos, CODE, 'paidCentavos', true);
  assertWholeNumber(settings.bonusPercent, 20, 100, CODE, 'settings.bonusPercent');
  assertWholeNumber(settings.refundBusinessDays, 1, 30, CODE, 'settings.refundBusinessDays');
  const due = installationDue(input.signedAt, calendar, settings);
  const signed = instantOf(input.signedAt, CODE, 'signedAt');
  const now = instantOf(input.now, CODE, 'now');
  const installed = input.installedAt === null ? null : instantOf(input.installedAt, CODE, 'installedAt');
  if (installed && Temporal.Instant.compare(installed, signed) < 0) {
    throw invalid(CODE, 'installedAt', 'a service cannot be installed before its contract is signed');
  }
  const dueAt = Temporal.Instant.from(due.dueAt);
  const lateBy = installed ?? now;
  if (Temporal.Instant.compare(lateBy, dueAt) <= 0) return { late: false, due };

  const bonus = percentOf(rational(BigInt(input.paidCentavos)), settings.bonusPercent);
  const bonusCentavos = roundHalfUp(bonus);
  const totalCentavos = input.paidCentavos + bonusCentavos;
  const refundDueMs = addBusinessDays(calendar, dueAt.epochMilliseconds, settings.refundBusinessDays);
  const refundDue = localDate(refundDueMs, calendar.spec.zone);
  return {
    late: true,
    due,
    proposal: {
      due,
      installedAt: installed ? installed.toString() : null,
      amountCentavos: input.paidCentavos,
      bonusPercent: settings.bonusPercent,
      bonus: toFraction(bonus),
      bonusCentavos,
      totalCentavos,
      refundBusinessDays: settings.refundBusinessDays,
      refundDueAt: isoOf(refundDueMs),
      refundDueDate: refundDue.toString(),
      explanation: `Instalación fuera de plazo (vencía el ${dateEs(Temporal.PlainDate.from(due.dueDate))}): devolución de ${formatMxn(input.paidCentavos)} + ${settings.bonusPercent} % (${formatMxn(bonusCentavos)}) = ${formatMxn(totalCentavos)}, a más tardar el ${dateEs(refundDue)}`,
      source: INSTALLATION_SOURCE,
    },
  };
}
