import { and, desc, eq, inArray, lte, sql } from 'drizzle-orm';
import type { Tx } from '../db/database.ts';
import { ledgerEntries, services } from '../db/schema.ts';
import type { LedgerKind } from '../domain/vocabulary.ts';
import type { EventActor } from '../events/events.service.ts';
import { AppError } from '../http/errors.ts';
import { type AmountDue, assertSignForKind, dueFromTotals, nextCutoff } from './billing-cycle.ts';

export type LedgerEntryRow = typeof ledgerEntries.$inferSelect;

export interface NewLedgerEntry {
  serviceId: string;
  kind: LedgerKind;
  /** Signed: positive means the customer owes more (see `LEDGER_SIGNS`). */
  amountCentavos: number;
  effectiveDate: string;
  reference?: string | null;
  caseId?: string | null;
  correctsId?: number | null;
  /** The source line this entry is for (an import row, a payment): posting it twice posts it once. */
  sourceKey?: string | null;
  note?: string | null;
}

/**
 * Appends entries to services' ledgers, in the caller's transaction. An entry whose source key is already
 * posted is not posted again (a re-import, a retried job): the returned list holds only what was new.
 */
export async function postLedgerEntries(
  tx: Tx,
  entries: NewLedgerEntry[],
  actor: EventActor,
  at?: Date,
): Promise<LedgerEntryRow[]> {
  if (entries.length === 0) return [];
  for (const e of entries) assertSignForKind(e.kind, e.amountCentavos);
  return tx
    .insert(ledgerEntries)
    .values(
      entries.map((e) => ({
        serviceId: e.serviceId,
        kind: e.kind,
        amountCentavos: e.amountCentavos,
        effectiveDate: e.effectiveDate,
        reference: e.reference ?? null,
        caseId: e.caseId ?? null,
        correctsId: e.correctsId ?? null,
        sourceKey: e.sourceKey ?? null,
        note: e.note ?? null,
        actorKind: actor.kind,
        actorAgentId: actor.kind === 'agente' ? actor.agentId : null,
        actorRule: actor.kind === 'sistema' ? actor.rule : null,
        ...(at ? { createdAt: at } : {}),
      })),
    )
    .onConflictDoNothing({ target: ledgerEntries.sourceKey })
    .returning();
}

/** Balances of services as of a date (entries effective up to it), summed by the database. */
export async function balancesOf(tx: Tx, serviceIds: string[], asOf: string): Promise<Map<string, number>> {
  const result = new Map(serviceIds.map((id) => [id, 0]));
  if (serviceIds.length === 0) return result;
  const rows = await tx
    .select({
      serviceId: ledgerEntries.serviceId,
      balance: sql<string>`coalesce(sum(${ledgerEntries.amountCentavos}), 0)::text`,
    })
    .from(ledgerEntries)
    .where(and(inArray(ledgerEntries.serviceId, serviceIds), lte(ledgerEntries.effectiveDate, asOf)))
    .groupBy(ledgerEntries.serviceId);
  for (const row of rows) result.set(row.serviceId, Number(row.balance));
  return result;
}

export interface AccountStatement extends AmountDue {
  serviceId: string;
  cutoffDay: number;
  /** The latest movements, newest first. */
  movements: LedgerEntryRow[];
}

/**
 * What a balance inquiry answers for one service: balance today, the next cut-off and what is due by it
 * (from the database's sums up to each date), and the latest movements.
 */
export async function accountStatement(
  tx: Tx,
  serviceId: string,
  today: string,
  movementsLimit = 10,
): Promise<AccountStatement> {
  const [service] = await tx
    .select({ cutoffDay: services.cutoffDay })
    .from(services)
    .where(eq(services.id, serviceId));
  if (!service) throw new AppError('service.not_found', { status: 404, detail: 'No such service' });
  const cutoff = nextCutoff(service.cutoffDay, today);
  const totals = await balancesOf(tx, [serviceId], today);
  const atCutoff = await balancesOf(tx, [serviceId], cutoff);
  const statement = dueFromTotals(totals.get(serviceId) ?? 0, atCutoff.get(serviceId) ?? 0, cutoff);
  const movements = await tx
    .select()
    .from(ledgerEntries)
    .where(eq(ledgerEntries.serviceId, serviceId))
    .orderBy(desc(ledgerEntries.effectiveDate), desc(ledgerEntries.id))
    .limit(movementsLimit);
  return { ...statement, serviceId, cutoffDay: service.cutoffDay, movements };
}
