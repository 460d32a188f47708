import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ledgerExportFile } from '../accounts/ledger-export.ts';
import { ManualClock } from '../clock.ts';
import { areas, cases, events, ledgerEntries, messages, plans, services } from '../db/schema.ts';
import { type Session, startTestApp, type TestApp } from '../test/app.ts';
import { describeEachDatabase } from '../test/databases.ts';

// Monterrey is UTC−6 all year: the report at 10:00 there on 25 November.
const REPORT = new Date('2026-11-25T16:00:00Z');
const HOUR = 3_600_000;
const TIME_ZONE = 'America/Monterrey';
const after = (hours: number) => new Date(REPORT.getTime() + hours * HOUR);

describeEachDatabase('the bonificación credited when a failure is resolved', (kind) => {
  let app: TestApp;
  const clock = new ManualClock(REPORT);
  let soporte: Session;
  let areaId: number;
  let planId: number;
  let sequence = 0;

  /** Moves the clock, with a fresh session: one opened days earlier has expired by then. */
  const at = async (instant: Date) => {
    clock.set(instant);
    soporte = await app.sessionAs('agent', [areaId]);
  };

  beforeAll(async () => {
    app = await startTestApp(kind, { clock, work: false });
    const db = app.atiende.ctx.db;
    const [area] = await db.select().from(areas).where(eq(areas.code, 'soporte_tecnico'));
    areaId = area?.id as number;
    // November (cut-off day 15): 16 November → 15 December is a 30-day period.
    const [plan] = await db
      .insert(plans)
      .values({ code: `fibra-350-${kind}`, name: 'Fibra 350', monthlyPriceCentavos: 35_000 })
      .returning();
    planId = plan?.id as number;
  });
  afterAll(() => app?.close());

  /** A falla by e-mail (so the notice always goes out), in progress, for a customer with `withService`. */
  async function openFalla(withService: boolean) {
    await at(REPORT);
    sequence += 1;
    const opened = await soporte.request('POST', '/api/v1/cases', {
      requestType: 'falla',
      channel: 'email',
      contact: { kind: 'email', address: `falla${sequence}.${kind}@example.test` },
      customerName: 'Rosa Martínez',
      description: 'Sin internet desde la mañana',
    });
    expect(opened.statusCode).toBe(201);
    const kase = opened.json() as { folio: string; id: string; customer: { id: string } };
    let serviceId: string | undefined;
    if (withService) {
      const [service] = await app.atiende.ctx.db
        .insert(services)
        .values({ customerId: kase.customer.id, status: 'activo', planId, cutoffDay: 15 })
        .returning();
      serviceId = service?.id as string;
    }
    expect((await status(kase.folio, { status: 'en_proceso' })).statusCode).toBe(200);
    return { ...kase, serviceId };
  }
  const status = (folio: string, body: Record<string, unknown>) =>
    soporte.request('POST', `/api/v1/cases/${folio}/status`, body);
  const resolve = async (
    folio: string,
    causeCode: string,
    restoredAfterHours: number,
    resolvedAfterHours = 60,
  ) => {
    await at(after(resolvedAfterHours));
    return status(folio, {
      status: 'resuelto',
      causeCode,
      serviceRestoredAt: after(restoredAfterHours).toISOString(),
    });
  };
  const credits = (caseId: string) =>
    app.atiende.ctx.db
      .select()
      .from(ledgerEntries)
      .where(and(eq(ledgerEntries.caseId, caseId), eq(ledgerEntries.kind, 'bonificacion')));
  const eventsOf = async (caseId: string, eventKind: string) =>
    (await app.atiende.ctx.db.select().from(events).where(eq(events.caseId, caseId))).filter(
      (e) => e.kind === eventKind,
    );
  const noticesOf = async (caseId: string) =>
    (
      await app.atiende.ctx.db
        .select()
        .from(messages)
        .where(and(eq(messages.caseId, caseId), eq(messages.kind, 'saliente')))
    ).map((m) => m.body);

  it('credits the worked example once at the next cut-off, tells the customer and lists it once in the export', async () => {
    const kase = await openFalla(true);
    await app.atiende.ctx.db.update(cases).set({ serviceId: kase.serviceId }).where(eq(cases.id, kase.id));

    expect((await resolve(kase.folio, 'atribuible_proveedor', 50)).statusCode).toBe(200);

    const [credit, ...more] = await credits(kase.id);
    expect(more).toEqual([]);
    expect(credit).toMatchObject({
      serviceId: kase.serviceId,
      amountCentavos: -2_917,
      effectiveDate: '2026-12-15',
      reference: kase.folio,
      sourceKey: `compensation:${kase.id}`,
      actorKind: 'sistema',
      actorRule: 'bonificacion_automatica',
    });
    const [posted] = await eventsOf(kase.id, 'compensation_posted');
    expect(posted?.after).toMatchObject({
      reason: 'atribuible_proveedor',
      monthlyPriceCentavos: 35_000,
      affectedMinutes: 3_000,
      parts: [{ periodDays: 30, minutes: 3_000 }],
      bonusPercent: 20,
      totalCentavos: 2_917,
      effectiveDate: '2026-12-15',
      explanation: 'Bonificación: 50 h sin servicio × $350.00 MXN / 720 h + 20 % = $29.17 MXN',
    });
    const [notice] = (await noticesOf(kase.id)).filter((body) => body.includes('quedó resuelto'));
    expect(notice).toContain(
      'Se aplicará una bonificación de $29.17 MXN en la próxima fecha de corte (15 de diciembre de 2026).',
    );

    // Reopened and resolved again with a later restoration: the first credit stands, the new amount is recorded.
    await at(after(61));
    expect((await status(kase.folio, { status: 'en_proceso' })).statusCode).toBe(200);
    expect((await resolve(kase.folio, 'atribuible_proveedor', 55, 62)).statusCode).toBe(200);
    expect(await credits(kase.id)).toHaveLength(1);
    const [again] = await eventsOf(kase.id, 'compensation_not_posted');
    expect(again?.after).toMatchObject({
      reason: 'ya_aplicada',
      affectedMinutes: 3_300,
      totalCentavos: 3_208,
    });
    const resolutions = (await noticesOf(kase.id)).filter((body) => body.includes('quedó resuelto'));
    expect(resolutions).toHaveLength(2);
    expect(resolutions[1]).not.toContain('bonificación');

    const csv = await ledgerExportFile(
      app.atiende.ctx.db,
      { from: '2026-11-27', to: '2026-11-28', kinds: 'bonificacion' },
      TIME_ZONE,
    );
    expect(csv.split('\n').filter((line) => line.includes(kase.folio))).toHaveLength(1);
  });

  it('credits the customer’s only service when the case names none', async () => {
    const kase = await openFalla(true);
    expect((await resolve(kase.folio, 'atribuible_proveedor', 50)).statusCode).toBe(200);
    expect((await credits(kase.id)).map((c) => [c.serviceId, c.amountCentavos])).toEqual([
      [kase.serviceId, -2_917],
    ]);
  });

  it('owes nothing for force majeure up to the threshold after the report, and credits it beyond', async () => {
    const within = await openFalla(true);
    expect((await resolve(within.folio, 'fuerza_mayor', 24)).statusCode).toBe(200);
    expect(await credits(within.id)).toEqual([]);
    expect(await eventsOf(within.id, 'compensation_posted')).toEqual([]);
    const [notice] = (await noticesOf(within.id)).filter((body) => body.includes('quedó resuelto'));
    expect(notice).not.toContain('bonificación');

    const beyond = await openFalla(true);
    expect((await resolve(beyond.folio, 'fuerza_mayor', 50)).statusCode).toBe(200);
    expect((await credits(beyond.id)).map((c) => c.amountCentavos)).toEqual([-2_917]);
  });

  it('posts nothing for another cause, and records why when the customer has no service', async () => {
    const other = await openFalla(true);
    expect((await resolve(other.folio, 'atribuible_cliente', 50)).statusCode).toBe(200);
    expect(await credits(other.id)).toEqual([]);
    expect(await eventsOf(other.id, 'compensation_not_posted')).toEqual([]);

    const none = await openFalla(false);
    expect((await resolve(none.folio, 'atribuible_proveedor', 50)).statusCode).toBe(200);
    expect(await credits(none.id)).toEqual([]);
    expect((await eventsOf(none.id, 'compensation_not_posted')).map((e) => e.after)).toEqual([
      { reason: 'sin_servicio' },
    ]);
  });
});
