import { createHash } from 'node:crypto';
import { and, eq, inArray, like, lt, or, sql } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { assertSystemMay } from '../../auth/system-rules.ts';
import type { Clock } from '../../clock.ts';
import { type Db, queryRows, type Tx } from '../../db/database.ts';
import {
  contactPoints,
  customerImports,
  customers,
  ledgerEntries,
  plans,
  services,
  zones,
} from '../../db/schema.ts';
import type { ServiceStatus } from '../../domain/vocabulary.ts';
import { appendEvent, type EventActor } from '../../events/events.service.ts';
import { AppError } from '../../http/errors.ts';
import { reconcileSuspensions } from '../../rights/service-suspension.service.ts';
import { type NewLedgerEntry, postLedgerEntries, refusedCharges } from '../ledger.service.ts';
import { plainDateIn } from '../provider-today.ts';
import { comparable } from './columns.ts';
import type { CsvDelimiter, CsvEncoding } from './csv.ts';
import { type CustomerImportRecord, type ImportProblem, readCustomersCsv } from './rows.ts';

/**
 * The customers import: a file from the provider's billing system taken in by account number, in
 * batches of set-based statements (one transaction each), so 100,000 rows cost a few hundred statements
 * and re-importing the same file changes nothing.
 */

export const IMPORT_BATCH_ROWS = 1_000;

/**
 * A batch of 1,000 rows takes about a second; a run that wrote none for this long lost its process (a
 * restart, a kill) and will never finish, so it is marked `fallida` rather than shown running forever.
 */
export const IMPORT_SILENCE_MS = 5 * 60_000;

/** Every run that went silent for longer than {@link IMPORT_SILENCE_MS} becomes `fallida`. */
export async function failInterruptedImports(db: Db | Tx, now: Date): Promise<number> {
  const failed = await db
    .update(customerImports)
    .set({ status: 'fallida', finishedAt: now })
    .where(
      and(
        eq(customerImports.status, 'en_curso'),
        lt(
          sql`coalesce(${customerImports.progressAt}, ${customerImports.startedAt})`,
          new Date(now.getTime() - IMPORT_SILENCE_MS),
        ),
      ),
    )
    .returning({ id: customerImports.id });
  return failed.length;
}

/**
 * A run another process marked `fallida` (it seemed silent; a second import may be running now) stops
 * at its next write instead of carrying on beside the other: the batch it was writing is rolled back.
 */
function assertStillRunning(updated: unknown[]): void {
  if (updated.length > 0) return;
  throw new AppError('import.interrupted', {
    status: 409,
    detail: 'The import was marked as failed while it ran; run it again.',
  });
}

// Serialises the check for a running import with the insert of a new one, across processes.
const IMPORT_START_LOCK = 4_242_017;

/** What happened to each row of the file; `rechazado` rows are in the problems. */
export const IMPORT_OUTCOMES = ['creado', 'actualizado', 'sin_cambios', 'rechazado'] as const;
export type ImportOutcome = (typeof IMPORT_OUTCOMES)[number];

export interface ImportCounts extends Record<ImportOutcome, number> {
  planes_nuevos: number;
  zonas_nuevas: number;
  /** Ledger entries posted for opening balances or their differences. */
  movimientos_de_saldo: number;
}

export interface ImportDeps {
  db: Db;
  clock: Clock;
  /** The provider's time zone: an opening balance is effective on its "today". */
  timeZone: string;
}

export interface ImportProgress {
  importId: string;
  processedRows: number;
  totalRows: number;
  rowsPerSecond: number;
  /** Null until a first batch gives a rate. */
  etaSeconds: number | null;
}

export interface ImportSummary extends ImportProgress {
  dryRun: boolean;
  encoding: CsvEncoding;
  delimiter: CsvDelimiter;
  ignoredHeaders: string[];
  counts: ImportCounts;
  problems: ImportProblem[];
  elapsedSeconds: number;
}

export interface ImportInput {
  bytes: Uint8Array;
  filename: string;
  dryRun: boolean;
  actor: EventActor;
  onProgress?: (progress: ImportProgress) => void;
}

export interface StartedImport {
  importId: string;
  totalRows: number;
  /** Runs the import to its end; a failure marks the import `fallida` and is rethrown. */
  run(): Promise<ImportSummary>;
}

/** Rate and time left of a run, from what it has done so far. */
export function progressOf(processed: number, total: number, elapsedMs: number) {
  const rowsPerSecond = elapsedMs > 0 ? Math.round((processed / elapsedMs) * 1000) : 0;
  const etaSeconds =
    processed >= total ? 0 : rowsPerSecond > 0 ? Math.ceil((total - processed) / rowsPerSecond) : null;
  return { rowsPerSecond, etaSeconds };
}

const emptyCounts = (): ImportCounts => ({
  creado: 0,
  actualizado: 0,
  sin_cambios: 0,
  rechazado: 0,
  planes_nuevos: 0,
  zonas_nuevas: 0,
  movimientos_de_saldo: 0,
});

/**
 * Checks the file and records the import (the only write a dry run makes). A file that cannot be read
 * at all (empty, not CSV, without the account and name columns) is refused here with 422 and nothing
 * written, so a bad upload leaves no trace.
 */
export async function startCustomerImport(deps: ImportDeps, input: ImportInput): Promise<StartedImport> {
  if (input.actor.kind === 'sistema') assertSystemMay(input.actor, { kind: 'customer.import' });
  const file = readCustomersCsv(input.bytes);
  if (file.fileProblems.length > 0) {
    throw new AppError('import.unreadable_file', {
      status: 422,
      detail: file.fileProblems.map((p) => p.message).join(' '),
      extra: { problems: file.fileProblems },
    });
  }
  let totalRows = 0;
  for (const _row of file.rows()) totalRows++;
  if (totalRows === 0) {
    throw new AppError('import.unreadable_file', {
      status: 422,
      detail: 'El archivo tiene encabezado pero ninguna fila.',
      extra: { problems: [] },
    });
  }
  const sha256 = createHash('sha256').update(input.bytes).digest('hex');
  const startedAt = deps.clock.now();
  // Two imports writing at once would fight over the same customers (one would fail on a unique key
  // half-way): a second one is refused while the first runs. A dry run writes nothing and may run beside.
  const importId = await deps.db.transaction(async (tx) => {
    if (!input.dryRun) {
      await tx.execute(sql`select pg_advisory_xact_lock(${IMPORT_START_LOCK})`);
      await failInterruptedImports(tx, startedAt);
      const [running] = await tx
        .select({ id: customerImports.id })
        .from(customerImports)
        .where(and(eq(customerImports.status, 'en_curso'), eq(customerImports.dryRun, false)))
        .limit(1);
      if (running) {
        throw new AppError('import.running', {
          status: 409,
          detail: 'Another customers import is running; try again when it ends.',
          extra: { importId: running.id },
        });
      }
    }
    const [row] = await tx
      .insert(customerImports)
      .values({
        filename: input.filename.slice(0, 255),
        sha256,
        dryRun: input.dryRun,
        status: 'en_curso',
        totalRows,
        counts: emptyCounts(),
        actorAgentId: input.actor.kind === 'agente' ? input.actor.agentId : null,
        startedAt,
        progressAt: startedAt,
      })
      .returning({ id: customerImports.id });
    return (row as { id: string }).id;
  });

  const run = async (): Promise<ImportSummary> => {
    try {
      return await runImport(deps, input, { importId, sha256, totalRows, startedAt, file });
    } catch (error) {
      await deps.db
        .update(customerImports)
        .set({ status: 'fallida', finishedAt: deps.clock.now() })
        .where(eq(customerImports.id, importId))
        .catch(() => {});
      throw error;
    }
  };
  return { importId, totalRows, run };
}

/** Checks, records and runs an import to its end: the CLI's and the tests' way in. */
export async function importCustomers(deps: ImportDeps, input: ImportInput): Promise<ImportSummary> {
  return (await startCustomerImport(deps, input)).run();
}

interface RunState {
  importId: string;
  sha256: string;
  totalRows: number;
  startedAt: Date;
  file: ReturnType<typeof readCustomersCsv>;
}

/** What the run has seen so far, across batches: the file's own claims on names, phones and e-mails. */
interface RunMemory {
  counts: ImportCounts;
  planIds: Map<string, number | null>;
  zoneIds: Map<string, number | null>;
  /** `kind address` → the account of the first row in the file that gave it. */
  contactOwners: Map<string, string>;
  /** A plan's or zone's name as written → its code; a file repeats a handful of names on every row. */
  codes: Map<string, string>;
}

function codeOf(memory: RunMemory, name: string): string {
  let code = memory.codes.get(name);
  if (code === undefined) {
    code = comparable(name);
    memory.codes.set(name, code);
  }
  return code;
}

async function runImport(deps: ImportDeps, input: ImportInput, state: RunState): Promise<ImportSummary> {
  const { importId, totalRows, startedAt, file } = state;
  const memory: RunMemory = {
    counts: emptyCounts(),
    planIds: new Map(),
    zoneIds: new Map(),
    contactOwners: new Map(),
    codes: new Map(),
  };
  const problems: ImportProblem[] = [];
  const today = plainDateIn(deps.timeZone, startedAt);
  let processed = 0;

  let records: CustomerImportRecord[] = [];
  let batchProblems: ImportProblem[] = [];
  let batchRows = 0;

  const flush = async () => {
    const work = async (tx: Tx) => {
      const found = await applyBatch(tx, deps, input, state, memory, records, today);
      const refused = [...batchProblems, ...found].sort((a, b) => a.line - b.line);
      memory.counts.rechazado += new Set(refused.map((p) => p.line)).size;
      problems.push(...refused);
      processed += batchRows;
      const still = await tx
        .update(customerImports)
        .set({
          processedRows: processed,
          progressAt: deps.clock.now(),
          counts: memory.counts,
          problems: sql`${customerImports.problems} || ${JSON.stringify(refused)}::jsonb`,
        })
        .where(and(eq(customerImports.id, importId), eq(customerImports.status, 'en_curso')))
        .returning({ id: customerImports.id });
      assertStillRunning(still);
    };
    if (input.dryRun) await work(deps.db);
    else await deps.db.transaction(work);
    records = [];
    batchProblems = [];
    batchRows = 0;
    input.onProgress?.({
      importId,
      processedRows: processed,
      totalRows,
      ...progressOf(processed, totalRows, deps.clock.now().getTime() - startedAt.getTime()),
    });
  };

  for (const row of file.rows()) {
    batchRows++;
    if (row.ok) records.push(row.record);
    else batchProblems.push(...row.problems);
    if (batchRows >= IMPORT_BATCH_ROWS) await flush();
  }
  if (batchRows > 0) await flush();

  const finishedAt = deps.clock.now();
  await deps.db.transaction(async (tx) => {
    const finished = await tx
      .update(customerImports)
      .set({ status: 'terminada', finishedAt })
      .where(and(eq(customerImports.id, importId), eq(customerImports.status, 'en_curso')))
      .returning({ id: customerImports.id });
    assertStillRunning(finished);
    // One event for the whole run: a dry run changes nothing, so it has none.
    if (!input.dryRun) {
      await appendEvent(
        tx,
        {
          kind: 'customers_imported',
          actor: input.actor,
          subject: { kind: 'customer_import', id: importId },
          after: { counts: memory.counts, totalRows },
        },
        finishedAt,
      );
    }
  });

  const elapsedMs = finishedAt.getTime() - startedAt.getTime();
  return {
    importId,
    dryRun: input.dryRun,
    encoding: file.encoding,
    delimiter: file.delimiter,
    ignoredHeaders: file.ignoredHeaders,
    processedRows: processed,
    totalRows,
    ...progressOf(processed, totalRows, elapsedMs),
    counts: memory.counts,
    problems,
    elapsedSeconds: elapsedMs / 1000,
  };
}

const PHONE_KINDS = ['phone', 'whatsapp'] as const;

/*
 * A batch's values travel as one JSON parameter, not one parameter per value: a statement with thousands
 * of parameters spends more time being parsed and planned than running, on both databases.
 */
const asJson = (value: unknown) => sql`${JSON.stringify(value)}::json`;

const inList = (column: AnyPgColumn, values: string[], type: 'text' | 'uuid' = 'text') =>
  sql`${column} in (select value::${sql.raw(type)} from json_array_elements_text(${asJson(values)}))`;

type CatalogueNames = Map<string, { name: string; priceCentavos: number | null }>;

/**
 * Plans and zones are matched by name or code as `comparable` leaves them ("Plan 20 Mbps", "PLAN-20-MBPS"),
 * so a plan an admin created is found under the billing system's spelling. A new one gets that form as
 * its code and, for a plan, the price of the first row naming it. Returns how many are (or would be) new.
 */
async function catalogueIds(
  tx: Tx,
  table: 'plan' | 'zone',
  names: CatalogueNames,
  known: Map<string, number | null>,
  dryRun: boolean,
): Promise<number> {
  const wanted = [...names.keys()].filter((code) => !known.has(code));
  if (wanted.length === 0) return 0;
  // Catalogues of a few dozen rows: read whole, the names compared here as the file's are.
  const found =
    table === 'plan'
      ? await tx.select({ id: plans.id, code: plans.code, name: plans.name }).from(plans)
      : await tx.select({ id: zones.id, code: zones.code, name: zones.name }).from(zones);
  for (const row of found) {
    for (const form of [comparable(row.name), comparable(row.code)]) {
      if (!known.has(form)) known.set(form, row.id);
    }
  }
  const missing = wanted.flatMap((code) => {
    const named = names.get(code);
    return named && !known.has(code) ? [{ code, ...named }] : [];
  });
  if (missing.length === 0) return 0;
  if (dryRun) {
    for (const { code } of missing) known.set(code, null);
    return missing.length;
  }
  const inserted =
    table === 'plan'
      ? await tx
          .insert(plans)
          .values(
            missing.map((m) => ({ code: m.code, name: m.name, monthlyPriceCentavos: m.priceCentavos ?? 0 })),
          )
          .returning({ id: plans.id, code: plans.code })
      : await tx
          .insert(zones)
          .values(missing.map((m) => ({ code: m.code, name: m.name })))
          .returning({ id: zones.id, code: zones.code });
  for (const row of inserted) known.set(row.code, row.id);
  return inserted.length;
}

/** A service row as the statements that write it name its columns. */
interface ServiceColumns {
  external_ref: string;
  plan_id: number | null;
  zone_id: number | null;
  install_address: string | null;
  status: ServiceStatus;
  suspension_reason: string | null;
  cutoff_day: number;
}

const problem = (
  line: number,
  column: ImportProblem['column'],
  code: ImportProblem['code'],
  message: string,
): ImportProblem => ({ line, column, code, message });

/**
 * Matches one batch's valid rows against the database and, unless a dry run, writes the differences.
 * Returns the problems only matching finds (a contact point that is someone else's, a new service
 * without a cut-off day, a balance rising where the ledger refuses charges) and counts every row's
 * outcome.
 */
async function applyBatch(
  tx: Tx,
  deps: ImportDeps,
  input: ImportInput,
  state: RunState,
  memory: RunMemory,
  records: CustomerImportRecord[],
  today: string,
): Promise<ImportProblem[]> {
  if (records.length === 0) return [];
  const { dryRun } = input;
  const now = deps.clock.now();
  const accounts = records.map((r) => r.accountNumber);

  const planNames: CatalogueNames = new Map();
  const zoneNames: CatalogueNames = new Map();
  for (const r of records) {
    const plan = r.plan && codeOf(memory, r.plan);
    if (plan && r.plan && !planNames.has(plan))
      planNames.set(plan, { name: r.plan, priceCentavos: r.priceCentavos });
    const zone = r.zone && codeOf(memory, r.zone);
    if (zone && r.zone && !zoneNames.has(zone)) zoneNames.set(zone, { name: r.zone, priceCentavos: null });
  }
  memory.counts.planes_nuevos += await catalogueIds(tx, 'plan', planNames, memory.planIds, dryRun);
  memory.counts.zonas_nuevas += await catalogueIds(tx, 'zone', zoneNames, memory.zoneIds, dryRun);

  const existingCustomers = new Map(
    (
      await tx
        .select({ id: customers.id, accountNumber: customers.accountNumber, name: customers.name })
        .from(customers)
        .where(inList(customers.accountNumber, accounts))
    ).map((c) => [c.accountNumber as string, c]),
  );
  const existingServices = new Map(
    (await tx.select().from(services).where(inList(services.externalRef, accounts))).map((s) => [
      s.externalRef as string,
      s,
    ]),
  );
  const phones = records.flatMap((r) => (r.phone ? [r.phone] : []));
  const emails = records.flatMap((r) => (r.email ? [r.email] : []));
  const held = await tx
    .select({
      customerId: contactPoints.customerId,
      kind: contactPoints.kind,
      address: contactPoints.address,
    })
    .from(contactPoints)
    .where(
      or(
        and(inArray(contactPoints.kind, [...PHONE_KINDS]), inList(contactPoints.address, phones)),
        and(eq(contactPoints.kind, 'email'), inList(contactPoints.address, emails)),
      ),
    );
  // A phone held as WhatsApp is the same person's number (see customer-lookup), so it is theirs too.
  const holderOf = new Map<string, string>();
  const exactPoints = new Set<string>();
  for (const point of held) {
    const family = point.kind === 'email' ? 'email' : 'phone';
    holderOf.set(`${family} ${point.address}`, point.customerId);
    exactPoints.add(`${point.kind} ${point.address} ${point.customerId}`);
  }
  const serviceIds = [...existingServices.values()].map((s) => s.id);
  const importedBalance = new Map<string, { sum: number; entries: number }>();
  if (serviceIds.length > 0) {
    const sums = await tx
      .select({
        serviceId: ledgerEntries.serviceId,
        sum: sql<string>`sum(${ledgerEntries.amountCentavos})::text`,
        entries: sql<number>`count(*)::int`,
      })
      .from(ledgerEntries)
      .where(
        and(inList(ledgerEntries.serviceId, serviceIds, 'uuid'), like(ledgerEntries.sourceKey, 'import:%')),
      )
      .groupBy(ledgerEntries.serviceId);
    for (const row of sums)
      importedBalance.set(row.serviceId, { sum: Number(row.sum), entries: row.entries });
  }

  // A rise in the balance of a service cancelled, or suspended for theft or loss, on the import's day
  // is a charge the ledger refuses: that row is a problem, as in a dry run, not the whole batch's failure.
  const rises = new Map<string, NewLedgerEntry>();
  for (const r of records) {
    const service = existingServices.get(r.accountNumber);
    if (!service) continue;
    const amount = r.balanceCentavos - (importedBalance.get(service.id)?.sum ?? 0);
    if (amount > 0)
      rises.set(r.accountNumber, {
        serviceId: service.id,
        kind: 'ajuste',
        amountCentavos: amount,
        effectiveDate: today,
      });
  }
  const refusedRises = await refusedCharges(tx, [...rises.values()]);

  const found: ImportProblem[] = [];
  const newCustomers: Array<{ account_number: string; name: string }> = [];
  const renamed: Array<{ id: string; name: string }> = [];
  const newPoints: Array<{ account: string; kind: 'phone' | 'email'; address: string }> = [];
  const newServices: ServiceColumns[] = [];
  const changedServices: Array<ServiceColumns & { id: string }> = [];
  const balances: Array<{ account: string; line: number; amount: number; first: boolean }> = [];

  for (const r of records) {
    const customer = existingCustomers.get(r.accountNumber);
    const service = existingServices.get(r.accountNumber);
    const rowProblems: ImportProblem[] = [];
    const pointsToAdd: typeof newPoints = [];
    for (const [kind, address, column, what] of [
      ['phone', r.phone, 'telefono', 'El teléfono'],
      ['email', r.email, 'correo', 'El correo'],
    ] as const) {
      if (address === null) continue;
      const key = `${kind} ${address}`;
      const holder = holderOf.get(key);
      const fileOwner = memory.contactOwners.get(key);
      if ((holder !== undefined && holder !== customer?.id) || (fileOwner && fileOwner !== r.accountNumber)) {
        rowProblems.push(
          problem(
            r.line,
            column,
            'contact_taken',
            `${what} ya pertenece a otro cliente; la fila no se importó.`,
          ),
        );
      } else if (!customer || !exactPoints.has(`${kind} ${address} ${customer.id}`)) {
        pointsToAdd.push({ account: r.accountNumber, kind, address });
      }
    }
    const rise = rises.get(r.accountNumber);
    const refusal = rise && refusedRises.get(rise);
    if (refusal) {
      rowProblems.push(
        refusal.code === 'ledger.after_cancellation'
          ? problem(
              r.line,
              'saldo',
              'balance_after_cancellation',
              'El saldo sube en un servicio ya cancelado: no se cobra nada después de la fecha efectiva; la fila no se importó.',
            )
          : problem(
              r.line,
              'saldo',
              'balance_during_theft',
              'El saldo sube en un servicio suspendido por robo o extravío: no se cobra esos días; la fila no se importó.',
            ),
      );
    }
    if (!service && r.cutoffDay === null) {
      rowProblems.push(
        problem(
          r.line,
          'dia_corte',
          'missing_cutoff_day',
          'Falta el día de corte, necesario para un servicio nuevo.',
        ),
      );
    }
    if (rowProblems.length > 0) {
      found.push(...rowProblems);
      continue;
    }
    for (const point of pointsToAdd)
      memory.contactOwners.set(`${point.kind} ${point.address}`, r.accountNumber);
    newPoints.push(...pointsToAdd);

    let changed = pointsToAdd.length > 0;
    if (!customer) newCustomers.push({ account_number: r.accountNumber, name: r.name });
    else if (customer.name !== r.name) {
      renamed.push({ id: customer.id, name: r.name });
      changed = true;
    }

    const planId = r.plan ? (memory.planIds.get(codeOf(memory, r.plan)) ?? null) : null;
    const zoneId = r.zone ? (memory.zoneIds.get(codeOf(memory, r.zone)) ?? null) : null;
    if (!service) {
      const status: ServiceStatus = r.status ?? 'activo';
      newServices.push({
        external_ref: r.accountNumber,
        plan_id: planId,
        zone_id: zoneId,
        install_address: r.address,
        status,
        suspension_reason: status === 'suspendido' ? 'falta_de_pago' : null,
        cutoff_day: r.cutoffDay as number,
      });
    } else {
      const status = r.status ?? service.status;
      const next = {
        ...service,
        // A blank plan, zone or address in the file leaves what Atiende has: the file does not erase.
        planId: r.plan ? planId : service.planId,
        zoneId: r.zone ? zoneId : service.zoneId,
        installAddress: r.address ?? service.installAddress,
        status,
        // Billing systems suspend for non-payment; a reason given in Atiende is kept.
        suspensionReason: status === 'suspendido' ? (service.suspensionReason ?? 'falta_de_pago') : null,
        cutoffDay: r.cutoffDay ?? service.cutoffDay,
      };
      const differs = (
        ['planId', 'zoneId', 'installAddress', 'status', 'suspensionReason', 'cutoffDay'] as const
      ).some((field) => next[field] !== service[field]);
      if (differs) {
        changedServices.push({
          id: service.id,
          external_ref: r.accountNumber,
          plan_id: next.planId,
          zone_id: next.zoneId,
          install_address: next.installAddress,
          status: next.status,
          suspension_reason: next.suspensionReason,
          cutoff_day: next.cutoffDay,
        });
        changed = true;
      }
    }

    const imported = service ? importedBalance.get(service.id) : undefined;
    const difference = r.balanceCentavos - (imported?.sum ?? 0);
    if (difference !== 0) {
      balances.push({ account: r.accountNumber, line: r.line, amount: difference, first: !imported });
      changed = true;
    }

    if (!customer) memory.counts.creado++;
    else if (changed || !service) memory.counts.actualizado++;
    else memory.counts.sin_cambios++;
  }
  memory.counts.movimientos_de_saldo += balances.length;
  if (dryRun) return found;

  const at = now.toISOString();
  const customerIdOf = new Map([...existingCustomers].map(([account, c]) => [account, c.id]));
  if (newCustomers.length > 0) {
    const inserted = await queryRows<{ id: string; account_number: string }>(
      tx,
      sql`insert into customers (account_number, name, created_at, updated_at)
        select account_number, name, ${at}::timestamptz, ${at}::timestamptz
        from json_to_recordset(${asJson(newCustomers)}) as x(account_number text, name text)
        returning id, account_number`,
    );
    for (const c of inserted) customerIdOf.set(c.account_number, c.id);
  }
  if (renamed.length > 0) {
    await tx.execute(sql`update customers as c set name = x.name, updated_at = ${at}::timestamptz
      from json_to_recordset(${asJson(renamed)}) as x(id uuid, name text) where c.id = x.id`);
  }
  if (newPoints.length > 0) {
    const points = newPoints.map((p) => ({
      customer_id: customerIdOf.get(p.account),
      kind: p.kind,
      address: p.address,
    }));
    await tx.execute(sql`insert into contact_points (customer_id, kind, address, created_at)
      select customer_id, kind, address, ${at}::timestamptz
      from json_to_recordset(${asJson(points)}) as x(customer_id uuid, kind text, address text)
      on conflict do nothing`);
  }
  const serviceIdOf = new Map([...existingServices].map(([account, s]) => [account, s.id]));
  if (newServices.length > 0) {
    const rows = newServices.map((s) => ({ ...s, customer_id: customerIdOf.get(s.external_ref) }));
    const inserted = await queryRows<{ id: string; external_ref: string }>(
      tx,
      sql`insert into services (customer_id, external_ref, plan_id, zone_id, install_address, status,
          suspension_reason, cutoff_day, created_at, updated_at)
        select customer_id, external_ref, plan_id, zone_id, install_address, status, suspension_reason,
          cutoff_day, ${at}::timestamptz, ${at}::timestamptz
        from json_to_recordset(${asJson(rows)}) as x(customer_id uuid, external_ref text, plan_id int,
          zone_id int, install_address text, status text, suspension_reason text, cutoff_day int)
        returning id, external_ref`,
    );
    for (const s of inserted) serviceIdOf.set(s.external_ref, s.id);
  }
  if (changedServices.length > 0) {
    await tx.execute(sql`update services as s set plan_id = x.plan_id, zone_id = x.zone_id,
      install_address = x.install_address, status = x.status, suspension_reason = x.suspension_reason,
      cutoff_day = x.cutoff_day, updated_at = ${at}::timestamptz
      from json_to_recordset(${asJson(changedServices)}) as x(id uuid, plan_id int, zone_id int,
        install_address text, status text, suspension_reason text, cutoff_day int)
      where s.id = x.id`);
  }
  await reconcileSuspensions(
    tx,
    accounts.flatMap((account) => serviceIdOf.get(account) ?? []),
    input.actor,
    now,
  );
  const entries: NewLedgerEntry[] = balances.map((b) => ({
    serviceId: serviceIdOf.get(b.account) as string,
    kind: 'ajuste',
    amountCentavos: b.amount,
    effectiveDate: today,
    reference: `importación línea ${b.line}`,
    // The first is the account's opening balance; a later difference is tied to the file and line that
    // stated it, so the same file again posts nothing and another file posts its own difference.
    sourceKey: b.first ? `import:${b.account}:saldo` : `import:${b.account}:${state.sha256}:${b.line}`,
  }));
  await postLedgerEntries(tx, entries, input.actor, now);
  return found;
}
