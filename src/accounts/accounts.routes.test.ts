import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.ts';
import { uniquePhone } from '../customers/customers.factories.ts';
import { events, services } from '../db/schema.ts';
import { type Session, startTestApp, type TestApp } from '../test/app.ts';
import { describeEachDatabase } from '../test/databases.ts';
import { exportLedgerCsv } from './ledger-export.ts';

describeEachDatabase('accounts API', (kind) => {
  let app: TestApp;
  let agent: Session;
  let supervisor: Session;
  let admin: Session;
  // 18:00 UTC is noon in Monterrey: the provider's today is 2026-11-25.
  const clock = new ManualClock(new Date('2026-11-25T18:00:00Z'));
  let planId: number;
  let zoneId: number;

  beforeAll(async () => {
    app = await startTestApp(kind, { clock, work: false });
    agent = await app.sessionAs('agent');
    supervisor = await app.sessionAs('supervisor');
    admin = await app.sessionAs('admin');
    const plan = await admin.request('POST', '/api/v1/plans', {
      code: 'HOGAR-20',
      name: 'Hogar 20 Mbps',
      monthlyPriceCentavos: 35_000,
      downloadMbps: 20,
      uploadMbps: 5,
    });
    expect(plan.statusCode, plan.body).toBe(201);
    planId = plan.json().id;
    const zone = await admin.request('POST', '/api/v1/zones', { code: 'TORRE-3', name: 'Torre 3' });
    expect(zone.statusCode, zone.body).toBe(201);
    zoneId = zone.json().id;
  });
  afterAll(() => app?.close());

  const newCustomer = async () => {
    const response = await agent.request('POST', '/api/v1/customers', {
      contactPoints: [{ kind: 'phone', address: uniquePhone() }],
    });
    expect(response.statusCode, response.body).toBe(201);
    return response.json().id as string;
  };
  const newService = async (customerId: string, body: Record<string, unknown> = {}) => {
    const response = await supervisor.request('POST', `/api/v1/customers/${customerId}/services`, {
      planId,
      zoneId,
      cutoffDay: 5,
      ...body,
    });
    expect(response.statusCode, response.body).toBe(201);
    return response.json() as {
      id: string;
      status: string;
      balance: { centavos: number; formatted: string };
    };
  };
  const post = (serviceId: string, body: Record<string, unknown>, as = supervisor) =>
    as.request('POST', `/api/v1/services/${serviceId}/ledger`, { effectiveDate: '2026-11-25', ...body });

  describe('plans and zones', () => {
    it('lets admins add and change them, everyone read them, and refuses others', async () => {
      expect(
        (await agent.request('POST', '/api/v1/plans', { code: 'X', name: 'X', monthlyPriceCentavos: 1 }))
          .statusCode,
      ).toBe(403);
      expect((await supervisor.request('PATCH', `/api/v1/zones/${zoneId}`, { name: 'Y' })).statusCode).toBe(
        403,
      );
      const taken = await admin.request('POST', '/api/v1/plans', {
        code: 'HOGAR-20',
        name: 'Otro',
        monthlyPriceCentavos: 1,
      });
      expect(taken.statusCode).toBe(409);
      expect(taken.json()).toMatchObject({ code: 'plan.code_taken', field: 'code' });

      const changed = await admin.request('PATCH', `/api/v1/plans/${planId}`, {
        monthlyPriceCentavos: 39_900,
      });
      expect(changed.json()).toMatchObject({ monthlyPrice: { centavos: 39_900, formatted: '$399.00 MXN' } });
      await admin.request('PATCH', `/api/v1/plans/${planId}`, { monthlyPriceCentavos: 35_000 });
      const plans = await agent.request('GET', '/api/v1/plans');
      expect(plans.json()).toEqual([
        expect.objectContaining({ code: 'HOGAR-20', technology: 'inalambrico' }),
      ]);
    });

    it('keeps the zone tree free of loops and time zones valid', async () => {
      const sector = await admin.request('POST', '/api/v1/zones', {
        code: 'SECTOR-3A',
        name: 'Sector 3A',
        parentId: zoneId,
        timeZone: 'America/Mexico_City',
      });
      expect(sector.statusCode, sector.body).toBe(201);
      const loop = await admin.request('PATCH', `/api/v1/zones/${zoneId}`, { parentId: sector.json().id });
      expect(loop.statusCode).toBe(422);
      expect(loop.json()).toMatchObject({ code: 'zone.cycle', field: 'parentId' });
      const self = await admin.request('PATCH', `/api/v1/zones/${zoneId}`, { parentId: zoneId });
      expect(self.json()).toMatchObject({ code: 'zone.cycle' });
      const unknownParent = await admin.request('POST', '/api/v1/zones', {
        code: 'Z9',
        name: 'Z',
        parentId: 999_999,
      });
      expect(unknownParent.json()).toMatchObject({ code: 'zone.not_found', field: 'parentId' });
      const badZone = await admin.request('POST', '/api/v1/zones', {
        code: 'Z8',
        name: 'Z',
        timeZone: 'Mars/Olympus',
      });
      expect(badZone.statusCode).toBe(400);
      const moved = await admin.request('PATCH', `/api/v1/zones/${sector.json().id}`, { parentId: null });
      expect(moved.json()).toMatchObject({ parentId: null, timeZone: 'America/Mexico_City' });
    });
  });

  describe('services', () => {
    it('adds, lists and changes a customer’s services, each change an event', async () => {
      const customerId = await newCustomer();
      expect(
        (await agent.request('POST', `/api/v1/customers/${customerId}/services`, { cutoffDay: 5 }))
          .statusCode,
      ).toBe(403);
      const service = await newService(customerId, {
        externalRef: `SRV-${customerId.slice(0, 8)}`,
        installAddress: 'Calle Ñandú 12',
      });
      const dup = await supervisor.request('POST', `/api/v1/customers/${customerId}/services`, {
        externalRef: `SRV-${customerId.slice(0, 8)}`,
        cutoffDay: 5,
      });
      expect(dup.json()).toMatchObject({ code: 'service.external_ref_taken', field: 'externalRef' });
      const unknownPlan = await supervisor.request('POST', `/api/v1/customers/${customerId}/services`, {
        planId: 999_999,
        cutoffDay: 5,
      });
      expect(unknownPlan.statusCode).toBe(422);
      expect(unknownPlan.json()).toMatchObject({ code: 'plan.not_found', field: 'planId' });

      const changed = await supervisor.request('PATCH', `/api/v1/services/${service.id}`, {
        cutoffDay: 31,
        installAddress: 'Calle Ñandú 14',
      });
      expect(changed.statusCode, changed.body).toBe(200);
      expect(changed.json()).toMatchObject({ cutoffDay: 31, installAddress: 'Calle Ñandú 14' });

      const list = await agent.request('GET', `/api/v1/customers/${customerId}/services`);
      expect(list.json()).toEqual([
        expect.objectContaining({
          id: service.id,
          status: 'activo',
          plan: expect.objectContaining({
            code: 'HOGAR-20',
            monthlyPrice: { centavos: 35_000, formatted: '$350.00 MXN' },
          }),
          zone: expect.objectContaining({ code: 'TORRE-3' }),
          balance: { centavos: 0, formatted: '$0.00 MXN' },
        }),
      ]);
      const recorded = await app.atiende.ctx.db
        .select({ kind: events.kind, before: events.before, after: events.after })
        .from(events)
        .where(and(eq(events.subjectKind, 'service'), eq(events.subjectId, service.id)))
        .orderBy(asc(events.id));
      expect(recorded.map((e) => e.kind)).toEqual(['service_created', 'service_changed']);
      expect(JSON.stringify(recorded)).not.toContain('Ñandú');
    });

    it('moves a service only along the transition table, a suspension with its reason', async () => {
      const customerId = await newCustomer();
      const service = await newService(customerId, { status: 'pendiente_instalacion' });
      const change = (body: Record<string, unknown>) =>
        supervisor.request('POST', `/api/v1/services/${service.id}/status`, body);
      expect(
        (await change({ status: 'suspendido', suspensionReason: 'falta_de_pago' })).json(),
      ).toMatchObject({
        code: 'service.transition',
      });
      // Installed only on its contratación case, where the instant and the installation's clock are kept.
      expect((await change({ status: 'activo' })).json()).toMatchObject({
        status: 409,
        code: 'service.installation_required',
        field: 'status',
      });
      await app.atiende.ctx.db.update(services).set({ status: 'activo' }).where(eq(services.id, service.id));
      const noReason = await change({ status: 'suspendido' });
      expect(noReason.statusCode).toBe(422);
      expect(noReason.json()).toMatchObject({ field: 'suspensionReason' });
      // Non-payment is suspended by its rules only, never by hand.
      expect(
        (await change({ status: 'suspendido', suspensionReason: 'falta_de_pago' })).json(),
      ).toMatchObject({ status: 422, code: 'service.suspension_by_rule', field: 'suspensionReason' });
      expect((await change({ status: 'suspendido', suspensionReason: 'uso_indebido' })).json()).toMatchObject(
        {
          status: 'suspendido',
          suspensionReason: 'uso_indebido',
        },
      );
      expect((await change({ status: 'activo' })).json()).toMatchObject({
        status: 'activo',
        suspensionReason: null,
      });
      expect((await change({ status: 'cancelado' })).json()).toMatchObject({ status: 'cancelado' });
      const final = await change({ status: 'activo' });
      expect(final.statusCode).toBe(409);
      expect(
        (await agent.request('POST', `/api/v1/services/${service.id}/status`, { status: 'activo' }))
          .statusCode,
      ).toBe(403);
    });

    it('lets a case name one of its customer’s services, when opened or later, and no other', async () => {
      const customerId = await newCustomer();
      const otherCustomer = await newCustomer();
      const own = await newService(customerId);
      const foreign = await newService(otherCustomer);
      const open = (serviceId: string) =>
        admin.request('POST', '/api/v1/cases', {
          requestType: 'falla',
          channel: 'telefono',
          customerId,
          serviceId,
          description: 'Sin internet desde ayer',
        });
      const refused = await open(foreign.id);
      expect(refused.statusCode).toBe(422);
      expect(refused.json()).toMatchObject({ code: 'service.not_of_customer', field: 'serviceId' });
      const opened = await open(own.id);
      expect(opened.statusCode, opened.body).toBe(201);
      expect(opened.json().serviceId).toBe(own.id);
      const folio = opened.json().folio as string;

      const set = (serviceId: string | null) =>
        admin.request('PUT', `/api/v1/cases/${folio}/service`, { serviceId });
      expect((await set(foreign.id)).json()).toMatchObject({
        code: 'service.not_of_customer',
        field: 'serviceId',
      });
      expect((await set(null)).json()).toEqual({ folio, serviceId: null });
      expect((await set(own.id)).json()).toEqual({ folio, serviceId: own.id });
      const read = await agent.request('GET', `/api/v1/cases/${folio}`);
      expect(read.json().serviceId).toBe(own.id);
      expect(
        (await agent.request('PUT', `/api/v1/cases/${folio}/service`, { serviceId: null })).statusCode,
      ).toBe(403);
    });
  });

  describe('ledger', () => {
    it('posts entries by supervisors with their checks, and answers the statement', async () => {
      const customerId = await newCustomer();
      const { id } = await newService(customerId, { cutoffDay: 5 });
      expect((await post(id, { kind: 'cargo', amountCentavos: 100 }, agent)).statusCode).toBe(403);
      const wrongSign = await post(id, { kind: 'bonificacion', amountCentavos: 100 });
      expect(wrongSign.statusCode).toBe(400);
      expect(wrongSign.json()).toMatchObject({ code: 'ledger.sign', field: 'amountCentavos' });
      const far = await post(id, { kind: 'cargo', amountCentavos: 100, effectiveDate: '2028-01-01' });
      expect(far.json()).toMatchObject({ code: 'ledger.effective_date', field: 'effectiveDate' });
      const badDate = await post(id, { kind: 'cargo', amountCentavos: 100, effectiveDate: '2026-02-30' });
      expect(badDate.statusCode).toBe(400);

      const charge = await post(id, {
        kind: 'cargo',
        amountCentavos: 35_000,
        effectiveDate: '2026-11-05',
        reference: 'FAC-1',
      });
      expect(charge.statusCode, charge.body).toBe(201);
      // Scheduled after today, before the cut-off of 5 December: it counts toward the amount due.
      await post(id, { kind: 'cargo', amountCentavos: 35_000, effectiveDate: '2026-12-01' });
      const correction = await post(id, {
        kind: 'ajuste',
        amountCentavos: -5_000,
        correctsId: charge.json().id,
        note: 'Precio promocional',
      });
      expect(correction.json()).toMatchObject({
        correctsId: charge.json().id,
        amount: { formatted: '-$50.00 MXN' },
      });
      const openCase = async (forCustomer: string) => {
        const opened = await admin.request('POST', '/api/v1/cases', {
          requestType: 'aclaracion',
          channel: 'telefono',
          customerId: forCustomer,
          description: 'Me cobraron de más',
        });
        expect(opened.statusCode, opened.body).toBe(201);
        return opened.json().folio as string;
      };
      const ownFolio = await openCase(customerId);
      const otherFolio = await openCase(await newCustomer());
      const credit = await post(id, { kind: 'bonificacion', amountCentavos: -1_000, caseFolio: ownFolio });
      expect(credit.json()).toMatchObject({ caseFolio: ownFolio, amount: { centavos: -1_000 } });
      const foreignCase = await post(id, {
        kind: 'bonificacion',
        amountCentavos: -1_000,
        caseFolio: otherFolio,
      });
      expect(foreignCase.statusCode).toBe(422);
      expect(foreignCase.json()).toMatchObject({ code: 'ledger.case_not_of_customer', field: 'caseFolio' });
      const timeline = (await agent.request('GET', `/api/v1/cases/${ownFolio}`)).json().timeline;
      expect(timeline.map((e: { event?: { kind: string } }) => e.event?.kind)).toContain(
        'ledger_entry_posted',
      );
      const foreignEntry = await post(id, { kind: 'ajuste', amountCentavos: -1, correctsId: 999_999 });
      expect(foreignEntry.json()).toMatchObject({ code: 'ledger.corrects_unknown', field: 'correctsId' });

      const statement = await agent.request('GET', `/api/v1/services/${id}/statement`);
      expect(statement.json()).toMatchObject({
        today: '2026-11-25',
        nextCutoff: '2026-12-05',
        balance: { centavos: 29_000, formatted: '$290.00 MXN' },
        amountDue: { centavos: 64_000, formatted: '$640.00 MXN' },
        credit: { centavos: 0 },
      });
      expect(statement.json().movements.map((m: { effectiveDate: string }) => m.effectiveDate)).toEqual([
        '2026-12-01',
        '2026-11-25',
        '2026-11-25',
        '2026-11-05',
      ]);
    });

    it('pages the ledger newest first with a cursor', async () => {
      const customerId = await newCustomer();
      const { id } = await newService(customerId);
      for (const day of ['01', '02', '02', '03', '04']) {
        await post(id, { kind: 'cargo', amountCentavos: 100, effectiveDate: `2026-11-${day}` });
      }
      const seen: number[] = [];
      let cursor: string | null = null;
      do {
        const page = await agent.request(
          'GET',
          `/api/v1/services/${id}/ledger?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        );
        expect(page.statusCode, page.body).toBe(200);
        seen.push(...page.json().entries.map((e: { id: number }) => e.id));
        cursor = page.json().nextCursor;
      } while (cursor);
      const all = (await agent.request('GET', `/api/v1/services/${id}/ledger`)).json().entries;
      expect(seen).toEqual(all.map((e: { id: number }) => e.id));
      expect(all.map((e: { effectiveDate: string }) => e.effectiveDate)).toEqual([
        '2026-11-04',
        '2026-11-03',
        '2026-11-02',
        '2026-11-02',
        '2026-11-01',
      ]);
      expect(all[2].id).toBeGreaterThan(all[3].id);
    });

    it('exports a period byte for byte the same each time; a later entry only in a later period', async () => {
      const customerId = await newCustomer();
      await agent.request('PATCH', `/api/v1/customers/${customerId}`, {
        accountNumber: `CTA-${customerId.slice(0, 6)}`,
      });
      const { id } = await newService(customerId);
      clock.set(new Date('2026-11-26T18:00:00Z'));
      // Sessions idle out over a day of the test clock: each day gets its own.
      let clerk = await app.sessionAs('supervisor');
      await post(
        id,
        {
          kind: 'bonificacion',
          amountCentavos: -12_345,
          effectiveDate: '2026-11-26',
          reference: 'Falla; torre',
        },
        clerk,
      );
      await post(id, { kind: 'cargo', amountCentavos: 35_000, effectiveDate: '2026-11-26' }, clerk);
      const exportOf = (query: string) => clerk.request('GET', `/api/v1/ledger/export?${query}`);

      const first = await exportOf('from=2026-11-26&to=2026-11-26');
      expect(first.statusCode, first.body).toBe(200);
      expect(first.headers['content-type']).toContain('text/csv');
      expect(first.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
      const lines = first.body.trimEnd().split('\r\n');
      expect(lines).toHaveLength(2);
      expect(lines[1]).toMatch(
        new RegExp(
          `^\\d+,CTA-${customerId.slice(0, 6)},,bonificacion,-123.45,2026-11-26,2026-11-26,Falla; torre,$`,
        ),
      );

      clock.set(new Date('2026-11-27T18:00:00Z'));
      clerk = await app.sessionAs('supervisor');
      await post(id, { kind: 'reembolso', amountCentavos: 2_000, effectiveDate: '2026-11-26' }, clerk);
      const again = await exportOf('from=2026-11-26&to=2026-11-26');
      expect(again.rawPayload.equals(first.rawPayload)).toBe(true);
      const later = (await exportOf('from=2026-11-27&to=2026-11-27')).body.trimEnd().split('\r\n');
      expect(later).toHaveLength(2);
      expect(later[1]).toContain(',reembolso,20.00,2026-11-26,2026-11-27,');
      const withCharges = (await exportOf('from=2026-11-26&to=2026-11-27&kinds=cargo')).body
        .trimEnd()
        .split('\r\n');
      expect(withCharges.slice(1).map((l) => l.split(',')[3])).toEqual(['cargo']);

      const cli = await exportLedgerCsv(app.atiende.ctx.db, { from: '2026-11-26', to: '2026-11-26' });
      expect(Buffer.from(cli).equals(first.rawPayload)).toBe(true);
      await expect(
        exportLedgerCsv(app.atiende.ctx.db, { from: '2026-11-31', to: '2026-12-01' }),
      ).rejects.toMatchObject({
        code: 'cli.usage',
        field: 'from',
      });

      for (const [query, field] of [
        ['from=2026-02-30&to=2026-03-01', 'from'],
        ['from=2026-11-27&to=2026-11-26', 'from'],
        ['from=2026-11-01', 'to'],
        ['from=2026-11-01&to=2026-11-30&kinds=regalo', 'kinds'],
      ] as const) {
        const bad = await exportOf(query);
        expect(bad.statusCode, query).toBe(400);
        expect(JSON.stringify(bad.json()), query).toContain(field);
      }
      const plainAgent = await app.sessionAs('agent');
      expect(
        (await plainAgent.request('GET', '/api/v1/ledger/export?from=2026-11-26&to=2026-11-26')).statusCode,
      ).toBe(403);
    });
  });
});
