import { and, desc, eq, inArray, lte, sql } from 'drizzle-orm';
import { queryRows, type Tx } from '../db/database.ts';
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
  await assertChargesAllowed(tx, entries);
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

interface ChargeLimits {
  service_id: string;
  /** The effective date of the service's standing or carried-out contract cancellation: its last day of charges. */
  cancelled_after: string | null;
  /** Every theft or loss suspension, as provider-zone days [from, to); `to` null while it lasts. */
  stolen: Array<{ from: string; to: string | null }>;
}

/**
 * What the rules below treat as a charge: a `cargo`, or an `ajuste` that raises what the customer owes
 * (a correction upwards bills as much as a charge). Credits, payments, refunds and downward adjustments
 * settle the final balance and always go through.
 */
const isCharge = (e: Pick<NewLedgerEntry, 'kind' | 'amountCentavos'>) =>
  e.kind === 'cargo' || (e.kind === 'ajuste' && e.amountCentavos > 0);

/**
 * Why each refused charge of `entries` may not be posted (422 on `effectiveDate`), keyed by the entry: a
 * charge dated after a contract cancellation's effective date (Carta item 9: nothing is billed after it;
 * an add-on's cancellation leaves the service billed, since the ledger cannot tell the add-on's charges
 * apart), or dated within any theft-or-loss suspension, from the day it started up to the day before it
 * ended, in the provider's zone (Carta item 35: no charges for those days, even posted later). One query
 * for the whole batch, whatever its size, with the services passed as one array parameter.
 */
export async function refusedCharges(
  tx: Tx,
  entries: readonly NewLedgerEntry[],
): Promise<Map<NewLedgerEntry, AppError>> {
  const refused = new Map<NewLedgerEntry, AppError>();
  const charges = entries.filter(isCharge);
  const charged = [...new Set(charges.map((e) => e.serviceId))];
  if (charged.length === 0) return refused;
  const limits = await queryRows<ChargeLimits>(
    tx,
    sql`with zone as (select p.settings->'provider'->>'timeZone' as name from provider_settings p where p.id = 1)
      select s.id as service_id,
        (select min(c.effective_date)::text from cancellations c
          where c.service_id = s.id and c.scope = 'contrato'
            and c.status in ('en_curso', 'efectuada')) as cancelled_after,
        coalesce((select json_agg(json_build_object(
              'from', (x.started_at at time zone zone.name)::date::text,
              'to', (x.ended_at at time zone zone.name)::date::text))
            from service_suspensions x
            where x.service_id = s.id and x.reason = 'robo_o_extravio'), '[]'::json) as stolen
      from services s left join zone on true where s.id = any(${`{${charged.join(',')}}`}::uuid[])`,
  );
  const byService = new Map(limits.map((l) => [l.service_id, l]));
  for (const e of charges) {
    const limit = byService.get(e.serviceId);
    if (limit?.cancelled_after && e.effectiveDate > limit.cancelled_after) {
      refused.set(
        e,
        new AppError('ledger.after_cancellation', {
          status: 422,
          field: 'effectiveDate',
          detail: `The service was cancelled effective ${limit.cancelled_after}; nothing may be charged after it`,
          extra: { serviceId: e.serviceId, cancellationEffectiveDate: limit.cancelled_after },
        }),
      );
      continue;
    }
    const period = limit?.stolen.find(
      (p) => e.effectiveDate >= p.from && (p.to === null || e.effectiveDate < p.to),
    );
    if (period) {
      refused.set(
        e,
        new AppError('ledger.after_theft_suspension', {
          status: 422,
          field: 'effectiveDate',
          detail: period.to
            ? `The service was suspended for theft or loss from ${period.from} until ${period.to}; nothing may be charged for those days`
            : `The service is suspended for theft or loss since ${period.from}; nothing may be charged from that day`,
          extra: { serviceId: e.serviceId, suspendedOn: period.from, resumedOn: period.to },
        }),
      );
    }
  }
  return refused;
}

/** Throws the first refusal of `refusedCharges`: a batch is posted whole or not at all. */
async function assertChargesAllowed(tx: Tx, entries: NewLedgerEntry[]): Promise<void> {
  const [first] = (await refusedCharges(tx, entries)).values();
  if (first) throw first;
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
