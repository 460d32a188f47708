import { Temporal } from 'temporal-polyfill';
import { billingPeriod } from '../accounts/billing-cycle.ts';
import { formatMxn } from '../accounts/money.ts';
import {
  add,
  type Fraction,
  percentOf,
  type Rational,
  rational,
  roundHalfUp,
  toFraction,
  ZERO,
} from './rational.ts';
import type { CompensationSettings } from './rights-settings.ts';
import { assertAmount, assertWholeNumber, instantOf, invalid } from './rules-input.ts';

/**
 * The bonificación owed for a failure (regulation.md, "Compensation"):
 *
 *   "When the service is not provided as contracted for causes attributable to the provider: credit the
 *   proportional price of the time not served plus a bonus of at least 20% of the amount of the affected
 *   period (NOM-184-SCFI-2018; Carta item 18: no claim by the customer is needed)."
 *   "Force majeure …: compensation is owed when the outage lasts more than 24 consecutive hours after the
 *   customer's report (contract model, clause 10)."
 *   "The affected period runs from the start of the failure … until service is restored. Worked example:
 *   350.00 MXN, 30-day period, 50 h → 350 × 50 / (30 × 24) × 1.2 = 29.1666… → 29.17 MXN."
 *
 * Decisions where the source leaves room:
 * - Time is counted in whole minutes, widened to the minute (start down, restoration up): the customer
 *   is never short of a started minute, and the formula shown reproduces the amount.
 * - A period is priced at the full monthly price over its own length in days × 24 h, as the worked
 *   example does; an outage crossing a cut-off is split there (the end of the cut-off date in the
 *   provider's zone) and each part is priced by its own period's length.
 * - A part never counts more minutes than its period has (days × 24 h, even across a DST change), so no
 *   period credits more than its price plus the bonus, however long the outage.
 * - Everything stays an exact fraction until the total, which is rounded once, half up, to the centavo.
 * - Force majeure, once past the threshold, owes the same credit (proportional price plus bonus),
 *   counted from the report rather than the known start; that the bonus applies too is unconfirmed and
 *   said so in the setting's source.
 */

export const COMPENSATION_SOURCE =
  'NOM-184-SCFI-2018; Carta de Derechos Mínimos, punto 18; modelo de contrato de adhesión (PROFECO), cláusulas 10 y 11';

export type CompensationReason =
  /** Owed: the provider's fault, from the failure's known start. */
  | 'atribuible_proveedor'
  /** Owed: force majeure that outlasted the threshold after the report. */
  | 'fuerza_mayor_sobre_umbral'
  | 'fuerza_mayor_bajo_umbral'
  /** Any other cause (the customer's, no failure found…): nothing is owed. */
  | 'causa_no_compensable';

export interface CompensationInput {
  monthlyPriceCentavos: number;
  /** The service's cut-off day (1–31): the periods come from billingPeriod. */
  cutoffDay: number;
  /** The provider's zone, where a cut-off date ends. */
  timeZone: string;
  /** The failure's start: the customer's report, or an earlier start the provider knows. */
  failureStartedAt: string;
  reportedAt: string;
  restoredAt: string;
  /** The case's cause code (`atribuible_proveedor`, `fuerza_mayor`, or any other). */
  cause: string;
  settings: Pick<CompensationSettings, 'bonusPercent' | 'forceMajeureThresholdHours'>;
}

export interface CompensationPart {
  /** The billing period, both ends included. */
  periodStart: string;
  periodEnd: string;
  periodDays: number;
  from: string;
  to: string;
  /** Counted minutes of this part, capped at the period's days × 1,440. */
  minutes: number;
  /** monthly price × minutes / (period days × 1,440), in centavos, exact. */
  proportional: Fraction;
}

export interface Compensation {
  owed: boolean;
  reason: CompensationReason;
  /** Where the count starts: the failure's start, or the report for force majeure. */
  countedFrom: string;
  restoredAt: string;
  /** Minutes without service from countedFrom (0 when restored before the report). */
  affectedMinutes: number;
  affectedHours: number;
  /** The minutes beyond the whole hours. */
  affectedRemainderMinutes: number;
  parts: CompensationPart[];
  proportional: Fraction;
  bonusPercent: number;
  bonus: Fraction;
  /** proportional + bonus, rounded once, half up; 0 when not owed. */
  totalCentavos: number;
  explanation: string;
  source: string;
}

const CODE = 'compensation.invalid';
const MINUTE_NS = 60_000_000_000n;
const MINUTES_PER_DAY = 1_440;
/** An outage over a year is a typing mistake in an instant, not a failure still unrepaired. */
export const MAX_OUTAGE_DAYS = 366;

/** The instant floored (or, with `up`, raised) to a whole minute. */
function toMinute(instant: Temporal.Instant, up: boolean): Temporal.Instant {
  const ns = instant.epochNanoseconds;
  let floored = ns - (((ns % MINUTE_NS) + MINUTE_NS) % MINUTE_NS);
  if (up && floored !== ns) floored += MINUTE_NS;
  return Temporal.Instant.fromEpochNanoseconds(floored);
}

const minutesBetween = (a: Temporal.Instant, b: Temporal.Instant) =>
  Number((b.epochNanoseconds - a.epochNanoseconds) / MINUTE_NS);

/** "50 h", "50 h 30 min", "45 min". */
function formatDuration(minutes: number): string {
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  if (hours === 0) return `${rest} min`;
  return rest === 0 ? `${hours} h` : `${hours} h ${rest} min`;
}

function assertZone(timeZone: string): void {
  try {
    Temporal.Now.instant().toZonedDateTimeISO(timeZone);
  } catch {
    throw invalid(CODE, 'timeZone', `unknown IANA time zone: ${timeZone}`);
  }
}

/** Splits [from, to) at the cut-offs, each part with its own period. */
function partsOf(
  from: Temporal.Instant,
  to: Temporal.Instant,
  cutoffDay: number,
  timeZone: string,
  monthlyPrice: bigint,
): Array<CompensationPart & { value: Rational }> {
  const parts: Array<CompensationPart & { value: Rational }> = [];
  let cursor = from;
  while (Temporal.Instant.compare(cursor, to) < 0) {
    const day = cursor.toZonedDateTimeISO(timeZone).toPlainDate();
    const period = billingPeriod(cutoffDay, day.toString());
    const periodDays = Temporal.PlainDate.from(period.start).until(period.end).days + 1;
    const periodEnds = Temporal.PlainDate.from(period.end)
      .add({ days: 1 })
      .toZonedDateTime({ timeZone })
      .toInstant();
    const partEnd = Temporal.Instant.compare(periodEnds, to) < 0 ? periodEnds : to;
    const minutes = Math.min(minutesBetween(cursor, partEnd), periodDays * MINUTES_PER_DAY);
    const value = rational(monthlyPrice * BigInt(minutes), BigInt(periodDays * MINUTES_PER_DAY));
    parts.push({
      periodStart: period.start,
      periodEnd: period.end,
      periodDays,
      from: cursor.toString(),
      to: partEnd.toString(),
      minutes,
      proportional: toFraction(value),
      value,
    });
    cursor = partEnd;
  }
  return parts;
}

function explain(
  parts: CompensationPart[],
  monthlyPriceCentavos: number,
  bonusPercent: number,
  totalCentavos: number,
  forceMajeure: boolean,
): string {
  const terms = parts.map(
    (part) =>
      `${formatDuration(part.minutes)} sin servicio × ${formatMxn(monthlyPriceCentavos)} / ${part.periodDays * 24} h`,
  );
  const formula = terms.length === 1 ? terms[0] : `(${terms.join(' + ')})`;
  const heading = forceMajeure ? 'Bonificación (fuerza mayor, desde el reporte)' : 'Bonificación';
  return `${heading}: ${formula} + ${bonusPercent} % = ${formatMxn(totalCentavos)}`;
}

/** What is owed for one failure, from its instants, the plan's price and the service's cut-off day. */
export function compensationFor(input: CompensationInput): Compensation {
  const { monthlyPriceCentavos, cutoffDay, timeZone, cause, settings } = input;
  assertAmount(monthlyPriceCentavos, CODE, 'monthlyPriceCentavos');
  assertWholeNumber(cutoffDay, 1, 31, CODE, 'cutoffDay');
  assertZone(timeZone);
  assertWholeNumber(settings.bonusPercent, 20, 100, CODE, 'settings.bonusPercent');
  assertWholeNumber(settings.forceMajeureThresholdHours, 1, 168, CODE, 'settings.forceMajeureThresholdHours');
  const started = instantOf(input.failureStartedAt, CODE, 'failureStartedAt');
  const reported = instantOf(input.reportedAt, CODE, 'reportedAt');
  const restored = instantOf(input.restoredAt, CODE, 'restoredAt');
  if (Temporal.Instant.compare(started, reported) > 0) {
    throw invalid(CODE, 'failureStartedAt', 'the failure cannot start after the customer reported it');
  }
  if (Temporal.Instant.compare(restored, started) <= 0) {
    throw invalid(CODE, 'restoredAt', 'service must be restored after the failure started');
  }
  if (restored.epochMilliseconds - started.epochMilliseconds > MAX_OUTAGE_DAYS * 86_400_000) {
    throw invalid(CODE, 'restoredAt', `an outage of more than ${MAX_OUTAGE_DAYS} days is not plausible`);
  }

  const forceMajeure = cause === 'fuerza_mayor';
  const countedFrom = forceMajeure ? reported : started;
  const from = toMinute(countedFrom, false);
  const to = toMinute(restored, true);
  const affectedMinutes = Temporal.Instant.compare(to, from) > 0 ? minutesBetween(from, to) : 0;
  const base = {
    countedFrom: countedFrom.toString(),
    restoredAt: restored.toString(),
    affectedMinutes,
    affectedHours: Math.floor(affectedMinutes / 60),
    affectedRemainderMinutes: affectedMinutes % 60,
    bonusPercent: settings.bonusPercent,
    source: COMPENSATION_SOURCE,
  };
  const notOwed = (reason: CompensationReason, explanation: string): Compensation => ({
    ...base,
    owed: false,
    reason,
    parts: [],
    proportional: toFraction(ZERO),
    bonus: toFraction(ZERO),
    totalCentavos: 0,
    explanation,
  });

  if (!forceMajeure && cause !== 'atribuible_proveedor') {
    return notOwed(
      'causa_no_compensable',
      `Sin bonificación: la causa (${cause}) no da lugar a bonificación.`,
    );
  }
  const thresholdMs = settings.forceMajeureThresholdHours * 3_600_000;
  if (forceMajeure && restored.epochMilliseconds - reported.epochMilliseconds <= thresholdMs) {
    return notOwed(
      'fuerza_mayor_bajo_umbral',
      `Sin bonificación: ${formatDuration(affectedMinutes)} sin servicio desde el reporte, no más de ${settings.forceMajeureThresholdHours} h (fuerza mayor).`,
    );
  }

  const parts = partsOf(from, to, cutoffDay, timeZone, BigInt(monthlyPriceCentavos));
  const proportional = parts.reduce((sum, part) => add(sum, part.value), ZERO);
  const bonus = percentOf(proportional, settings.bonusPercent);
  const totalCentavos = roundHalfUp(add(proportional, bonus));
  const shown = parts.map(({ value: _value, ...part }) => part);
  return {
    ...base,
    owed: true,
    reason: forceMajeure ? 'fuerza_mayor_sobre_umbral' : 'atribuible_proveedor',
    parts: shown,
    proportional: toFraction(proportional),
    bonus: toFraction(bonus),
    totalCentavos,
    explanation: explain(shown, monthlyPriceCentavos, settings.bonusPercent, totalCentavos, forceMajeure),
  };
}

export interface RepairCreditInput {
  monthlyPriceCentavos: number;
  cutoffDay: number;
  timeZone: string;
  /** The repair period of the provider's equipment at the customer's home, ISO instants. */
  from: string;
  to: string;
}

export interface RepairCredit {
  affectedMinutes: number;
  parts: CompensationPart[];
  proportional: Fraction;
  totalCentavos: number;
  explanation: string;
  source: string;
}

export const REPAIR_SOURCE =
  'Modelo de contrato de adhesión (PROFECO): no se cobra el servicio mientras el equipo del proveedor en el domicilio está en reparación';

/**
 * What is not charged for the days the provider's equipment at the home was under repair: the
 * proportional price of the period, priced as a failure's time is (split at cut-offs, whole minutes,
 * rounded once), without a bonus — the source asks only that those days not be charged.
 */
export function repairCreditFor(input: RepairCreditInput): RepairCredit {
  const { monthlyPriceCentavos, cutoffDay, timeZone } = input;
  assertAmount(monthlyPriceCentavos, CODE, 'monthlyPriceCentavos');
  assertWholeNumber(cutoffDay, 1, 31, CODE, 'cutoffDay');
  assertZone(timeZone);
  const fromInstant = instantOf(input.from, CODE, 'from');
  const toInstant = instantOf(input.to, CODE, 'to');
  if (Temporal.Instant.compare(toInstant, fromInstant) <= 0) {
    throw invalid(CODE, 'to', 'the repair must end after it started');
  }
  if (toInstant.epochMilliseconds - fromInstant.epochMilliseconds > MAX_OUTAGE_DAYS * 86_400_000) {
    throw invalid(CODE, 'to', `a repair of more than ${MAX_OUTAGE_DAYS} days is not plausible`);
  }
  const from = toMinute(fromInstant, false);
  const to = toMinute(toInstant, true);
  const parts = partsOf(from, to, cutoffDay, timeZone, BigInt(monthlyPriceCentavos));
  const proportional = parts.reduce((sum, part) => add(sum, part.value), ZERO);
  const totalCentavos = roundHalfUp(proportional);
  const shown = parts.map(({ value: _value, ...part }) => part);
  const terms = shown.map(
    (part) =>
      `${formatDuration(part.minutes)} en reparación × ${formatMxn(monthlyPriceCentavos)} / ${part.periodDays * 24} h`,
  );
  const formula = terms.length === 1 ? terms[0] : `(${terms.join(' + ')})`;
  return {
    affectedMinutes: minutesBetween(from, to),
    parts: shown,
    proportional: toFraction(proportional),
    totalCentavos,
    explanation: `Equipo en reparación: ${formula} = ${formatMxn(totalCentavos)}`,
    source: REPAIR_SOURCE,
  };
}
