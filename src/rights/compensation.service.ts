import { eq } from 'drizzle-orm';
import { assertSystemMay, systemActor } from '../auth/system-rules.ts';
import type { Tx } from '../db/database.ts';
import { plans, services } from '../db/schema.ts';
import { appendEvent } from '../events/events.service.ts';
import type { ProviderSettings } from '../settings/settings.service.ts';
import { compensationFor } from './compensation.ts';
import { type CompensationDeps, type ProposalOutcome, proposeCompensation } from './compensations.service.ts';
import { rational, roundHalfUp } from './rational.ts';
import { rightsSettings } from './rights-settings.ts';

/** The resolved failure, as the case row holds it after its instants were recorded. */
export interface ResolvedFailure {
  id: string;
  folio: string;
  customerId: string;
  serviceId: string | null;
  /** The report: a failure's start when none earlier is known. */
  createdAt: Date;
  failureStartedAt: Date | null;
  serviceRestoredAt: Date;
  causeCode: string;
}

/** Why a credit owed was not posted, as `compensation_not_posted` records it. */
type NotPosted = 'sin_servicio' | 'sin_plan' | 'ya_aplicada';

/** The case's service, else the customer's only one: a customer with several must have it named. */
async function serviceOf(tx: Tx, kase: ResolvedFailure) {
  const query = tx
    .select({ id: services.id, cutoffDay: services.cutoffDay, price: plans.monthlyPriceCentavos })
    .from(services)
    .leftJoin(plans, eq(plans.id, services.planId));
  if (kase.serviceId) return (await query.where(eq(services.id, kase.serviceId)))[0];
  const all = await query.where(eq(services.customerId, kase.customerId)).limit(2);
  return all.length === 1 ? all[0] : undefined;
}

/**
 * Proposes the bonificación a resolved failure owes (see `compensationFor`), in the resolution's
 * transaction: applied at once, up to the automatic amount, as one ledger entry effective at the service's
 * next cut-off; above it, left for a supervisor. One per case, ever: a case reopened and resolved again
 * keeps the first even when its instants changed since, and the new computation is recorded
 * (`ya_aplicada`) for a person to adjust by hand — an automatic rule never reverses money already
 * announced to the customer. Returns the outcome only when this call proposed it.
 */
export async function creditCompensation(
  deps: CompensationDeps,
  tx: Tx,
  settings: ProviderSettings,
  kase: ResolvedFailure,
  now: Date,
): Promise<ProposalOutcome | undefined> {
  const reportedAt = kase.createdAt;
  const startedAt = kase.failureStartedAt ?? reportedAt;
  // No time without service, nothing to price.
  if (kase.serviceRestoredAt <= startedAt) return undefined;
  const actor = systemActor('bonificacion_automatica');
  assertSystemMay(actor, { kind: 'ledger.credit' });
  const service = await serviceOf(tx, kase);
  const notPosted = (reason: NotPosted, details: Record<string, unknown> = {}) =>
    appendEvent(
      tx,
      { kind: 'compensation_not_posted', actor, caseId: kase.id, after: { ...details, reason } },
      now,
    );
  const { compensation: rules } = rightsSettings(settings);
  const price = service?.price;
  // Without a service or a price, whether anything is owed cannot be known: say so only for the causes
  // that could owe one.
  if (!service || price === null || price === undefined) {
    if (kase.causeCode === 'atribuible_proveedor' || kase.causeCode === 'fuerza_mayor') {
      await notPosted(service ? 'sin_plan' : 'sin_servicio');
    }
    return undefined;
  }
  const result = compensationFor({
    monthlyPriceCentavos: price,
    cutoffDay: service.cutoffDay,
    timeZone: settings.provider.timeZone,
    failureStartedAt: startedAt.toISOString(),
    reportedAt: reportedAt.toISOString(),
    restoredAt: kase.serviceRestoredAt.toISOString(),
    cause: kase.causeCode,
    settings: rules,
  });
  if (!result.owed || result.totalCentavos === 0) return undefined;

  const formula = {
    reason: result.reason,
    serviceId: service.id,
    monthlyPriceCentavos: price,
    affectedMinutes: result.affectedMinutes,
    parts: result.parts.map((p) => ({ periodDays: p.periodDays, minutes: p.minutes })),
    bonusPercent: result.bonusPercent,
    totalCentavos: result.totalCentavos,
    explanation: result.explanation,
  };
  // The total is rounded once; the split only tells the supervisor which part is the bonus.
  const creditCentavos = Math.min(
    roundHalfUp(rational(BigInt(result.proportional.numerator), BigInt(result.proportional.denominator))),
    result.totalCentavos,
  );
  const outcome = await proposeCompensation(
    deps,
    tx,
    {
      caseId: kase.id,
      serviceId: service.id,
      kind: 'falla',
      creditCentavos,
      refundCentavos: 0,
      bonusCentavos: result.totalCentavos - creditCentavos,
      formula,
      explanation: result.explanation,
    },
    actor,
    now,
  );
  if (!outcome.created || (outcome.status === 'aplicada' && !outcome.posted)) {
    await notPosted('ya_aplicada', formula);
    return undefined;
  }
  return outcome;
}
