import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { postLedgerEntries } from '../accounts/ledger.service.ts';
import { systemActor } from '../auth/system-rules.ts';
import { ManualClock } from '../clock.ts';
import { cases, compensations, deadlines, events, services } from '../db/schema.ts';
import { type Session, startTestApp, type TestApp } from '../test/app.ts';
import { describeEachDatabase } from '../test/databases.ts';
import { checkOverdueInstallation, INSTALLATION_CLOCK } from './installation.service.ts';

// Signed on Monday 9 November 2026: ten business days in Monterrey skip the weekends and Monday 16
// November (third Monday of November, a rest day), so installation is due on Tuesday 24 November at the
// first opening of the calendar (09:00, UTC−6).
const SIGNED_ON = '2026-11-09';
const DUE_AT = '2026-11-24T15:00:00.000Z';
// Thirty business days after the due instant, with 25 December and 1 January closed.
const REFUND_DUE_AT = '2027-01-07T15:00:00.000Z';

describeEachDatabase('the installation deadline and the late installation’s refund', (kind) => {
  const clock = new ManualClock(new Date('2026-11-10T16:00:00Z'));
  let app: TestApp;
  let admin: Session;
  let n = 0;

  beforeAll(async () => {
    app = await startTestApp(kind, { clock, work: false });
  });
  afterAll(() => app?.close());

  /** Sessions expire: a fresh one at each moment the test moves the clock to. */
  const at = async (instant: string) => {
    clock.set(new Date(instant));
    admin = await app.sessionAs('admin');
  };

  async function contratacion(requestType = 'contratacion') {
    n += 1;
    const customer = await admin.request('POST', '/api/v1/customers', {
      name: 'Rosa Garza Treviño',
      accountNumber: `INST-${kind}-${n}`,
      contactPoints: [
        { kind: 'phone', address: `(81) 57${kind === 'pglite' ? 1 : 2}0 ${String(n).padStart(4, '0')}` },
      ],
    });
    expect(customer.statusCode, customer.body).toBe(201);
    const customerId = customer.json().id as string;
    const service = await admin.request('POST', `/api/v1/customers/${customerId}/services`, {
      externalRef: `SRV-INST-${kind}-${n}`,
      status: 'pendiente_instalacion',
      cutoffDay: 28,
    });
    expect(service.statusCode, service.body).toBe(201);
    const kase = await admin.request('POST', '/api/v1/cases', {
      requestType,
      channel: 'telefono',
      customerId,
      description: 'Quiere contratar internet en su domicilio',
    });
    expect(kase.statusCode, kase.body).toBe(201);
    return {
      customerId,
      serviceId: service.json().id as string,
      folio: kase.json().folio as string,
      caseId: kase.json().id as string,
    };
  }

  const sign = (folio: string, body: object) =>
    admin.request('POST', `/api/v1/cases/${folio}/contract-signing`, body);
  const install = (folio: string, installedAt: string) =>
    admin.request('POST', `/api/v1/cases/${folio}/installation`, { installedAt });
  const pay = (serviceId: string, amountCentavos: number, effectiveDate: string) =>
    postLedgerEntries(
      app.atiende.ctx.db,
      [{ serviceId, kind: 'pago', amountCentavos: -amountCentavos, effectiveDate }],
      systemActor('datos_de_demostracion'),
      clock.now(),
    );
  const proposalsOf = (caseId: string) =>
    app.atiende.ctx.db.select().from(compensations).where(eq(compensations.caseId, caseId));

  it('starts the clock at the signing, proposes the refund when it breaches, and meets it on installation', async () => {
    await at('2026-11-10T16:00:00Z');
    const { customerId, serviceId, folio, caseId } = await contratacion();
    const other = await contratacion();
    const notContratacion = await contratacion('falla');

    expect((await install(folio, '2026-11-10T15:00:00Z')).json().code).toBe('installation.no_service');
    const refusals: Array<[string, object, number, string]> = [
      [
        notContratacion.folio,
        { serviceId: notContratacion.serviceId, signedOn: SIGNED_ON },
        409,
        'installation.not_contratacion',
      ],
      [folio, { serviceId: other.serviceId, signedOn: SIGNED_ON }, 422, 'service.not_of_customer'],
      [folio, { serviceId, signedOn: '2026-11-11' }, 422, 'installation.signed_in_future'],
      [folio, { serviceId, signedOn: '2025-11-08' }, 422, 'installation.signed_too_long_ago'],
    ];
    for (const [which, body, status, code] of refusals) {
      const refused = await sign(which, body);
      expect([refused.statusCode, refused.json().code], code).toEqual([status, code]);
    }

    const signed = await sign(folio, { serviceId, signedOn: SIGNED_ON });
    expect(signed.statusCode, signed.body).toBe(200);
    expect(signed.json()).toEqual({
      folio,
      serviceId,
      status: 'pendiente_instalacion',
      contractSignedOn: SIGNED_ON,
      dueAt: DUE_AT,
      installedAt: null,
      late: false,
      compensation: null,
    });
    expect((await sign(folio, { serviceId, signedOn: SIGNED_ON })).json()).toEqual(signed.json());
    const again = await sign(folio, { serviceId, signedOn: '2026-11-10' });
    expect([again.statusCode, again.json().code]).toEqual([409, 'installation.already_signed']);
    const [linked] = await app.atiende.ctx.db.select().from(cases).where(eq(cases.id, caseId));
    expect(linked?.serviceId).toBe(serviceId);

    await pay(serviceId, 50_000, '2026-11-09');
    await pay(serviceId, 35_000, '2026-11-20');
    // The job at the due instant: a run before it changes nothing; after it, the refund waits for a supervisor.
    clock.set(new Date('2026-11-24T14:59:59Z'));
    await checkOverdueInstallation(app.atiende.ctx, { serviceId });
    expect(await proposalsOf(caseId)).toEqual([]);
    clock.set(new Date('2026-11-24T15:00:01Z'));
    await checkOverdueInstallation(app.atiende.ctx, { serviceId });
    await checkOverdueInstallation(app.atiende.ctx, { serviceId });
    const proposed = await proposalsOf(caseId);
    expect(proposed).toMatchObject([
      {
        serviceId,
        kind: 'instalacion_tardia',
        status: 'por_aprobar',
        computedCentavos: 102_000,
        refundCentavos: 85_000,
        bonusCentavos: 17_000,
        appliedCentavos: null,
        formula: {
          rule: 'instalacion_tardia',
          dueAt: '2026-11-24T15:00:00Z',
          paidCentavos: 85_000,
          bonusPercent: 20,
        },
      },
    ]);
    expect(proposed[0]?.explanation).toBe(
      'Instalación fuera de plazo (vencía el 24 de noviembre de 2026): devolución de $850.00 MXN + 20 % ($170.00 MXN) = $1,020.00 MXN, a más tardar el 7 de enero de 2027',
    );
    const [refundClock] = await app.atiende.ctx.db
      .select()
      .from(deadlines)
      .where(
        and(eq(deadlines.subjectKind, 'compensation'), eq(deadlines.subjectId, proposed[0]?.id as string)),
      );
    expect(refundClock?.dueAt.toISOString()).toBe(REFUND_DUE_AT);
    const [proposal] = await app.atiende.ctx.db
      .select()
      .from(events)
      .where(and(eq(events.caseId, caseId), eq(events.kind, 'compensation_proposed')));
    expect([proposal?.actorKind, proposal?.actorRule]).toEqual(['sistema', 'instalacion_vencida']);

    await at('2026-11-27T18:00:00Z');
    expect((await install(folio, '2026-11-27T19:00:00Z')).json().code).toBe('installation.in_future');
    expect((await install(folio, '2026-11-08T12:00:00Z')).json().code).toBe('installation.before_signing');
    const installed = await install(folio, '2026-11-26T17:30:00Z');
    expect(installed.statusCode, installed.body).toBe(200);
    expect(installed.json()).toEqual({
      folio,
      serviceId,
      status: 'activo',
      contractSignedOn: SIGNED_ON,
      dueAt: DUE_AT,
      installedAt: '2026-11-26T17:30:00.000Z',
      late: true,
      compensation: { id: proposed[0]?.id, status: 'por_aprobar' },
    });
    expect((await install(folio, '2026-11-26T17:30:00Z')).json()).toEqual(installed.json());
    const twice = await install(folio, '2026-11-26T18:00:00Z');
    expect([twice.statusCode, twice.json().code]).toEqual([409, 'installation.already_installed']);
    expect(await proposalsOf(caseId)).toHaveLength(1);

    const [clockRow] = await app.atiende.ctx.db
      .select()
      .from(deadlines)
      .where(and(eq(deadlines.subjectId, serviceId), eq(deadlines.kind, INSTALLATION_CLOCK)));
    expect(clockRow?.metAt?.toISOString()).toBe('2026-11-26T17:30:00.000Z');
    const timeline = await app.atiende.ctx.db
      .select()
      .from(events)
      .where(and(eq(events.subjectKind, 'service'), eq(events.subjectId, serviceId)));
    expect(timeline.map((e) => [e.kind, e.caseId, e.customerId, e.after])).toEqual([
      ['service_created', null, customerId, expect.anything()],
      [
        'installation_recorded',
        caseId,
        customerId,
        { serviceId, contractSignedOn: SIGNED_ON, businessDays: 10, dueAt: DUE_AT },
      ],
      ['service_status_changed', caseId, customerId, { status: 'activo', suspensionReason: null }],
      [
        'installation_recorded',
        caseId,
        customerId,
        {
          serviceId,
          installedAt: '2026-11-26T17:30:00.000Z',
          dueAt: DUE_AT,
          late: true,
          compensationId: proposed[0]?.id,
        },
      ],
    ]);
    const [after] = await app.atiende.ctx.db.select().from(services).where(eq(services.id, serviceId));
    expect(after?.status).toBe('activo');
  });

  it('proposes on the installation when no job ran, from what was paid until then, and nothing when not late or not paid', async () => {
    const table: Array<{
      name: string;
      installedAt: string;
      payments: Array<[number, string]>;
      late: boolean;
      refund: [number, number] | null;
    }> = [
      {
        name: 'on the due instant',
        installedAt: DUE_AT,
        payments: [[50_000, SIGNED_ON]],
        late: false,
        refund: null,
      },
      {
        name: 'a minute late, paid twice; a payment after the installation is not counted',
        installedAt: '2026-11-24T15:01:00Z',
        payments: [
          [30_000, SIGNED_ON],
          [12_345, '2026-11-20'],
          [35_000, '2026-11-25'],
        ],
        late: true,
        // 20 % of 42,345 is 8,469 exactly.
        refund: [42_345, 8_469],
      },
      {
        name: 'late, rounding the bonus half up',
        installedAt: '2026-11-30T16:00:00Z',
        payments: [[12_343, SIGNED_ON]],
        late: true,
        // 20 % of 12,343 is 2,468.6 → 2,469.
        refund: [12_343, 2_469],
      },
      {
        name: 'late with nothing paid',
        installedAt: '2026-11-30T16:00:00Z',
        payments: [],
        late: true,
        refund: null,
      },
    ];
    for (const row of table) {
      await at('2026-11-10T16:00:00Z');
      const { serviceId, folio, caseId } = await contratacion();
      expect((await sign(folio, { serviceId, signedOn: SIGNED_ON })).statusCode, row.name).toBe(200);
      for (const [amount, date] of row.payments) await pay(serviceId, amount, date);
      await at('2026-12-01T16:00:00Z');
      const installed = await install(folio, row.installedAt);
      expect(installed.statusCode, row.name).toBe(200);
      expect(installed.json().late, row.name).toBe(row.late);
      const proposed = await proposalsOf(caseId);
      expect(
        proposed.map((p) => [p.refundCentavos, p.bonusCentavos, p.status]),
        row.name,
      ).toEqual(row.refund ? [[...row.refund, 'por_aprobar']] : []);
      // Installed: a late job finds nothing to do.
      await checkOverdueInstallation(app.atiende.ctx, { serviceId });
      expect(await proposalsOf(caseId), row.name).toHaveLength(proposed.length);
    }
  });
});
