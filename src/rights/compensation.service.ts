import { and, eq, inArray, or } from 'drizzle-orm';
import { postLedgerEntries } from '../accounts/ledger.service.ts';
import { assertSystemMay, systemActor } from '../auth/system-rules.ts';
import type { Tx } from '../db/database.ts';
import { cases, compensations, plans, services } from '../db/schema.ts';
import { appendEvents, type NewEvent } from '../events/events.service.ts';
import type { ProviderSettings } from '../settings/settings.service.ts';
import { compensationFor } from './compensation.ts';
import {
  type CompensationProposal,
  compensationEntries,
  effectiveDateOf,
  isAutomatic,
  type ProposalOutcome,
  postedEvent,
  postedOutcome,
  proposalTotal,
  proposedEvent,
} from './compensations.service.ts';
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
  /** The outage it was linked to: its period is paid once per service, whoever reported it. */
  incidentId?: string | null;
}

/** Why a credit owed was not posted, as `compensation_not_posted` records it. */
type NotPosted = 'sin_servicio' | 'sin_plan' | 'ya_aplicada' | 'incidente_ya_compensado';

interface PricedService {
  id: string;
  customerId: string;
  cutoffDay: number;
  price: number | null;
}

/** The services the cases may be credited on: each one's named service, else its customer's. */
async function servicesOf(tx: Tx, kases: ResolvedFailure[]): Promise<PricedService[]> {
  const named = [...new Set(kases.flatMap((k) => (k.serviceId ? [k.serviceId] : [])))];
  const unnamed = [...new Set(kases.filter((k) => !k.serviceId).map((k) => k.customerId))];
  if (named.length === 0 && unnamed.length === 0) return [];
  return tx
    .select({
      id: services.id,
      customerId: services.customerId,
      cutoffDay: services.cutoffDay,
      price: plans.monthlyPriceCentavos,
    })
    .from(services)
    .leftJoin(plans, eq(plans.id, services.planId))
    .where(
      or(
        named.length > 0 ? inArray(services.id, named) : undefined,
        unnamed.length > 0 ? inArray(services.customerId, unnamed) : undefined,
      ),
    );
}

/** The case's service, else the customer's only one: a customer with several must have it named. */
function serviceOf(kase: ResolvedFailure, found: PricedService[]) {
  if (kase.serviceId) return found.find((s) => s.id === kase.serviceId);
  const all = found.filter((s) => s.customerId === kase.customerId);
  return all.length === 1 ? all[0] : undefined;
}

/** The falla compensations already recorded for the cases' outages and services, as `incident:service` → cases. */
async function paidPerIncident(tx: Tx, kases: ResolvedFailure[], serviceIds: string[]) {
  const incidentIds = [...new Set(kases.flatMap((k) => (k.incidentId ? [k.incidentId] : [])))];
  const paid = new Map<string, Set<string>>();
  if (incidentIds.length === 0 || serviceIds.length === 0) return paid;
  const rows = await tx
    .select({ caseId: cases.id, incidentId: cases.incidentId, serviceId: compensations.serviceId })
    .from(compensations)
    .innerJoin(cases, eq(cases.id, compensations.caseId))
    .where(
      and(
        eq(compensations.kind, 'falla'),
        inArray(cases.incidentId, incidentIds),
        inArray(compensations.serviceId, serviceIds),
      ),
    );
  for (const row of rows) {
    const key = `${row.incidentId}:${row.serviceId}`;
    paid.set(key, (paid.get(key) ?? new Set()).add(row.caseId));
  }
  return paid;
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
  tx: Tx,
  settings: ProviderSettings,
  kase: ResolvedFailure,
  now: Date,
): Promise<ProposalOutcome | undefined> {
  return (await creditCompensations(tx, settings, [kase], now)).get(kase.id);
}

/**
 * `creditCompensation` for many resolved failures at once (an outage's restoration), in a few statements:
 * the same decisions, rows, ledger entries and events, case by case in the given order. Returns the
 * outcome of each case this call proposed one for.
 */
export async function creditCompensations(
  tx: Tx,
  settings: ProviderSettings,
  kases: ResolvedFailure[],
  now: Date,
): Promise<Map<string, ProposalOutcome>> {
  const outcomes = new Map<string, ProposalOutcome>();
  // No time without service, nothing to price.
  const priced = kases.filter((k) => k.serviceRestoredAt > (k.failureStartedAt ?? k.createdAt));
  if (priced.length === 0) return outcomes;
  const actor = systemActor('bonificacion_automatica');
  assertSystemMay(actor, { kind: 'ledger.credit' });
  const found = await servicesOf(tx, priced);
  const paid = await paidPerIncident(
    tx,
    priced,
    found.map((s) => s.id),
  );
  const existing = new Set(
    (
      await tx
        .select({ caseId: compensations.caseId })
        .from(compensations)
        .where(
          and(
            eq(compensations.kind, 'falla'),
            inArray(
              compensations.caseId,
              priced.map((k) => k.id),
            ),
          ),
        )
    ).map((row) => row.caseId),
  );
  const { compensation: rules } = rightsSettings(settings);
  // Each case's events, written together at the end in the order of the cases.
  const eventsOf = new Map<string, NewEvent[]>();
  const say = (caseId: string, event: NewEvent) =>
    eventsOf.set(caseId, [...(eventsOf.get(caseId) ?? []), event]);
  const notPosted = (caseId: string, reason: NotPosted, details: Record<string, unknown> = {}): NewEvent => ({
    kind: 'compensation_not_posted',
    actor,
    caseId,
    after: { ...details, reason },
  });
  const proposals: Array<{ kase: ResolvedFailure; proposal: CompensationProposal; cutoffDay: number }> = [];
  for (const kase of priced) {
    const reportedAt = kase.createdAt;
    const startedAt = kase.failureStartedAt ?? reportedAt;
    const service = serviceOf(kase, found);
    const price = service?.price;
    // Without a service or a price, whether anything is owed cannot be known: say so only for the causes
    // that could owe one.
    if (!service || price === null || price === undefined) {
      if (kase.causeCode === 'atribuible_proveedor' || kase.causeCode === 'fuerza_mayor') {
        say(kase.id, notPosted(kase.id, service ? 'sin_plan' : 'sin_servicio'));
      }
      continue;
    }
    // Two reports of one outage for one service (the holder on WhatsApp, someone on the portal naming the
    // account) are one loss: the first resolved is credited, the other says so.
    const key = `${kase.incidentId}:${service.id}`;
    if (kase.incidentId && [...(paid.get(key) ?? [])].some((id) => id !== kase.id)) {
      say(kase.id, notPosted(kase.id, 'incidente_ya_compensado'));
      continue;
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
    if (!result.owed || result.totalCentavos === 0) continue;
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
    // A case reopened and resolved again keeps its first compensation: the new computation is recorded.
    if (existing.has(kase.id)) {
      say(kase.id, notPosted(kase.id, 'ya_aplicada', formula));
      continue;
    }
    // The total is rounded once; the split only tells the supervisor which part is the bonus.
    const creditCentavos = Math.min(
      roundHalfUp(rational(BigInt(result.proportional.numerator), BigInt(result.proportional.denominator))),
      result.totalCentavos,
    );
    proposals.push({
      kase,
      cutoffDay: service.cutoffDay,
      proposal: {
        caseId: kase.id,
        serviceId: service.id,
        kind: 'falla',
        creditCentavos,
        refundCentavos: 0,
        bonusCentavos: result.totalCentavos - creditCentavos,
        formula,
        explanation: result.explanation,
      },
    });
    if (kase.incidentId) paid.set(key, (paid.get(key) ?? new Set()).add(kase.id));
  }
  if (proposals.length > 0) {
    const rows = await tx
      .insert(compensations)
      .values(
        proposals.map(({ proposal, cutoffDay }) => {
          const automatic = isAutomatic(settings, proposal);
          const computed = proposalTotal(proposal);
          return {
            caseId: proposal.caseId,
            serviceId: proposal.serviceId,
            kind: proposal.kind,
            status: automatic ? ('aplicada' as const) : ('por_aprobar' as const),
            computedCentavos: computed,
            refundCentavos: proposal.refundCentavos,
            bonusCentavos: proposal.bonusCentavos,
            formula: proposal.formula,
            explanation: proposal.explanation,
            createdAt: now,
            ...(automatic
              ? {
                  appliedCentavos: computed,
                  decidedAt: now,
                  effectiveDate: effectiveDateOf(settings, proposal, cutoffDay, now),
                }
              : {}),
          };
        }),
      )
      .onConflictDoNothing({ target: [compensations.caseId, compensations.kind] })
      .returning();
    const rowOf = new Map(rows.map((row) => [row.caseId, row]));
    const folioOf = new Map(proposals.map(({ kase }) => [kase.id, kase.folio]));
    const entries = rows.flatMap((row) =>
      row.status === 'aplicada' && row.effectiveDate
        ? compensationEntries(row, row.computedCentavos, row.effectiveDate, folioOf.get(row.caseId) ?? null)
        : [],
    );
    const postedOf = new Map<string, Array<{ id: number }>>();
    for (const entry of await postLedgerEntries(tx, entries, actor, now)) {
      if (entry.caseId) postedOf.set(entry.caseId, [...(postedOf.get(entry.caseId) ?? []), entry]);
    }
    for (const { kase, proposal } of proposals) {
      const row = rowOf.get(kase.id);
      if (!row) {
        say(kase.id, notPosted(kase.id, 'ya_aplicada', proposal.formula));
        continue;
      }
      const automatic = row.status === 'aplicada';
      say(kase.id, proposedEvent(row, proposal, automatic, actor));
      if (!automatic) {
        outcomes.set(kase.id, { id: row.id, status: 'por_aprobar', created: true });
        continue;
      }
      const posted = postedOf.get(kase.id) ?? [];
      const effectiveDate = row.effectiveDate as string;
      if (posted.length === 0) {
        say(kase.id, notPosted(kase.id, 'ya_aplicada', proposal.formula));
        continue;
      }
      say(kase.id, postedEvent(row, row.computedCentavos, effectiveDate, posted, actor));
      outcomes.set(kase.id, {
        id: row.id,
        status: 'aplicada',
        created: true,
        posted: postedOutcome(row, row.computedCentavos, effectiveDate),
      });
    }
  }
  await appendEvents(
    tx,
    priced.flatMap((k) => eventsOf.get(k.id) ?? []),
    now,
  );
  return outcomes;
}
