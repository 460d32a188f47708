import { and, asc, desc, eq, gte, inArray, lt, sql } from 'drizzle-orm';
import { Temporal } from 'temporal-polyfill';
import type { z } from 'zod';
import { parseFolio } from '../cases/folio.ts';
import type { Db, Tx } from '../db/database.ts';
import { cases, customers, ledgerEntries, services } from '../db/schema.ts';
import type { LedgerKind } from '../domain/vocabulary.ts';
import { appendEvent, type EventActor } from '../events/events.service.ts';
import { AppError } from '../http/errors.ts';
import type { PostLedgerEntryRequest } from './accounts.schema.ts';
import { serviceNotFound } from './accounts.service.ts';
import {
  type AccountStatement,
  accountStatement,
  type LedgerEntryRow,
  postLedgerEntries,
} from './ledger.service.ts';
import type { LedgerCsvLine } from './ledger-csv.ts';
import { startOfDayIn } from './provider-today.ts';

export type LedgerEntryWithFolio = LedgerEntryRow & { caseFolio: string | null };

async function withFolios(tx: Tx, rows: LedgerEntryRow[]): Promise<LedgerEntryWithFolio[]> {
  const caseIds = [...new Set(rows.flatMap((r) => (r.caseId ? [r.caseId] : [])))];
  const folios = caseIds.length
    ? await tx.select({ id: cases.id, folio: cases.folio }).from(cases).where(inArray(cases.id, caseIds))
    : [];
  const folioOf = new Map(folios.map((c) => [c.id, c.folio]));
  return rows.map((r) => ({ ...r, caseFolio: r.caseId ? (folioOf.get(r.caseId) ?? null) : null }));
}

async function assertService(tx: Tx, id: string) {
  const [row] = await tx.select().from(services).where(eq(services.id, id));
  if (!row) throw serviceNotFound();
  return row;
}

/** A cursor names the last entry of a page by its place in the order: effective date, then id. */
const cursorOf = (row: LedgerEntryRow) => `${row.effectiveDate}.${row.id}`;

/** A service's entries, newest effective date first (later-posted first within a day), a page at a time. */
export async function listLedger(
  tx: Tx,
  serviceId: string,
  page: { cursor?: string; limit: number },
): Promise<{ entries: LedgerEntryWithFolio[]; nextCursor: string | null }> {
  await assertService(tx, serviceId);
  const conditions = [eq(ledgerEntries.serviceId, serviceId)];
  if (page.cursor) {
    const [date = '', id = '0'] = page.cursor.split('.');
    conditions.push(
      sql`(${ledgerEntries.effectiveDate}, ${ledgerEntries.id}) < (${date}::date, ${id}::bigint)`,
    );
  }
  const rows = await tx
    .select()
    .from(ledgerEntries)
    .where(and(...conditions))
    .orderBy(desc(ledgerEntries.effectiveDate), desc(ledgerEntries.id))
    .limit(page.limit + 1);
  const more = rows.length > page.limit;
  const shown = more ? rows.slice(0, page.limit) : rows;
  const last = shown.at(-1);
  return { entries: await withFolios(tx, shown), nextCursor: more && last ? cursorOf(last) : null };
}

export async function statementOf(
  tx: Tx,
  serviceId: string,
  today: string,
): Promise<AccountStatement & { movements: LedgerEntryWithFolio[] }> {
  const statement = await accountStatement(tx, serviceId, today);
  return { ...statement, movements: await withFolios(tx, statement.movements) };
}

/** How far from today a hand-posted entry may take effect: a year either way covers any real correction. */
const MAX_DAYS_FROM_TODAY = 366;

/**
 * A supervisor's cargo, bonificación, reembolso or ajuste on a service, with the case it is for and the
 * entry it corrects when it corrects one. The amount's sign is the ledger's, checked against the kind.
 */
export async function postManualEntry(
  db: Db,
  serviceId: string,
  input: z.output<typeof PostLedgerEntryRequest>,
  actor: EventActor,
  today: string,
  now: Date,
): Promise<LedgerEntryWithFolio> {
  const days = Temporal.PlainDate.from(today).until(Temporal.PlainDate.from(input.effectiveDate)).days;
  if (Math.abs(days) > MAX_DAYS_FROM_TODAY) {
    throw new AppError('ledger.effective_date', {
      status: 422,
      field: 'effectiveDate',
      detail: `Must be within ${MAX_DAYS_FROM_TODAY} days of today (${today})`,
    });
  }
  return db.transaction(async (tx) => {
    const [service] = await tx.select().from(services).where(eq(services.id, serviceId)).for('share');
    if (!service) throw serviceNotFound();
    let caseId: string | null = null;
    const caseFolio = input.caseFolio ? parseFolio(input.caseFolio, 'caseFolio').folio : null;
    if (caseFolio) {
      const [kase] = await tx
        .select({ id: cases.id, customerId: cases.customerId })
        .from(cases)
        .where(eq(cases.folio, caseFolio));
      if (!kase || kase.customerId !== service.customerId) {
        throw new AppError('ledger.case_not_of_customer', {
          status: 422,
          field: 'caseFolio',
          detail: 'No case with that folio for this service’s customer',
        });
      }
      caseId = kase.id;
    }
    if (input.correctsId != null) {
      const [corrected] = await tx
        .select({ id: ledgerEntries.id })
        .from(ledgerEntries)
        .where(and(eq(ledgerEntries.id, input.correctsId), eq(ledgerEntries.serviceId, serviceId)));
      if (!corrected) {
        throw new AppError('ledger.corrects_unknown', {
          status: 422,
          field: 'correctsId',
          detail: 'No entry with that id on this service',
        });
      }
    }
    const [entry] = await postLedgerEntries(
      tx,
      [
        {
          serviceId,
          kind: input.kind,
          amountCentavos: input.amountCentavos,
          effectiveDate: input.effectiveDate,
          reference: input.reference ?? null,
          caseId,
          correctsId: input.correctsId ?? null,
          note: input.note ?? null,
        },
      ],
      actor,
      now,
    );
    // Only a source key can make the insert skip a row, and a hand-posted entry has none.
    if (!entry) throw new Error('a ledger entry without source key was not inserted');
    await appendEvent(
      tx,
      {
        kind: 'ledger_entry_posted',
        actor,
        subject: { kind: 'service', id: serviceId },
        customerId: service.customerId,
        ...(caseId ? { caseId } : {}),
        after: {
          entryId: entry.id,
          kind: entry.kind,
          amountCentavos: entry.amountCentavos,
          effectiveDate: entry.effectiveDate,
          correctsId: entry.correctsId,
        },
      },
      now,
    );
    return { ...entry, caseFolio };
  });
}

/**
 * Entries of the kinds asked for that were posted within the period (days in the provider's time zone,
 * both included), in posting order. A period is chosen by posting day, not effective date, so an entry
 * dated back into a period already exported shows up in the next export instead of changing a file the
 * billing system has already taken in.
 */
export async function ledgerForExport(
  tx: Tx,
  query: { from: string; to: string; kinds: readonly LedgerKind[]; timeZone: string },
): Promise<LedgerCsvLine[]> {
  const to = Temporal.PlainDate.from(query.to).add({ days: 1 }).toString();
  return tx
    .select({
      id: ledgerEntries.id,
      account: customers.accountNumber,
      externalRef: services.externalRef,
      kind: ledgerEntries.kind,
      amountCentavos: ledgerEntries.amountCentavos,
      effectiveDate: ledgerEntries.effectiveDate,
      postedAt: ledgerEntries.createdAt,
      reference: ledgerEntries.reference,
      caseFolio: cases.folio,
    })
    .from(ledgerEntries)
    .innerJoin(services, eq(services.id, ledgerEntries.serviceId))
    .innerJoin(customers, eq(customers.id, services.customerId))
    .leftJoin(cases, eq(cases.id, ledgerEntries.caseId))
    .where(
      and(
        gte(ledgerEntries.createdAt, startOfDayIn(query.timeZone, query.from)),
        lt(ledgerEntries.createdAt, startOfDayIn(query.timeZone, to)),
        inArray(ledgerEntries.kind, [...query.kinds]),
      ),
    )
    .orderBy(asc(ledgerEntries.createdAt), asc(ledgerEntries.id));
}
