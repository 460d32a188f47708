import { createHash } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ManualClock } from '../clock.ts';
import { areas, compensations, deadlines, events, regulatorReports, services } from '../db/schema.ts';
import { type Session, startTestApp, TEST_ADMIN, type TestApp } from '../test/app.ts';
import { describeEachDatabase } from '../test/databases.ts';
import { generatePreviousMonthReport } from './regulator-reports.service.ts';

// Monterrey is UTC−6 all year. The month reported is October 2026; its local bounds are
// 2026-10-01T06:00Z and 2026-11-01T06:00Z.
const OCT = (day: number, hour = 10) => new Date(Date.UTC(2026, 9, day, hour + 6));

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const sheetName = (title: string) => title.slice(0, 31);

/** RFC 4180 lines of a CSV: quoted fields with doubled quotes, CRLF line ends. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += ch;
  }
  return rows;
}

/** The CSV's sections by title: the rows after the title's line up to the next blank line. */
function csvSections(rows: string[][]): Map<string, string[][]> {
  const out = new Map<string, string[][]>();
  for (let i = 0; i < rows.length; i++) {
    if (rows[i]?.length === 1 && rows[i]?.[0] === '' && rows[i + 1]) {
      const title = rows[i + 1]?.[0] as string;
      const body: string[][] = [];
      for (let j = i + 2; j < rows.length && !(rows[j]?.length === 1 && rows[j]?.[0] === ''); j++)
        body.push(rows[j] as string[]);
      out.set(title, body);
    }
  }
  return out;
}

/** A worksheet's data rows (after its title and column names) as plain values. */
function sheetRows(workbook: ExcelJS.Workbook, title: string): unknown[][] {
  const sheet = workbook.getWorksheet(sheetName(title));
  if (!sheet) throw new Error(`no sheet ${title}`);
  const rows: unknown[][] = [];
  sheet.eachRow((row, n) => {
    if (n > 2) rows.push((row.values as unknown[]).slice(1));
  });
  return rows;
}

describeEachDatabase('the monthly report for the regulators', (kind) => {
  let app: TestApp;
  const clock = new ManualClock(OCT(5));
  let admin: Session;
  let agent: Session;
  let sequence = 0;
  let csv: Buffer;
  let xlsx: Buffer;
  let workbook: ExcelJS.Workbook;

  const open = async (
    at: Date,
    requestType: string,
    channel: string,
    subtype?: string,
  ): Promise<{ id: string; folio: string; customer: { id: string } }> => {
    clock.set(at);
    sequence += 1;
    admin = await app.login(TEST_ADMIN.email, TEST_ADMIN.password);
    const response = await admin.request('POST', '/api/v1/cases', {
      requestType,
      ...(subtype ? { subtype } : {}),
      channel,
      contact: { kind: 'phone', address: `+52811000${String(sequence).padStart(4, '0')}` },
      customerName: `Cliente ${sequence}`,
      description: 'Solicitud de prueba del reporte',
    });
    expect(response.statusCode, response.body).toBe(201);
    return response.json();
  };
  const setStatus = async (folio: string, at: Date, body: Record<string, unknown>) => {
    clock.set(at);
    admin = await app.login(TEST_ADMIN.email, TEST_ADMIN.password);
    const response = await admin.request('POST', `/api/v1/cases/${folio}/status`, body);
    expect(response.statusCode, response.body).toBe(200);
  };
  const setDeadline = (caseId: string, kind: string, values: Partial<typeof deadlines.$inferInsert>) =>
    app.atiende.ctx.db
      .update(deadlines)
      .set(values)
      .where(
        sql`${deadlines.subjectKind} = 'case' and ${deadlines.subjectId} = ${caseId} and ${deadlines.kind} = ${kind}`,
      );
  const compensate = async (
    kase: { id: string; customer: { id: string } },
    values: Partial<typeof compensations.$inferInsert> &
      Pick<typeof compensations.$inferInsert, 'kind' | 'status'>,
  ) => {
    const db = app.atiende.ctx.db;
    const [service] = await db
      .insert(services)
      .values({ customerId: kase.customer.id, status: 'activo', cutoffDay: 15 })
      .returning();
    await db.insert(compensations).values({
      caseId: kase.id,
      serviceId: service?.id as string,
      computedCentavos: values.appliedCentavos ?? 10_000,
      formula: {},
      explanation: 'prueba',
      ...values,
    });
  };
  const stats = async (path: string) => {
    const response = await admin.request(
      'GET',
      `/api/v1/stats/${path}${path.includes('?') ? '&' : '?'}from=2026-10-01&to=2026-10-31&period=mes`,
    );
    expect(response.statusCode, response.body).toBe(200);
    return response.json().rows as Array<Record<string, unknown>>;
  };

  beforeAll(async () => {
    app = await startTestApp(kind, { clock, work: false });

    await open(new Date(Date.UTC(2026, 9, 1, 5, 30)), 'queja', 'telefono'); // 23:30 on 30 September
    const first = await open(OCT(1, 0), 'queja', 'telefono'); // the month's first minute
    const failure = await open(OCT(6), 'falla', 'telefono', 'sin_servicio');
    const billing = await open(OCT(7), 'aclaracion', 'email', 'cargo_indebido');
    const question = await open(OCT(8), 'duda', 'whatsapp');
    const spam = await open(OCT(9), 'consulta', 'facebook');
    const late = await open(OCT(31, 23), 'queja', 'email'); // 23:00 on the 31st, still October

    await setStatus(spam.folio, OCT(9, 11), { status: 'descartado', discardReason: 'spam' });
    clock.set(OCT(8, 11));
    const everyArea = (await app.atiende.ctx.db.select({ id: areas.id }).from(areas)).map((a) => a.id);
    const worker = await app.sessionAs('agent', everyArea);
    for (const body of [{ status: 'en_proceso' }, { status: 'resuelto', note: 'Se explicó la duda' }]) {
      const response = await worker.request('POST', `/api/v1/cases/${question.folio}/status`, body);
      expect(response.statusCode, response.body).toBe(200);
    }
    // Discarded after the month ended: open at its end.
    await setStatus(first.folio, new Date(Date.UTC(2026, 10, 3, 16)), {
      status: 'descartado',
      discardReason: 'spam',
    });

    await setDeadline(first.id, 'primera_respuesta', { dueAt: OCT(2), metAt: OCT(1, 12) });
    await setDeadline(failure.id, 'primera_respuesta', { dueAt: OCT(6, 12), metAt: OCT(6, 15) });
    await setDeadline(billing.id, 'primera_respuesta', { dueAt: OCT(8), metAt: null, pausedAt: null });
    await setDeadline(billing.id, 'resolucion', { dueAt: OCT(20), metAt: OCT(25) });
    await setDeadline(late.id, 'resolucion', { dueAt: new Date(Date.UTC(2026, 10, 20)), metAt: null });

    await compensate(failure, {
      kind: 'falla',
      status: 'aplicada',
      appliedCentavos: 12_345,
      decidedAt: OCT(15),
    });
    await compensate(billing, {
      kind: 'cargo_indebido',
      status: 'aplicada',
      appliedCentavos: 50_000,
      refundCentavos: 45_000,
      bonusCentavos: 5_000,
      decidedAt: OCT(16),
      refundedAt: OCT(20),
    });
    await compensate(first, { kind: 'falla', status: 'por_aprobar' });
    await compensate(late, {
      kind: 'falla',
      status: 'aplicada',
      appliedCentavos: 999,
      decidedAt: new Date(Date.UTC(2026, 10, 2)),
    });

    clock.set(new Date(Date.UTC(2026, 10, 4, 18)));
    await open(clock.now(), 'duda', 'portal'); // November: not in the report
    agent = await app.sessionAs('agent');

    const generated = await admin.request('POST', '/api/v1/regulator-reports', { period: '2026-10' });
    expect(generated.statusCode, generated.body).toBe(201);
    const csvResponse = await admin.request('GET', '/api/v1/regulator-reports/2026-10/csv');
    expect(csvResponse.statusCode).toBe(200);
    csv = csvResponse.rawPayload;
    const xlsxResponse = await admin.request('GET', '/api/v1/regulator-reports/2026-10/xlsx');
    expect(xlsxResponse.statusCode).toBe(200);
    xlsx = xlsxResponse.rawPayload;
    workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx as unknown as ArrayBuffer);
  }, 120_000);
  afterAll(() => app?.close());

  it('names the provider, the period, the regulators and when it was generated', async () => {
    const header = workbook.getWorksheet('Encabezado');
    const values = new Map<string, unknown>();
    header?.eachRow((row) => {
      values.set(String(row.getCell(1).value), row.getCell(2).value);
    });
    expect(values.get('Proveedor (razón social)')).toBe('mo!net');
    expect(values.get('Periodo')).toBe('2026-10');
    expect(values.get('Hasta')).toBe('2026-10-31 23:59');
    expect(values.get('Regulador de telecomunicaciones')).toBe(
      'Comisión Reguladora de Telecomunicaciones (CRT)',
    );
    expect(values.get('Autoridad de protección al consumidor')).toBe(
      'Procuraduría Federal del Consumidor (PROFECO)',
    );
    expect(values.get('Generado')).toBe('2026-11-04 12:00 (-06:00)');
    expect(values.get('Solicitudes recibidas')).toBe('6');
  });

  it('counts the month’s cases by type and by channel as the statistics API does', async () => {
    const byType = await stats('volume?groupBy=requestType');
    const types = sheetRows(workbook, 'Solicitudes por tipo');
    expect(types).toHaveLength(11);
    for (const [type, , count] of types) {
      const expected = byType.filter((r) => r.key === type).reduce((a, r) => a + Number(r.count), 0);
      expect(count, String(type)).toBe(expected);
    }
    expect(Object.fromEntries(types.map(([t, , n]) => [t, n]))).toMatchObject({
      queja: 2,
      falla: 1,
      aclaracion: 1,
      duda: 1,
      consulta: 1,
      saldo: 0,
    });

    const byChannel = await stats('volume?groupBy=channel');
    const channels = sheetRows(workbook, 'Solicitudes por canal de atención');
    expect(channels.map((r) => r[0])).toEqual(['telefono', 'whatsapp', 'email', 'portal', 'facebook']);
    for (const [channel, , count] of channels) {
      const expected = byChannel.filter((r) => r.key === channel).reduce((a, r) => a + Number(r.count), 0);
      expect(count, String(channel)).toBe(expected);
    }
    expect(channels.find((r) => r[0] === 'portal')?.[2]).toBe(0);

    const categories = sheetRows(workbook, 'Solicitudes por categoría');
    expect(categories.find((r) => r[0] === 'falla')).toEqual(['falla', 'Reporte de falla', 1]);
    expect(sheetRows(workbook, 'Solicitudes por categoría, tipo y subtipo')).toContainEqual([
      'aclaracion',
      'aclaracion',
      'Aclaración',
      'cargo_indebido',
      'Cargo indebido',
      1,
    ]);
  });

  it('gives each case’s result as it stood when the month ended', () => {
    const results = sheetRows(workbook, 'Resultado al cierre del mes (2026-10-31)');
    const count = (status: string, reason = '') =>
      results.find((r) => r[0] === status && (r[2] ?? '') === reason)?.[4];
    expect(count('resuelto')).toBe(1);
    expect(count('descartado', 'spam')).toBe(1);
    expect(count('abierto')).toBe(4);
    expect(count('cerrado')).toBe(0);
  });

  it('agrees with the statistics API on deadline compliance and compensations', async () => {
    const compliance = await stats('compliance');
    const sheet = sheetRows(workbook, 'Cumplimiento de plazos (por fecha de vencimiento)');
    for (const [deadlineKind, , metOnTime, metLate, breachedOpen, pendingOnTime] of sheet) {
      const rows = compliance.filter((r) => r.deadlineKind === deadlineKind);
      const sum = (key: string) => rows.reduce((a, r) => a + Number(r[key]), 0);
      expect({ metOnTime, metLate, breachedOpen, pendingOnTime }, String(deadlineKind)).toEqual({
        metOnTime: sum('metOnTime'),
        metLate: sum('metLate'),
        breachedOpen: sum('breachedOpen'),
        pendingOnTime: sum('pendingOnTime'),
      });
    }
    const firstResponse = sheet.find((r) => r[0] === 'primera_respuesta');
    expect(firstResponse?.slice(2, 5)).toEqual([expect.any(Number), 1, expect.any(Number)]);
    expect(Number(firstResponse?.[2])).toBeGreaterThanOrEqual(1);
    expect(Number(firstResponse?.[4])).toBeGreaterThanOrEqual(1);
    expect(Number(sheet.find((r) => r[0] === 'resolucion')?.[3])).toBeGreaterThanOrEqual(1);

    const money = await stats('compensations');
    const comp = sheetRows(workbook, 'Bonificaciones y reembolsos aplicados');
    for (const [compKind, , count, pesos] of comp) {
      const rows = money.filter((r) => r.kind === compKind);
      expect(count, String(compKind)).toBe(rows.reduce((a, r) => a + Number(r.count), 0));
      expect(pesos, String(compKind)).toBe(rows.reduce((a, r) => a + Number(r.amountCentavos), 0) / 100);
    }
    expect(comp.find((r) => r[0] === 'falla')?.slice(2)).toEqual([1, 123.45]);
    expect(comp.find((r) => r[0] === 'cargo_indebido')?.slice(2)).toEqual([1, 500]);
    expect(comp.find((r) => r[0] === 'reembolso')?.slice(2)).toEqual([1, 450]);
    const sheet2 = workbook.getWorksheet(sheetName('Bonificaciones y reembolsos aplicados'));
    expect(sheet2?.getRow(2).font?.bold).toBe(true);
    expect(sheet2?.getColumn(4).numFmt).toBe('#,##0.00');
  });

  it('writes the same figures in the CSV, UTF-8 with BOM and RFC 4180 quoting', () => {
    expect([...csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = csv.toString('utf8').slice(1);
    const rows = parseCsv(text);
    expect(rows[1]).toEqual(['Proveedor (razón social)', 'mo!net']);
    const sections = csvSections(rows);
    const types = sections.get('Solicitudes por tipo');
    expect(types?.[0]).toEqual(['Tipo', 'Nombre', 'Solicitudes']);
    expect(types?.slice(1).map((r) => [r[0], Number(r[2])])).toEqual(
      sheetRows(workbook, 'Solicitudes por tipo').map((r) => [r[0], r[2]]),
    );
    const comp = sections.get('Bonificaciones y reembolsos aplicados');
    expect(comp?.find((r) => r[0] === 'falla')?.slice(2)).toEqual(['1', '123.45']);
    // A title with a comma is quoted.
    expect(text).toContain('\r\n"Solicitudes por categoría, tipo y subtipo"\r\n');
  });

  it('archives the hashes of the bytes it serves, in the list and the download header', async () => {
    const list = await admin.request('GET', '/api/v1/regulator-reports');
    const [item] = list.json();
    expect(item).toMatchObject({
      period: '2026-10',
      csvSha256: sha256(csv),
      xlsxSha256: sha256(xlsx),
      csvBytes: csv.length,
      xlsxBytes: xlsx.length,
      generatedBy: expect.any(String),
    });
    const download = await admin.request('GET', '/api/v1/regulator-reports/2026-10/xlsx');
    expect(download.headers['x-content-sha256']).toBe(sha256(download.rawPayload));
    expect(download.headers['content-disposition']).toBe(
      'attachment; filename="reporte-regulador-2026-10.xlsx"',
    );
  });

  it('refuses to change, remove or regenerate an archived report', async () => {
    const db = app.atiende.ctx.db;
    await expect(
      db.update(regulatorReports).set({ csvSha256: 'x' }).where(eq(regulatorReports.period, '2026-10')),
    ).rejects.toThrow();
    await expect(db.delete(regulatorReports).where(eq(regulatorReports.period, '2026-10'))).rejects.toThrow();
    const again = await admin.request('POST', '/api/v1/regulator-reports', { period: '2026-10' });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('regulator_report.exists');
  });

  it('refuses the current month, a future one, one before the records and a malformed one', async () => {
    for (const period of ['2026-11', '2027-01']) {
      const response = await admin.request('POST', '/api/v1/regulator-reports', { period });
      expect(response.statusCode).toBe(422);
      expect(response.json().code).toBe('regulator_report.period_not_closed');
    }
    const early = await admin.request('POST', '/api/v1/regulator-reports', { period: '2025-01' });
    expect(early.statusCode).toBe(422);
    expect(early.json().code).toBe('regulator_report.before_records');
    for (const period of ['2026-13', '2026-1', "2026-10' or 1=1", '']) {
      const response = await admin.request('POST', '/api/v1/regulator-reports', { period });
      expect(response.statusCode, period).toBe(400);
    }
    expect((await admin.request('GET', '/api/v1/regulator-reports/2026-09/csv')).statusCode).toBe(404);
    expect((await admin.request('GET', '/api/v1/regulator-reports/..%2F/csv')).statusCode).toBe(400);
  });

  it('is for admins only', async () => {
    expect((await agent.request('GET', '/api/v1/regulator-reports')).statusCode).toBe(403);
    expect((await agent.request('POST', '/api/v1/regulator-reports', { period: '2026-09' })).statusCode).toBe(
      403,
    );
    expect((await agent.request('GET', '/api/v1/regulator-reports/2026-10/csv')).statusCode).toBe(403);
    const supervisor = await app.sessionAs('supervisor');
    expect((await supervisor.request('GET', '/api/v1/regulator-reports/2026-10/xlsx')).statusCode).toBe(403);
  });

  it('the monthly job waits for the configured hour, then stores one report however many run it', async () => {
    const ctx = app.atiende.ctx;
    clock.set(new Date(Date.UTC(2026, 11, 1, 6 + 3))); // 03:00 on 1 December: before the 06:00 default
    expect(await generatePreviousMonthReport(ctx)).toBeUndefined();
    clock.set(new Date(Date.UTC(2026, 11, 1, 6 + 6, 7)));
    const runs = await Promise.all([generatePreviousMonthReport(ctx), generatePreviousMonthReport(ctx)]);
    expect(runs.filter((r) => r === '2026-11')).toHaveLength(1);
    const rows = await ctx.db.select().from(regulatorReports).where(eq(regulatorReports.period, '2026-11'));
    expect(rows).toHaveLength(1);
    expect(rows[0]?.generatedByAgentId).toBeNull();
    const recorded = await ctx.db
      .select()
      .from(events)
      .where(eq(events.kind, 'regulator_report_generated'))
      .orderBy(events.id);
    expect(recorded.map((e) => [e.actorKind, e.actorRule, (e.after as { period: string }).period])).toEqual([
      ['agente', null, '2026-10'],
      ['sistema', 'reporte_al_regulador', '2026-11'],
    ]);
    clock.set(new Date(Date.UTC(2026, 11, 2, 12)));
    expect(await generatePreviousMonthReport(ctx)).toBeUndefined();
  });
});
