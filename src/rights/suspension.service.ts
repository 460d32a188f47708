import { and, desc, eq, gt, gte, inArray, lte, sql } from 'drizzle-orm';
import { previousCutoff } from '../accounts/billing-cycle.ts';
import { providerToday } from '../accounts/payment-rules.ts';
import type { Actor } from '../auth/actor.ts';
import { assertSystemMay } from '../auth/system-rules.ts';
import type { AppContext } from '../context.ts';
import type { Tx } from '../db/database.ts';
import { ledgerEntries, paymentPromises, services, suspensionNotices } from '../db/schema.ts';
import { agentActor, appendEvent, type EventActor } from '../events/events.service.ts';
import { AppError } from '../http/errors.ts';
import { servicesUnderConciliation } from './conciliation.service.ts';
import { suspendService } from './service-suspension.service.ts';
import {
  DEFAULT_SUSPENSION_SETTINGS,
  decideSuspension,
  type SuspensionDecision,
  type SuspensionFacts,
  type SuspensionSettings,
} from './suspension.ts';

export interface SuspensionProposal {
  serviceId: string;
  customerId: string;
  dueDate: string | null;
  amountOwedCentavos: number;
  decision: SuspensionDecision;
}

/**
 * What is still unpaid of the amounts due by a cut-off: the balance at that cut-off less what was paid or
 * credited since (charges since belong to a later period and are not due yet).
 */
const unpaidSince = (cutoff: string, today: string) =>
  sql<string>`coalesce(sum(${ledgerEntries.amountCentavos}) filter (where ${ledgerEntries.effectiveDate} <= ${cutoff}
    or (${ledgerEntries.amountCentavos} < 0 and ${ledgerEntries.effectiveDate} <= ${today})), 0)::text`;

/**
 * The due date of the oldest unpaid amount and what is past due. A cut-off date is the day the period's
 * amount is due by. Only the last two cut-offs are looked at: an amount older than that is more than a
 * month past due, far beyond any setting of days after the due date, so the older date changes nothing.
 */
async function pastDue(tx: Tx, serviceId: string, cutoffDay: number, today: string) {
  const last = previousCutoff(cutoffDay, today);
  const before = previousCutoff(cutoffDay, last);
  const [row] = await tx
    .select({ last: unpaidSince(last, today), before: unpaidSince(before, today) })
    .from(ledgerEntries)
    .where(eq(ledgerEntries.serviceId, serviceId));
  const owedAtLast = Number(row?.last ?? 0);
  const owedAtBefore = Number(row?.before ?? 0);
  const dueDate = owedAtBefore > 0 ? before : owedAtLast > 0 ? last : null;
  return { dueDate, amountOwedCentavos: Math.max(0, owedAtLast) };
}

/**
 * The active services (all, or `only` those) the non-payment rules would suspend today (`proposed`), and
 * those that owe but are held back, with the rules that held each. Only services owing something today
 * are looked at.
 */
export async function proposeSuspensions(
  deps: Pick<AppContext, 'db'>,
  today: string,
  settings: SuspensionSettings = DEFAULT_SUSPENSION_SETTINGS,
  only?: string[],
): Promise<{ proposed: SuspensionProposal[]; withheld: SuspensionProposal[] }> {
  const tx = deps.db;
  const owing = await tx
    .select({ id: services.id, customerId: services.customerId, cutoffDay: services.cutoffDay })
    .from(services)
    .innerJoin(ledgerEntries, eq(ledgerEntries.serviceId, services.id))
    .where(
      and(
        eq(services.status, 'activo'),
        lte(ledgerEntries.effectiveDate, today),
        only ? inArray(services.id, only) : undefined,
      ),
    )
    .groupBy(services.id, services.customerId, services.cutoffDay)
    .having(gt(sql`sum(${ledgerEntries.amountCentavos})`, 0))
    .orderBy(services.id);
  const ids = owing.map((s) => s.id);
  const underConciliation = await servicesUnderConciliation(tx, ids, today);
  const promises = new Map(
    ids.length === 0
      ? []
      : (
          await tx
            .select({ serviceId: paymentPromises.serviceId, promisedFor: paymentPromises.promisedFor })
            .from(paymentPromises)
            .where(and(inArray(paymentPromises.serviceId, ids), eq(paymentPromises.status, 'vigente')))
        ).map((p) => [p.serviceId, p.promisedFor]),
  );

  const proposed: SuspensionProposal[] = [];
  const withheld: SuspensionProposal[] = [];
  for (const service of owing) {
    const due = await pastDue(tx, service.id, service.cutoffDay, today);
    const [notice] =
      due.dueDate === null
        ? []
        : await tx
            .select({ outcome: suspensionNotices.outcome, on: suspensionNotices.noticedOn })
            .from(suspensionNotices)
            .where(
              and(
                eq(suspensionNotices.serviceId, service.id),
                gte(suspensionNotices.noticedOn, due.dueDate),
                lte(suspensionNotices.noticedOn, today),
              ),
            )
            .orderBy(desc(suspensionNotices.noticedOn))
            .limit(1);
    const facts: SuspensionFacts = {
      today,
      ...due,
      notice: notice ?? null,
      conciliationOpen: underConciliation.has(service.id),
      promiseInForceUntil: promises.get(service.id) ?? null,
      theftOrLoss: false,
    };
    const decision = decideSuspension(facts, settings);
    const proposal = { serviceId: service.id, customerId: service.customerId, ...due, decision };
    (decision.allowed ? proposed : withheld).push(proposal);
  }
  return { proposed, withheld };
}

/**
 * A supervisor's bulk confirmation, or the daily job's when suspensions are automatic: each service is
 * locked and decided again now (a payment, a promise or a conciliation may have come since the list was
 * shown); those the rules still allow are suspended for non-payment, each recorded with the rules that
 * allowed it. The rest are answered with the rules that refused them, or `no_propuesto` when they owe
 * nothing past due or are not active.
 */
export async function confirmSuspensions(
  deps: Pick<AppContext, 'db' | 'clock' | 'settings'>,
  serviceIds: string[],
  actor: Actor | EventActor,
  settings: SuspensionSettings = DEFAULT_SUSPENSION_SETTINGS,
) {
  const now = deps.clock.now();
  const by: EventActor = 'kind' in actor ? actor : agentActor(actor);
  if (by.kind === 'sistema') assertSystemMay(by, { kind: 'service.suspend' });
  return deps.db.transaction(async (tx) => {
    const ids = [...new Set(serviceIds)].sort();
    await tx.select({ id: services.id }).from(services).where(inArray(services.id, ids)).for('update');
    const today = providerToday((await deps.settings.current(tx)).settings, now);
    const { proposed, withheld } = await proposeSuspensions({ db: tx }, today, settings, ids);
    for (const proposal of proposed) {
      await suspendService(tx, {
        serviceId: proposal.serviceId,
        reason: 'falta_de_pago',
        actor: by,
        now,
        rules: proposal.decision.rules,
        details: { dueDate: proposal.dueDate, amountOwedCentavos: proposal.amountOwedCentavos },
      });
    }
    const considered = new Set([...proposed, ...withheld].map((p) => p.serviceId));
    return {
      suspended: proposed.map((p) => ({ serviceId: p.serviceId, rules: p.decision.rules })),
      refused: [
        ...withheld.map((p) => ({ serviceId: p.serviceId, rules: p.decision.rules as string[] })),
        ...ids
          .filter((id) => !considered.has(id))
          .map((serviceId) => ({ serviceId, rules: ['no_propuesto'] })),
      ],
    };
  });
}

/** The latest prior notices, newest first, for the supervisors' page beside the proposals. */
export const latestNotices = (db: Pick<AppContext, 'db'>['db'], limit = 50) =>
  db
    .select({
      id: suspensionNotices.id,
      serviceId: suspensionNotices.serviceId,
      customerId: services.customerId,
      outcome: suspensionNotices.outcome,
      noticedOn: suspensionNotices.noticedOn,
    })
    .from(suspensionNotices)
    .innerJoin(services, eq(services.id, suspensionNotices.serviceId))
    .orderBy(desc(suspensionNotices.noticedOn), desc(suspensionNotices.createdAt))
    .limit(limit);

/**
 * A prior notice the provider gave outside Atiende (printed on the bill, a call, a visit), recorded by a
 * supervisor with the day it was given and whether it reached the customer: the rules count it as they
 * count the daily job's.
 */
export async function recordNotice(
  deps: Pick<AppContext, 'db' | 'clock' | 'settings'>,
  serviceId: string,
  input: { noticedOn: string; outcome: 'entregado' | 'no_entregable' },
  actor: Actor,
) {
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    const [service] = await tx.select().from(services).where(eq(services.id, serviceId));
    if (!service) throw new AppError('service.not_found', { status: 404, detail: 'No such service' });
    const today = providerToday((await deps.settings.current(tx)).settings, now);
    if (input.noticedOn > today) {
      throw new AppError('suspension.notice_future', {
        status: 422,
        field: 'noticedOn',
        detail: `A notice cannot be dated after today (${today})`,
      });
    }
    const [notice] = await tx
      .insert(suspensionNotices)
      .values({ serviceId, outcome: input.outcome, noticedOn: input.noticedOn, createdAt: now })
      .returning();
    const row = notice as typeof suspensionNotices.$inferSelect;
    await appendEvent(
      tx,
      {
        kind: 'suspension_notice_recorded',
        actor: agentActor(actor),
        subject: { kind: 'service', id: serviceId },
        customerId: service.customerId,
        after: { noticeId: row.id, outcome: row.outcome, noticedOn: row.noticedOn },
      },
      now,
    );
    return {
      id: row.id,
      serviceId,
      customerId: service.customerId,
      outcome: row.outcome,
      noticedOn: row.noticedOn,
    };
  });
}
