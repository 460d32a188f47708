import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { postLedgerEntries } from '../accounts/ledger.service.ts';
import { systemActor } from '../auth/system-rules.ts';
import { ManualClock } from '../clock.ts';
import { areas, cases, events, ledgerEntries, plans, serviceSuspensions, services } from '../db/schema.ts';
import { type Session, startTestApp, type TestApp } from '../test/app.ts';
import { describeEachDatabase } from '../test/databases.ts';
import { reconcileSuspensions, suspendService } from './service-suspension.service.ts';
import { REACTIVATION_JOB, reactivateOnDate } from './suspension-jobs.ts';

// Monday 7 December 2026, 10:00 in Monterrey (UTC−6).
const NOW = new Date('2026-12-07T16:00:00Z');

describeEachDatabase('suspending and reactivating a service', (kind) => {
  let app: TestApp;
  const clock = new ManualClock(NOW);
  let agent: Session;
  let supervisor: Session;
  let sequence = 0;
  let planId: number;
  let cheapPlanId: number;
  let areaIds: number[] = [];

  beforeAll(async () => {
    app = await startTestApp(kind, { clock, work: false });
    areaIds = (await app.atiende.ctx.db.select({ id: areas.id }).from(areas)).map((a) => a.id);
    agent = await app.sessionAs('agent', areaIds);
    supervisor = await app.sessionAs('supervisor');
    const [plan, cheap] = await app.atiende.ctx.db
      .insert(plans)
      .values([
        { code: `fibra-350-${kind}`, name: 'Fibra 350', monthlyPriceCentavos: 35_000 },
        { code: `fibra-100-${kind}`, name: 'Fibra 100', monthlyPriceCentavos: 10_000 },
      ])
      .returning();
    planId = plan?.id as number;
    cheapPlanId = cheap?.id as number;
  });
  afterAll(() => app?.close());

  const db = () => app.atiende.ctx.db;

  /** A case by e-mail about a service of its customer; `subtype` as the classification would give it. */
  async function caseWithService(
    requestType: string,
    options: { subtype?: string; plan?: number; status?: 'activo' | 'suspendido' } = {},
  ) {
    sequence += 1;
    const opened = await agent.request('POST', '/api/v1/cases', {
      requestType,
      channel: 'email',
      contact: { kind: 'email', address: `suspension${sequence}.${kind}@example.test` },
      customerName: 'Sofía Treviño',
      description: 'Me voy de viaje tres semanas',
    });
    expect(opened.statusCode).toBe(201);
    const { folio, customer } = opened.json() as { folio: string; customer: { id: string } };
    const [service] = await db()
      .insert(services)
      .values({ customerId: customer.id, status: 'activo', cutoffDay: 10, planId: options.plan ?? planId })
      .returning();
    const serviceId = service?.id as string;
    await db()
      .update(cases)
      .set({ serviceId, subtype: options.subtype ?? null })
      .where(eq(cases.folio, folio));
    return { folio, serviceId, customerId: customer.id };
  }

  const suspensionsOf = (serviceId: string) =>
    db().select().from(serviceSuspensions).where(eq(serviceSuspensions.serviceId, serviceId));
  const serviceRow = async (serviceId: string) =>
    (await db().select().from(services).where(eq(services.id, serviceId)))[0];
  const eventsOf = async (serviceId: string, kindOf: string) =>
    db()
      .select()
      .from(events)
      .where(and(eq(events.subjectId, serviceId), eq(events.kind, kindOf as 'service_suspended')));

  it('suspends at the customer’s request until a date within the limits, and a job reactivates it on that date, once', async () => {
    clock.set(NOW);
    const { folio, serviceId } = await caseWithService('suspension');
    const ask = (body: Record<string, unknown>) =>
      agent.request('POST', `/api/v1/cases/${folio}/suspension`, body);
    for (const body of [{}, { reactivateOn: '2026-12-13' }, { reactivateOn: '2027-03-08' }]) {
      const refused = await ask(body);
      expect(refused.statusCode).toBe(422);
      expect(refused.json()).toMatchObject({
        code: 'suspension.reactivate_on',
        field: 'reactivateOn',
        min: '2026-12-14',
        max: '2027-03-07',
      });
    }
    expect((await ask({ reactivateOn: '14/12/2026' })).statusCode).toBe(400);
    expect(await suspensionsOf(serviceId)).toEqual([]);
    expect(await serviceRow(serviceId)).toMatchObject({ status: 'activo' });

    const suspended = await ask({ reactivateOn: '2026-12-14' });
    expect(suspended.statusCode).toBe(200);
    expect(suspended.json()).toMatchObject({
      theftOrLoss: false,
      service: { id: serviceId, status: 'suspendido', suspensionReason: 'solicitud_del_cliente' },
      current: { reason: 'solicitud_del_cliente', reactivateOn: '2026-12-14', endedAt: null },
    });
    const [row] = await suspensionsOf(serviceId);
    expect(row).toMatchObject({ startedAt: NOW, actorKind: 'agente', endedAt: null });
    const jobs = (await app.atiende.ctx.jobs.findJobs(REACTIVATION_JOB)).filter(
      (j) => (j.data as { suspensionId: string }).suspensionId === row?.id,
    );
    // Midnight in Monterrey as 14 December starts.
    expect(jobs.map((j) => j.startAfter)).toEqual([new Date('2026-12-14T06:00:00Z')]);
    expect((await ask({ reactivateOn: '2026-12-20' })).json()).toMatchObject({ code: 'service.transition' });

    clock.set(new Date('2026-12-14T06:00:05Z'));
    await reactivateOnDate(app.atiende.ctx, { suspensionId: row?.id as string });
    await reactivateOnDate(app.atiende.ctx, { suspensionId: row?.id as string });
    expect(await serviceRow(serviceId)).toMatchObject({ status: 'activo', suspensionReason: null });
    expect(await suspensionsOf(serviceId)).toMatchObject([{ endedAt: new Date('2026-12-14T06:00:05Z') }]);
    const reactivated = await eventsOf(serviceId, 'service_reactivated');
    expect(reactivated.map((e) => [e.actorKind, e.actorRule, e.caseId !== null])).toEqual([
      ['sistema', 'reactivacion_programada', true],
    ]);
  });

  it('lets the customer come back before the date; the job then finds the suspension ended', async () => {
    clock.set(NOW);
    const { folio, serviceId } = await caseWithService('suspension');
    await agent.request('POST', `/api/v1/cases/${folio}/suspension`, { reactivateOn: '2027-01-10' });
    const [row] = await suspensionsOf(serviceId);
    clock.set(new Date('2026-12-20T16:00:00Z'));
    agent = await app.sessionAs('agent', areaIds);
    const back = await agent.request('POST', `/api/v1/cases/${folio}/suspension/reactivation`, {});
    expect(back.statusCode).toBe(200);
    expect(back.json()).toMatchObject({ service: { status: 'activo' }, current: null });
    await reactivateOnDate(app.atiende.ctx, { suspensionId: row?.id as string });
    expect(await eventsOf(serviceId, 'service_reactivated')).toHaveLength(1);
    expect(await suspensionsOf(serviceId)).toMatchObject([
      { endedAt: new Date('2026-12-20T16:00:00Z'), reactivateOn: '2027-01-10' },
    ]);
    const again = await agent.request('POST', `/api/v1/cases/${folio}/suspension/reactivation`, {});
    expect(again.json()).toMatchObject({ status: 409, code: 'suspension.not_by_request' });
    clock.set(NOW);
    agent = await app.sessionAs('agent', areaIds);
  });

  it('suspends at once for theft or loss, with no end date, replacing a non-payment suspension', async () => {
    clock.set(NOW);
    const { folio, serviceId } = await caseWithService('suspension', { subtype: 'robo_extravio' });
    const dated = await agent.request('POST', `/api/v1/cases/${folio}/suspension`, {
      reactivateOn: '2026-12-20',
    });
    expect(dated.json()).toMatchObject({ code: 'suspension.theft_without_date', field: 'reactivateOn' });
    await db().transaction((tx) =>
      suspendService(tx, {
        serviceId,
        reason: 'falta_de_pago',
        actor: systemActor('suspension_por_falta_de_pago'),
        now: new Date('2026-12-01T16:00:00Z'),
        rules: ['adeudo_vencido'],
      }),
    );
    const theft = await agent.request('POST', `/api/v1/cases/${folio}/suspension`, {});
    expect(theft.statusCode).toBe(200);
    expect(theft.json()).toMatchObject({
      theftOrLoss: true,
      service: { status: 'suspendido', suspensionReason: 'robo_o_extravio' },
      current: { reason: 'robo_o_extravio', reactivateOn: null, startedAt: NOW.toISOString() },
    });
    const rows = await suspensionsOf(serviceId);
    expect(rows.map((r) => [r.reason, r.endedAt, r.rules]).sort()).toEqual([
      ['falta_de_pago', NOW, ['adeudo_vencido']],
      ['robo_o_extravio', null, ['robo_o_extravio']],
    ]);
    expect((await agent.request('POST', `/api/v1/cases/${folio}/suspension`, {})).statusCode).toBe(409);
    const back = await agent.request('POST', `/api/v1/cases/${folio}/suspension/reactivation`, {});
    expect(back.json()).toMatchObject({ service: { status: 'activo', suspensionReason: null } });

    const other = await caseWithService('saldo');
    expect(
      (await agent.request('POST', `/api/v1/cases/${other.folio}/suspension`, { reactivateOn: '2026-12-20' }))
        .statusCode,
    ).toBe(409);
  });

  it('refuses a non-payment suspension by hand; other reasons by hand keep their record', async () => {
    clock.set(NOW);
    const { serviceId } = await caseWithService('saldo');
    const change = (body: Record<string, unknown>) =>
      supervisor.request('POST', `/api/v1/services/${serviceId}/status`, body);
    const manual = await change({ status: 'suspendido', suspensionReason: 'falta_de_pago' });
    expect(manual.statusCode).toBe(422);
    expect(manual.json()).toMatchObject({
      code: 'service.suspension_by_rule',
      field: 'suspensionReason',
    });
    expect(await suspensionsOf(serviceId)).toEqual([]);
    expect(await serviceRow(serviceId)).toMatchObject({ status: 'activo' });

    expect((await change({ status: 'suspendido', suspensionReason: 'uso_indebido' })).json()).toMatchObject({
      status: 'suspendido',
      suspensionReason: 'uso_indebido',
    });
    expect(await suspensionsOf(serviceId)).toMatchObject([{ reason: 'uso_indebido', endedAt: null }]);
    await change({ status: 'activo' });
    expect(await suspensionsOf(serviceId)).toMatchObject([{ reason: 'uso_indebido', endedAt: NOW }]);
    await change({ status: 'suspendido', suspensionReason: 'uso_indebido' });
    await change({ status: 'cancelado' });
    const rows = await suspensionsOf(serviceId);
    expect(rows.filter((r) => r.endedAt === null)).toEqual([]);
  });

  it('records a prior notice given outside Atiende, never dated after today', async () => {
    clock.set(NOW);
    const { serviceId } = await caseWithService('saldo');
    const url = `/api/v1/services/${serviceId}/suspension-notices`;
    expect(
      (await agent.request('POST', url, { noticedOn: '2026-12-07', outcome: 'entregado' })).statusCode,
    ).toBe(403);
    const future = await supervisor.request('POST', url, { noticedOn: '2026-12-08', outcome: 'entregado' });
    expect(future.json()).toMatchObject({
      status: 422,
      code: 'suspension.notice_future',
      field: 'noticedOn',
    });
    expect(
      (await supervisor.request('POST', url, { noticedOn: '2026-12-07', outcome: 'leido' })).statusCode,
    ).toBe(400);
    const recorded = await supervisor.request('POST', url, {
      noticedOn: '2026-12-04',
      outcome: 'no_entregable',
    });
    expect(recorded.statusCode).toBe(201);
    expect(recorded.json()).toMatchObject({ serviceId, outcome: 'no_entregable', noticedOn: '2026-12-04' });
    expect((await eventsOf(serviceId, 'suspension_notice_recorded')).map((e) => e.actorKind)).toEqual([
      'agente',
    ]);
    const unknown = await supervisor.request(
      'POST',
      '/api/v1/services/00000000-0000-4000-8000-000000000000/suspension-notices',
      { noticedOn: '2026-12-04', outcome: 'entregado' },
    );
    expect(unknown.statusCode).toBe(404);
  });

  it('brings the records in line with statuses written in bulk by the customers import', async () => {
    clock.set(NOW);
    const importer = systemActor('datos_de_demostracion');
    const { serviceId: cut } = await caseWithService('saldo');
    const { serviceId: back } = await caseWithService('saldo');
    await db().transaction((tx) =>
      suspendService(tx, { serviceId: back, reason: 'uso_indebido', actor: importer, now: NOW }),
    );
    // What the import's set-based statements leave: one service cut off, another back in service.
    await db()
      .update(services)
      .set({ status: 'suspendido', suspensionReason: 'falta_de_pago' })
      .where(eq(services.id, cut));
    await db()
      .update(services)
      .set({ status: 'activo', suspensionReason: null })
      .where(eq(services.id, back));
    const later = new Date('2026-12-08T16:00:00Z');
    await db().transaction((tx) => reconcileSuspensions(tx, [cut, back], importer, later));
    await db().transaction((tx) => reconcileSuspensions(tx, [cut, back], importer, later));
    expect(await suspensionsOf(cut)).toMatchObject([
      { reason: 'falta_de_pago', startedAt: later, endedAt: null, actorKind: 'sistema' },
    ]);
    expect(await suspensionsOf(back)).toMatchObject([{ reason: 'uso_indebido', endedAt: later }]);
  });

  it('charges a reconnection fee up to 20 % of the monthly payment, by hand or when a payment ends the suspension', async () => {
    clock.set(NOW);
    const { folio, serviceId } = await caseWithService('saldo');
    const fee = (feeCentavos: number, on = folio) =>
      agent.request('POST', `/api/v1/cases/${on}/reconnection-fee`, { feeCentavos });
    // Never suspended for non-payment, so never reconnected: no fee is owed.
    const noReconnection = await fee(7_000);
    expect(noReconnection.statusCode).toBe(409);
    expect(noReconnection.json()).toMatchObject({ code: 'reconnection_fee.no_reconnection' });
    await db().transaction((tx) =>
      suspendService(tx, {
        serviceId,
        reason: 'falta_de_pago',
        actor: systemActor('suspension_por_falta_de_pago'),
        now: NOW,
      }),
    );
    const reconnected = await supervisor.request('POST', `/api/v1/services/${serviceId}/status`, {
      status: 'activo',
    });
    expect(reconnected.statusCode, reconnected.body).toBe(200);
    const above = await fee(7_001);
    expect(above.statusCode).toBe(422);
    expect(above.json()).toMatchObject({
      code: 'reconnection_fee.above_cap',
      field: 'feeCentavos',
      capCentavos: 7_000,
    });
    const atCap = await fee(7_000);
    expect(atCap.statusCode).toBe(201);
    expect(atCap.json()).toMatchObject({
      feeCentavos: 7_000,
      capCentavos: 7_000,
      effectiveDate: '2026-12-07',
    });
    // One reconnection, one fee.
    const again = await fee(7_000);
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: 'reconnection_fee.already_charged' });
    const entries = await db().select().from(ledgerEntries).where(eq(ledgerEntries.serviceId, serviceId));
    expect(entries.map((e) => [e.kind, e.amountCentavos, e.reference])).toEqual([
      ['cargo', 7_000, 'reconexion'],
    ]);

    const rights = (await supervisor.request('GET', '/api/v1/settings')).json().rights;
    const admin = await app.sessionAs('admin');
    const saved = await admin.request('PATCH', '/api/v1/settings/rights', {
      ...rights,
      reconnectionFee: { ...rights.reconnectionFee, amountCentavos: 5_000 },
    });
    expect(saved.statusCode).toBe(200);
    await app.atiende.ctx.settings.current(db());

    // Suspended for non-payment, paid in full on a case, then reconnected by the technician's supervisor.
    for (const [plan, charged] of [
      [planId, true],
      [cheapPlanId, false],
    ] as const) {
      const owing = await caseWithService('saldo', { plan });
      await postLedgerEntries(
        db(),
        [{ serviceId: owing.serviceId, kind: 'cargo', amountCentavos: 35_000, effectiveDate: '2026-11-01' }],
        systemActor('datos_de_demostracion'),
      );
      await db().transaction((tx) =>
        suspendService(tx, {
          serviceId: owing.serviceId,
          reason: 'falta_de_pago',
          actor: systemActor('suspension_por_falta_de_pago'),
          now: NOW,
        }),
      );
      const paid = await agent.request('POST', `/api/v1/cases/${owing.folio}/payments`, {
        serviceId: owing.serviceId,
        amountCentavos: 35_000,
        paidOn: '2026-12-07',
        method: 'oxxo',
      });
      expect(paid.statusCode).toBe(201);
      const back = await supervisor.request('POST', `/api/v1/services/${owing.serviceId}/status`, {
        status: 'activo',
      });
      expect(back.json()).toMatchObject({ status: 'activo' });
      const fees = await db()
        .select()
        .from(ledgerEntries)
        .where(and(eq(ledgerEntries.serviceId, owing.serviceId), eq(ledgerEntries.reference, 'reconexion')));
      expect(fees.map((e) => e.amountCentavos)).toEqual(charged ? [5_000] : []);
      // Charged automatically on the reconnection: not again by hand.
      const byHand = await fee(2_000, owing.folio);
      expect(byHand.statusCode).toBe(charged ? 409 : 201);
      if (charged) expect(byHand.json()).toMatchObject({ code: 'reconnection_fee.already_charged' });
      const [event] = await eventsOf(owing.serviceId, 'service_reactivated');
      expect(event?.after).toMatchObject({
        reconnectionMet: true,
        reconnectionFee: charged
          ? { amountCentavos: 5_000, capCentavos: 7_000, charged: true }
          : { amountCentavos: 5_000, capCentavos: 2_000, charged: false, why: 'excede_tope' },
      });
    }
    await admin.request('PATCH', '/api/v1/settings/rights', rights);
    await app.atiende.ctx.settings.current(db());
  });
});
