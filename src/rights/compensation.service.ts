import { eq } from 'drizzle-orm';
import { nextCutoff } from '../accounts/billing-cycle.ts';
import { postLedgerEntries } from '../accounts/ledger.service.ts';
import { formatMxn } from '../accounts/money.ts';
import { formatPlainDateEs } from '../accounts/payment-rules.ts';
import { plainDateIn } from '../accounts/provider-today.ts';
import { assertSystemMay, systemActor } from '../auth/system-rules.ts';
import type { Tx } from '../db/database.ts';
import { plans, services } from '../db/schema.ts';
import { appendEvent } from '../events/events.service.ts';
import type { ProviderSettings } from '../settings/settings.service.ts';
import { compensationFor } from './compensation.ts';
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

/** What the resolution notice tells the customer of a credit posted with it. */
export interface PostedCompensation {
  totalCentavos: number;
  effectiveDate: string;
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
 * Credits the bonificación a resolved failure owes (see `compensationFor`), in the resolution's
 * transaction, as one ledger entry effective at the service's next cut-off. One credit per case, ever: a
 * case reopened and resolved again keeps the first credit even when its instants changed since, and the
 * new computation is recorded (`ya_aplicada`) for a person to adjust by hand — an automatic rule never
 * reverses money already announced to the customer. Returns the credit only when this call posted it.
 */
export async function creditCompensation(
  tx: Tx,
  settings: ProviderSettings,
  kase: ResolvedFailure,
  now: Date,
): Promise<PostedCompensation | undefined> {
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

  const effectiveDate = nextCutoff(service.cutoffDay, plainDateIn(settings.provider.timeZone, now));
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
  const [entry] = await postLedgerEntries(
    tx,
    [
      {
        serviceId: service.id,
        kind: 'bonificacion',
        amountCentavos: -result.totalCentavos,
        effectiveDate,
        reference: kase.folio,
        caseId: kase.id,
        sourceKey: `compensation:${kase.id}`,
        note: result.explanation,
      },
    ],
    actor,
    now,
  );
  if (!entry) {
    await notPosted('ya_aplicada', formula);
    return undefined;
  }
  await appendEvent(
    tx,
    {
      kind: 'compensation_posted',
      actor,
      caseId: kase.id,
      after: { ...formula, effectiveDate, ledgerEntryId: entry.id },
    },
    now,
  );
  return { totalCentavos: result.totalCentavos, effectiveDate };
}

/** The sentence a resolution notice's `{bonificacion}` adds: empty when no credit was posted with it. */
export const compensationSentence = (credit: PostedCompensation | undefined): string =>
  credit
    ? ` Se aplicará una bonificación de ${formatMxn(credit.totalCentavos)} en la próxima fecha de corte (${formatPlainDateEs(credit.effectiveDate)}).`
    : '';
