import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { count, eq, inArray, like } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { generateCustomersFile } from '../../../bench/import/customers-file.ts';
import { systemActor } from '../../auth/system-rules.ts';
import { ManualClock } from '../../clock.ts';
import type { Db } from '../../db/database.ts';
import {
  contactPoints,
  customerImports,
  customers,
  events,
  ledgerEntries,
  plans,
  services,
  zones,
} from '../../db/schema.ts';
import { startTestApp, TEST_ADMIN, type TestApp } from '../../test/app.ts';
import { describeEachDatabase } from '../../test/databases.ts';
import { balancesOf } from '../ledger.service.ts';
import { importCommand } from './import.cli.ts';
import {
  IMPORT_SILENCE_MS,
  type ImportDeps,
  type ImportSummary,
  importCustomers,
  startCustomerImport,
} from './import.service.ts';
import { type CustomerImportRecord, readCustomersCsv } from './rows.ts';

const HEADER = 'cuenta,nombre,telefono,correo,plan,precio,zona,direccion,dia_corte,saldo,estatus';
const csv = (...rows: string[]) => Buffer.from(`${[HEADER, ...rows].join('\n')}\n`, 'utf8');

describeEachDatabase('customers import', (kind) => {
  let app: TestApp;
  let db: Db;
  let deps: ImportDeps;
  const actor = systemActor('linea_de_comandos');
  const file = generateCustomersFile({
    rows: 2_000,
    encoding: 'windows-1252',
    seed: 7,
    delimiter: ';',
    eol: '\r\n',
    bom: false,
  });
  const records = [...readCustomersCsv(file.bytes).rows()].flatMap((row) => (row.ok ? [row.record] : []));
  const run = (bytes: Uint8Array, dryRun: boolean) =>
    importCustomers(deps, { bytes, filename: 'clientes.csv', dryRun, actor });

  beforeAll(async () => {
    app = await startTestApp(kind, { work: false });
    db = app.atiende.ctx.db;
    deps = { db, clock: app.atiende.ctx.clock, timeZone: 'America/Monterrey' };
  });
  afterAll(() => app?.close());

  const rowsIn = async (table: PgTable) => (await db.select({ n: count() }).from(table))[0]?.n ?? 0;
  const tableCounts = async () => ({
    customers: await rowsIn(customers),
    contactPoints: await rowsIn(contactPoints),
    services: await rowsIn(services),
    ledger: await rowsIn(ledgerEntries),
    plans: await rowsIn(plans),
    zones: await rowsIn(zones),
    events: await rowsIn(events),
  });
  const problemKeys = (summary: ImportSummary) =>
    summary.problems.map((p) => ({ line: p.line, code: p.code }));

  // First, while the database has no customers: its dry runs must find every row new.
  it('over HTTP: 202 and a background run, its progress, the report; unreadable files refused with nothing written', async () => {
    const admin = await app.login(TEST_ADMIN.email, TEST_ADMIN.password);
    const upload = (body: Buffer | string, contentType: string, query = 'dryRun=true') =>
      app.atiende.http.inject({
        method: 'POST',
        url: `/api/v1/imports/customers?${query}`,
        headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrfToken, 'content-type': contentType },
        payload: body,
      });
    const importsBefore = await rowsIn(customerImports);
    for (const [body, type, status, code] of [
      ['', 'text/csv', 422, 'import.unreadable_file'],
      [
        Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0x0d, 0xff, 0xfe]),
        'application/octet-stream',
        422,
        'import.unreadable_file',
      ],
      [`${HEADER}\n`, 'text/csv', 422, 'import.unreadable_file'],
      [`${'x'.repeat(2_000_000)}\n1,Ana\n`, 'text/csv', 422, 'import.unreadable_file'],
      ['{"cuenta":"1"}', 'application/json', 415, 'import.content_type'],
    ] as const) {
      const response = await upload(body, type);
      expect([response.statusCode, response.json().code]).toEqual([status, code]);
    }
    expect(await rowsIn(customerImports)).toBe(importsBefore);
    // A huge field in a row is that row's problem; the rest of the file is still read.
    const huge = await upload(`cuenta,nombre\n1,${'x'.repeat(2_000_000)}\n2,Ana\n`, 'text/csv');
    expect(huge.statusCode).toBe(202);

    const small = generateCustomersFile({
      rows: 300,
      encoding: 'utf8',
      seed: 9,
      delimiter: ',',
      eol: '\n',
      bom: true,
    });
    const started = await upload(small.bytes, 'text/csv', 'dryRun=true&filename=clientes%20mayo.csv');
    expect(started.statusCode).toBe(202);
    const { id, totalRows } = started.json();
    expect(totalRows).toBe(300);
    let status = await admin.request('GET', `/api/v1/imports/customers/${id}`);
    for (let i = 0; i < 100 && status.json().status === 'en_curso'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      status = await admin.request('GET', `/api/v1/imports/customers/${id}`);
    }
    expect(status.json()).toMatchObject({
      filename: 'clientes mayo.csv',
      status: 'terminada',
      dryRun: true,
      percent: 100,
      processedRows: 300,
      problemCount: 3,
      counts: { creado: 297, rechazado: 3 },
    });
    expect(status.json().problems.map((p: { line: number }) => p.line)).toEqual(
      small.badRows.map((r) => r.line),
    );
    const report = await admin.request('GET', `/api/v1/imports/customers/${id}/report.csv`);
    expect(report.headers['content-type']).toMatch(/^text\/csv/);
    const lines = report.body
      .replace(/^\ufeff/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toBe('linea,columna,codigo,mensaje');
    expect(lines.slice(1).map((l) => Number(l.split(',')[0]))).toEqual(small.badRows.map((r) => r.line));

    const agent = await app.sessionAs('agent');
    expect((await agent.request('GET', `/api/v1/imports/customers/${id}`)).statusCode).toBe(403);
  });
  it('a dry run reports exactly the bad rows and writes nothing but the import record', async () => {
    const before = await tableCounts();
    const summary = await run(file.bytes, true);
    expect(problemKeys(summary)).toEqual(file.badRows);
    expect(summary.counts).toMatchObject({ creado: 1_980, actualizado: 0, sin_cambios: 0, rechazado: 20 });
    expect(summary.counts.movimientos_de_saldo).toBe(records.filter((r) => r.balanceCentavos !== 0).length);
    expect(summary).toMatchObject({
      encoding: 'windows-1252',
      delimiter: ';',
      processedRows: 2_000,
      totalRows: 2_000,
    });
    expect(await tableCounts()).toEqual(before);
    const [stored] = await db.select().from(customerImports).where(eq(customerImports.id, summary.importId));
    expect(stored).toMatchObject({
      status: 'terminada',
      dryRun: true,
      processedRows: 2_000,
      totalRows: 2_000,
    });
    expect(stored?.problems).toEqual(summary.problems);
    // The report never repeats a field's value, which may be personal.
    const names = new Set(records.map((r) => r.name));
    expect(summary.problems.some((p) => names.has(p.message))).toBe(false);
  });

  it('the real run creates customers, contact points, services and opening balances, with one event', async () => {
    const before = await tableCounts();
    const summary = await run(file.bytes, false);
    expect(problemKeys(summary)).toEqual(file.badRows);
    expect(summary.counts).toMatchObject({ creado: 1_980, rechazado: 20 });
    const after = await tableCounts();
    expect(after.customers - before.customers).toBe(1_980);
    expect(after.services - before.services).toBe(1_980);
    expect(after.contactPoints - before.contactPoints).toBe(
      records.filter((r) => r.phone).length + records.filter((r) => r.email).length,
    );
    expect(after.ledger).toBe(records.filter((r) => r.balanceCentavos !== 0).length);
    expect(after.events - before.events).toBe(1);

    const sample = records.filter((r, i) => r.balanceCentavos !== 0 || i % 50 === 0).slice(0, 40);
    const rows = await db
      .select({
        id: services.id,
        ref: services.externalRef,
        status: services.status,
        cutoffDay: services.cutoffDay,
      })
      .from(services)
      .where(
        inArray(
          services.externalRef,
          sample.map((r) => r.accountNumber),
        ),
      );
    const balances = await balancesOf(
      db,
      rows.map((r) => r.id),
      '2099-12-31',
    );
    for (const r of sample) {
      const service = rows.find((s) => s.ref === r.accountNumber);
      expect(service).toMatchObject({ status: r.status ?? 'activo', cutoffDay: r.cutoffDay });
      expect(balances.get(service?.id as string)).toBe(r.balanceCentavos);
    }
    const [event] = await db.select().from(events).where(eq(events.subjectId, summary.importId));
    expect(event).toMatchObject({
      kind: 'customers_imported',
      subjectKind: 'customer_import',
      actorRule: 'linea_de_comandos',
    });
  });

  it('re-importing the same file changes nothing', async () => {
    const before = await tableCounts();
    const summary = await run(file.bytes, false);
    expect(summary.counts).toMatchObject({ creado: 0, actualizado: 0, sin_cambios: 1_980, rechazado: 20 });
    expect(summary.counts.movimientos_de_saldo).toBe(0);
    expect(await tableCounts()).toEqual({ ...before, events: before.events + 1 });
  });

  it('a changed row updates the customer and service and posts the balance difference', async () => {
    const target = records.find(
      (r) => r.balanceCentavos > 0 && r.status !== 'suspendido',
    ) as CustomerImportRecord;
    const ledgerBefore = await rowsIn(ledgerEntries);
    const changed = csv(
      `${target.accountNumber},Nombre Cambiado,,,Plan Nuevo 50 Mbps,699.00,,,12,100.00,suspendido`,
    );
    const summary = await run(changed, false);
    expect(summary.counts).toMatchObject({
      actualizado: 1,
      creado: 0,
      sin_cambios: 0,
      planes_nuevos: 1,
      movimientos_de_saldo: 1,
    });
    const [customer] = await db
      .select()
      .from(customers)
      .where(eq(customers.accountNumber, target.accountNumber));
    expect(customer?.name).toBe('Nombre Cambiado');
    const [service] = await db.select().from(services).where(eq(services.externalRef, target.accountNumber));
    expect(service).toMatchObject({ cutoffDay: 12, status: 'suspendido', suspensionReason: 'falta_de_pago' });
    expect((await balancesOf(db, [service?.id as string], '2099-12-31')).get(service?.id as string)).toBe(
      10_000,
    );
    const entries = await db
      .select()
      .from(ledgerEntries)
      .where(like(ledgerEntries.sourceKey, `import:${target.accountNumber}:%`));
    expect(entries.map((e) => e.amountCentavos).sort((a, b) => a - b)).toEqual(
      [target.balanceCentavos, 10_000 - target.balanceCentavos].sort((a, b) => a - b),
    );
    expect(entries.every((e) => e.kind === 'ajuste')).toBe(true);
    expect(await rowsIn(ledgerEntries)).toBe(ledgerBefore + 1);

    const again = await run(changed, false);
    expect(again.counts).toMatchObject({ sin_cambios: 1, movimientos_de_saldo: 0 });
  });

  it('the command prints the summary and every problem, and exits 1 when a row was refused', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'atiende-import-'));
    try {
      const command = async (bytes: Buffer, ...flags: string[]) => {
        const file = path.join(dir, 'clientes.csv');
        writeFileSync(file, bytes);
        const out: string[] = [];
        const err: string[] = [];
        const code = await importCommand(db, app.atiende.ctx.clock, ['customers', file, ...flags], {
          out: (text) => out.push(text),
          err: (text) => err.push(text),
        });
        return { code, out: out.join('\n'), err: err.join('\n') };
      };
      const refused = await command(csv('C-1,Carla Ibarra,,,,,,,5,,', 'C-2,,,,,,,,5,,'), '--dry-run');
      expect(refused.code).toBe(1);
      expect(refused.out).toMatch(/^Dry run \(nothing written\)/);
      expect(refused.out).toContain('would create: 1');
      expect(refused.out).toContain('line 3 (nombre): missing_name: Falta el nombre del cliente.');
      expect(refused.err).toContain('2/2 rows');
      const clean = await command(csv('C-1,Carla Ibarra,,,,,,,5,,'));
      expect([clean.code, clean.out.split('\n')[1]]).toEqual([0, '  created: 1']);
      await expect(command(csv(), 'extra')).rejects.toMatchObject({ code: 'cli.usage' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('finds a plan an admin created under the billing system’s spelling of its name', async () => {
    const [plan] = await db
      .insert(plans)
      .values({ code: 'FIB-100', name: 'Fibra 100 Mbps', monthlyPriceCentavos: 89_900 })
      .returning();
    const summary = await run(csv('P-1,Paula Ruiz,,,FIBRA 100 MBPS,899.00,,,5,,'), false);
    expect(summary.counts).toMatchObject({ creado: 1, planes_nuevos: 0 });
    const [service] = await db.select().from(services).where(eq(services.externalRef, 'P-1'));
    expect(service?.planId).toBe(plan?.id);
  });

  it('a phone or e-mail another customer has refuses that row only, never moving it', async () => {
    const owner = records.find((r) => r.phone && r.email) as CustomerImportRecord;
    const summary = await run(
      csv(
        `X-1,Quien Sea,${owner.phone},,,,,,5,,`,
        `X-2,Otra Persona,,${owner.email?.toUpperCase()},,,,,5,,`,
        'X-3,Sin Conflicto,8441239876,,,,,,5,,',
        'X-4,Mismo Telefono En El Archivo,+52 844 123 9876,,,,,,5,,',
        'X-5,Sin Corte,,,,,,,,,',
      ),
      false,
    );
    expect(summary.problems.map((p) => [p.line, p.column, p.code])).toEqual([
      [2, 'telefono', 'contact_taken'],
      [3, 'correo', 'contact_taken'],
      [5, 'telefono', 'contact_taken'],
      [6, 'dia_corte', 'missing_cutoff_day'],
    ]);
    expect(summary.counts).toMatchObject({ creado: 1, rechazado: 4 });
    const holders = await db
      .select({ account: customers.accountNumber })
      .from(contactPoints)
      .innerJoin(customers, eq(customers.id, contactPoints.customerId))
      .where(inArray(contactPoints.address, [owner.phone as string, owner.email as string]));
    expect(holders.map((h) => h.account)).toEqual([owner.accountNumber, owner.accountNumber]);
    const created = await db
      .select({ account: customers.accountNumber })
      .from(customers)
      .where(inArray(customers.accountNumber, ['X-1', 'X-2', 'X-3', 'X-4', 'X-5']));
    expect(created.map((c) => c.account)).toEqual(['X-3']);
  });

  it('refuses a second import while one runs, and ends one whose process died instead of waiting for ever', async () => {
    const clock = new ManualClock(app.atiende.ctx.clock.now());
    const start = (dryRun: boolean) =>
      startCustomerImport(
        { ...deps, clock },
        { bytes: csv('Z-1,Zoe Zamora,,,,,,,5,,'), filename: 'z.csv', dryRun, actor },
      );
    // Started and never run: what a process killed after its first statement leaves behind.
    const orphan = await start(false);
    await expect(start(false)).rejects.toMatchObject({
      code: 'import.running',
      status: 409,
      extra: { importId: orphan.importId },
    });
    // A dry run writes no customer, so it may run beside it.
    await (await start(true)).run();
    clock.advance(IMPORT_SILENCE_MS + 1_000);
    const next = await start(false);
    const [ended] = await db
      .select({ status: customerImports.status, finishedAt: customerImports.finishedAt })
      .from(customerImports)
      .where(eq(customerImports.id, orphan.importId));
    expect(ended).toEqual({ status: 'fallida', finishedAt: clock.now() });
    expect((await next.run()).counts).toMatchObject({ creado: 1 });
    // The orphan's process was only slow after all: it stops at its first write, leaving nothing.
    await expect(orphan.run()).rejects.toMatchObject({ code: 'import.interrupted' });
    const [after] = await db
      .select({ status: customerImports.status })
      .from(customerImports)
      .where(eq(customerImports.id, orphan.importId));
    expect(after?.status).toBe('fallida');
  });
});
