import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { hashNewPin, storePin } from '../accounts/pin.service.ts';
import { systemActor } from '../auth/system-rules.ts';
import { ManualClock } from '../clock.ts';
import { cancellations, serviceSuspensions, services } from '../db/schema.ts';
import { startDeadline } from '../sla/subject-deadlines.ts';
import { type Session, startTestApp, type TestApp } from '../test/app.ts';
import { describeEachDatabase } from '../test/databases.ts';
import { proposeCompensation } from './compensations.service.ts';

const NOW = new Date('2026-11-20T16:00:00Z');

describeEachDatabase('the customer’s rights on the portal', (kind) => {
  const clock = new ManualClock(NOW);
  let app: TestApp;
  let admin: Session;
  let address = 0;
  let n = 0;
  const demo = systemActor('datos_de_demostracion');

  beforeAll(async () => {
    app = await startTestApp(kind, { clock, work: false });
    admin = await app.sessionAs('admin');
  });
  afterAll(() => app?.close());

  const portal = (url: string, payload: object) =>
    app.atiende.http.inject({
      method: 'POST',
      url: `/api/v1/portal/${url}`,
      payload,
      remoteAddress: `198.51.100.${++address % 250}`,
    });

  async function holder(name: string, pin: string) {
    n += 1;
    const phone = `(81) 58${kind === 'pglite' ? 1 : 2}0 ${String(n).padStart(4, '0')}`;
    const accountNumber = `DER-${kind}-${n}`;
    const created = await admin.request('POST', '/api/v1/customers', {
      name,
      accountNumber,
      contactPoints: [{ kind: 'phone', address: phone }],
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id as string;
    await storePin(app.atiende.ctx.db, {
      customerId: id,
      pinHash: await hashNewPin(pin),
      via: 'agente',
      actor: demo,
      now: NOW,
    });
    const service = async (reference: string, status = 'activo') => {
      const response = await admin.request('POST', `/api/v1/customers/${id}/services`, {
        externalRef: `${reference}-${kind}-${n}`,
        status,
        cutoffDay: 28,
      });
      expect(response.statusCode, response.body).toBe(201);
      return { id: response.json().id as string, reference: `${reference}-${kind}-${n}` };
    };
    const caseAbout = async (requestType: string, serviceId: string | null) => {
      const response = await admin.request('POST', '/api/v1/cases', {
        requestType,
        channel: 'telefono',
        customerId: id,
        description: 'Pregunta por su servicio',
      });
      expect(response.statusCode, response.body).toBe(201);
      const folio = response.json().folio as string;
      if (serviceId)
        expect((await admin.request('PUT', `/api/v1/cases/${folio}/service`, { serviceId })).statusCode).toBe(
          200,
        );
      return { id: response.json().id as string, folio };
    };
    return { id, phone, accountNumber, pin, service, caseAbout };
  }

  it('shows each service’s compensations, suspensions, clocks and cancellation, and never another customer’s', async () => {
    const db = app.atiende.ctx.db;
    const rosa = await holder('Rosa Garza Treviño', '582046');
    const hugo = await holder('Hugo Salinas', '640281');
    const home = await rosa.service('CASA');
    // Services are listed oldest first.
    clock.set(new Date(NOW.getTime() + 1000));
    const shop = await rosa.service('LOCAL');
    clock.set(NOW);
    const hugos = await hugo.service('HUGO');

    const failure = await rosa.caseAbout('falla', home.id);
    const installation = await rosa.caseAbout('contratacion', home.id);
    const cancellation = await rosa.caseAbout('cancelacion', shop.id);
    const general = await rosa.caseAbout('saldo', null);
    const hugosFailure = await hugo.caseAbout('falla', hugos.id);

    const applied = await proposeCompensation(
      app.atiende.ctx,
      db,
      {
        caseId: failure.id,
        serviceId: home.id,
        kind: 'falla',
        creditCentavos: 2_431,
        refundCentavos: 0,
        bonusCentavos: 486,
        formula: { rule: 'falla' },
        explanation: '50 h sin servicio: $24.31 MXN + 20 % ($4.86 MXN) = $29.17 MXN',
      },
      demo,
      NOW,
    );
    expect(applied.status).toBe('aplicada');
    await proposeCompensation(
      app.atiende.ctx,
      db,
      {
        caseId: installation.id,
        serviceId: home.id,
        kind: 'instalacion_tardia',
        creditCentavos: 0,
        refundCentavos: 50_000,
        bonusCentavos: 10_000,
        formula: { rule: 'instalacion_tardia' },
        explanation:
          'Instalación fuera de plazo: devolución de $500.00 MXN + 20 % ($100.00 MXN) = $600.00 MXN',
        refund: { businessDays: 30, from: new Date('2026-11-19T15:00:00Z') },
        requireApproval: true,
      },
      systemActor('instalacion_vencida'),
      new Date(NOW.getTime() + 1000),
    );
    await proposeCompensation(
      app.atiende.ctx,
      db,
      {
        caseId: hugosFailure.id,
        serviceId: hugos.id,
        kind: 'falla',
        creditCentavos: 777,
        refundCentavos: 0,
        bonusCentavos: 155,
        formula: { rule: 'falla' },
        explanation: 'Falla de Hugo: nunca a la vista de otro cliente',
      },
      demo,
      NOW,
    );
    await db.insert(serviceSuspensions).values([
      {
        serviceId: home.id,
        reason: 'falta_de_pago',
        startedAt: new Date('2026-10-15T16:00:00Z'),
        endedAt: new Date('2026-10-20T18:00:00Z'),
        actorKind: 'sistema',
        actorRule: 'suspension_por_falta_de_pago',
      },
      {
        serviceId: shop.id,
        reason: 'solicitud_del_cliente',
        startedAt: new Date('2026-11-02T15:00:00Z'),
        reactivateOn: '2026-12-02',
        actorKind: 'sistema',
        actorRule: 'datos_de_demostracion',
      },
      {
        serviceId: hugos.id,
        reason: 'robo_o_extravio',
        startedAt: new Date('2026-11-01T15:00:00Z'),
        actorKind: 'sistema',
        actorRule: 'datos_de_demostracion',
      },
    ]);
    await db
      .update(services)
      .set({ status: 'suspendido', suspensionReason: 'solicitud_del_cliente' })
      .where(eq(services.id, shop.id));
    await db.insert(cancellations).values({
      caseId: cancellation.id,
      serviceId: shop.id,
      scope: 'contrato',
      status: 'en_curso',
      requestedAt: NOW,
      effectiveDate: '2026-12-20',
      carryOutBy: '2026-12-20',
    });
    const reconnection = await startDeadline(
      app.atiende.ctx,
      db,
      { kind: 'service', id: home.id },
      {
        kind: 'reconexion',
        target: { amount: 48, unit: 'hours', clock: 'calendar' },
        source: 'contrato',
        pausable: false,
        startedAt: NOW,
      },
    );

    const byPin = await portal('account/balance', { accountNumber: rosa.accountNumber, pin: rosa.pin });
    expect(byPin.statusCode, byPin.body).toBe(200);
    const answer = byPin.json();
    expect(answer.timeZone).toBe('America/Monterrey');
    expect(answer.services.map((s: { reference: string }) => s.reference)).toEqual([
      home.reference,
      shop.reference,
    ]);
    const [homeView, shopView] = answer.services;
    expect(homeView).toMatchObject({
      status: 'activo',
      suspensionReason: null,
      suspensions: [
        {
          reason: 'falta_de_pago',
          startedAt: '2026-10-15T16:00:00.000Z',
          reactivateOn: null,
          endedAt: '2026-10-20T18:00:00.000Z',
        },
      ],
      reconnectionDueAt: reconnection.dueAt.toISOString(),
      installation: null,
      cancellation: null,
    });
    expect(homeView.compensations).toEqual([
      {
        kind: 'instalacion_tardia',
        status: 'por_aprobar',
        explanation:
          'Instalación fuera de plazo: devolución de $500.00 MXN + 20 % ($100.00 MXN) = $600.00 MXN',
        computedCentavos: 60_000,
        creditCentavos: 0,
        refundCentavos: 50_000,
        bonusCentavos: 10_000,
        appliedCentavos: null,
        effectiveDate: null,
        refundDueAt: expect.stringMatching(/^2027-01-0\dT/),
        refundedAt: null,
        proposedAt: '2026-11-20T16:00:01.000Z',
      },
      {
        kind: 'falla',
        status: 'aplicada',
        explanation: '50 h sin servicio: $24.31 MXN + 20 % ($4.86 MXN) = $29.17 MXN',
        computedCentavos: 2_917,
        creditCentavos: 2_431,
        refundCentavos: 0,
        bonusCentavos: 486,
        appliedCentavos: 2_917,
        effectiveDate: '2026-11-28',
        refundDueAt: null,
        refundedAt: null,
        proposedAt: '2026-11-20T16:00:00.000Z',
      },
    ]);
    expect(shopView).toMatchObject({
      status: 'suspendido',
      suspensionReason: 'solicitud_del_cliente',
      suspensions: [
        {
          reason: 'solicitud_del_cliente',
          startedAt: '2026-11-02T15:00:00.000Z',
          reactivateOn: '2026-12-02',
          endedAt: null,
        },
      ],
      reconnectionDueAt: null,
      compensations: [],
      cancellation: { status: 'en_curso', effectiveDate: '2026-12-20' },
    });

    // A folio about one service shows that one; a folio about none, every service of its customer.
    const byFolio = await portal('balance', { folio: installation.folio, factor: rosa.phone });
    expect(byFolio.statusCode, byFolio.body).toBe(200);
    expect(byFolio.json().services).toEqual([homeView]);
    const byShopFolio = await portal('balance', { folio: cancellation.folio, factor: rosa.phone });
    expect(byShopFolio.json().services).toEqual([shopView]);
    const byGeneral = await portal('balance', { folio: general.folio, factor: rosa.phone });
    expect(byGeneral.json().services).toEqual([homeView, shopView]);

    // Nothing of Hugo's reaches Rosa, and Rosa's phone opens none of Hugo's folios.
    for (const body of [byPin.body, byFolio.body, byShopFolio.body, byGeneral.body]) {
      for (const his of [hugo.accountNumber, hugos.reference, 'Falla de Hugo', 'robo_o_extravio', hugos.id])
        expect(body).not.toContain(his);
    }
    expect((await portal('balance', { folio: hugosFailure.folio, factor: rosa.phone })).statusCode).toBe(404);
    const hugosAnswer = await portal('account/balance', { accountNumber: hugo.accountNumber, pin: hugo.pin });
    expect(hugosAnswer.json().services).toMatchObject([
      {
        reference: hugos.reference,
        suspensions: [{ reason: 'robo_o_extravio' }],
        compensations: [
          { explanation: 'Falla de Hugo: nunca a la vista de otro cliente', status: 'aplicada' },
        ],
      },
    ]);
    for (const hers of [rosa.accountNumber, home.reference, shop.reference, 'Instalación fuera de plazo'])
      expect(hugosAnswer.body).not.toContain(hers);
    // Rosa's PIN with Hugo's account number is a wrong PIN, not Rosa's answer.
    expect(
      (await portal('account/balance', { accountNumber: hugo.accountNumber, pin: rosa.pin })).statusCode,
    ).toBe(422);
  });

  it('shows a service awaiting installation with its due date, then installed', async () => {
    const ana = await holder('Ana López', '305917');
    const service = await ana.service('NUEVO', 'pendiente_instalacion');
    const kase = await ana.caseAbout('contratacion', null);
    const signed = await admin.request('POST', `/api/v1/cases/${kase.folio}/contract-signing`, {
      serviceId: service.id,
      signedOn: '2026-11-19',
    });
    expect(signed.statusCode, signed.body).toBe(200);
    const pending = await portal('balance', { folio: kase.folio, factor: ana.phone });
    expect(pending.json().services).toMatchObject([
      {
        reference: service.reference,
        status: 'pendiente_instalacion',
        installation: { contractSignedOn: '2026-11-19', dueAt: signed.json().dueAt, installedAt: null },
      },
    ]);
    await admin.request('POST', `/api/v1/cases/${kase.folio}/installation`, {
      installedAt: '2026-11-20T15:30:00Z',
    });
    const done = await portal('account/balance', { accountNumber: ana.accountNumber, pin: ana.pin });
    expect(done.json().services).toMatchObject([
      {
        status: 'activo',
        installation: {
          contractSignedOn: '2026-11-19',
          dueAt: signed.json().dueAt,
          installedAt: '2026-11-20T15:30:00.000Z',
        },
        compensations: [],
      },
    ]);
  });
});
