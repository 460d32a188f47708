import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { systemActor } from '../auth/system-rules.ts';
import { ManualClock } from '../clock.ts';
import { areas, cases, deadlines, events, ledgerEntries, messages, services } from '../db/schema.ts';
import { suspendService } from '../rights/service-suspension.service.ts';
import { type Session, startTestApp, type TestApp } from '../test/app.ts';
import { describeEachDatabase } from '../test/databases.ts';
import { changeServiceStatus } from './accounts.service.ts';
import { postLedgerEntries } from './ledger.service.ts';
import { onServiceReactivated } from './payments.service.ts';

// Monterrey is UTC−6 all year: 10:00 there.
const NOW = new Date('2026-11-25T16:00:00Z');
const HOUR = 3_600_000;
// The smallest valid PNG: one transparent pixel.
const PIXEL_PNG =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';
const receipt = { filename: 'oxxo.png', contentType: 'image/png', data: PIXEL_PNG };

describeEachDatabase('payments registered from a case', (kind) => {
  let app: TestApp;
  const clock = new ManualClock(NOW);
  let cobranza: Session;
  let cobranza2: Session;
  let supervisor: Session;
  let sequence = 0;

  beforeAll(async () => {
    app = await startTestApp(kind, { clock, work: false });
    const [area] = await app.atiende.ctx.db
      .select()
      .from(areas)
      .where(eq(areas.code, 'facturacion_cobranza'));
    cobranza = await app.sessionAs('agent', [area?.id as number]);
    cobranza2 = await app.sessionAs('agent', [area?.id as number]);
    supervisor = await app.sessionAs('supervisor', [area?.id as number]);
  });
  afterAll(() => app?.close());
  beforeEach(() => clock.set(NOW));

  const setRequireConfirmation = async (requireConfirmation: boolean) => {
    const current = (await supervisor.request('GET', '/api/v1/settings')).json().payments;
    // The supervisors decide it; an agent may not.
    expect(
      (await cobranza.request('PATCH', '/api/v1/settings/payments', { ...current, requireConfirmation }))
        .statusCode,
    ).toBe(403);
    const response = await supervisor.request('PATCH', '/api/v1/settings/payments', {
      ...current,
      requireConfirmation,
    });
    expect(response.statusCode).toBe(200);
    await app.atiende.ctx.settings.current(app.atiende.ctx.db);
  };

  /** A saldo case by e-mail (so notices always go out) with one service owing `owed` centavos. */
  async function caseWithService(status: 'activo' | 'suspendido', owed: number) {
    sequence += 1;
    const opened = await cobranza.request('POST', '/api/v1/cases', {
      requestType: 'saldo',
      channel: 'email',
      contact: { kind: 'email', address: `cliente${sequence}.${kind}@example.test` },
      customerName: 'Rosa Martínez',
      description: 'Ya pagué en OXXO, ¿cuándo me reconectan?',
    });
    expect(opened.statusCode).toBe(201);
    const { folio, customer } = opened.json() as { folio: string; customer: { id: string } };
    const db = app.atiende.ctx.db;
    const [service] = await db
      .insert(services)
      .values({ customerId: customer.id, status: 'activo', cutoffDay: 10 })
      .returning();
    const serviceId = service?.id as string;
    // Through the one suspending path, so the service has the suspension record a rule would leave.
    if (status === 'suspendido')
      await db.transaction((tx) =>
        suspendService(tx, {
          serviceId,
          reason: 'falta_de_pago',
          actor: systemActor('suspension_por_falta_de_pago'),
          now: clock.now(),
        }),
      );
    if (owed > 0)
      await postLedgerEntries(
        db,
        [{ serviceId, kind: 'cargo', amountCentavos: owed, effectiveDate: '2026-11-10' }],
        systemActor('datos_de_demostracion'),
      );
    return { folio, customerId: customer.id, serviceId };
  }

  const pay = (session: Session, folio: string, body: Record<string, unknown>) =>
    session.request('POST', `/api/v1/cases/${folio}/payments`, {
      amountCentavos: 35_000,
      paidOn: '2026-11-24',
      method: 'oxxo',
      reference: 'OXXO-7781',
      receipt,
      ...body,
    });

  const pagos = (serviceId: string) =>
    app.atiende.ctx.db
      .select()
      .from(ledgerEntries)
      .where(and(eq(ledgerEntries.serviceId, serviceId), eq(ledgerEntries.kind, 'pago')));
  const clocksOf = (serviceId: string) =>
    app.atiende.ctx.db
      .select()
      .from(deadlines)
      .where(and(eq(deadlines.subjectKind, 'service'), eq(deadlines.subjectId, serviceId)));
  const noticesOf = async (folio: string) => {
    const [kase] = await app.atiende.ctx.db.select().from(cases).where(eq(cases.folio, folio));
    return (
      await app.atiende.ctx.db
        .select()
        .from(messages)
        .where(and(eq(messages.caseId, kase?.id as string), eq(messages.kind, 'saliente')))
    ).map((m) => m.body);
  };

  it('posts one pago, starts one 48-hour reconnection clock when it clears a suspended service, and tells the customer', async () => {
    await setRequireConfirmation(false);
    const { folio, serviceId } = await caseWithService('suspendido', 35_000);
    const response = await pay(cobranza, folio, { serviceId });
    expect(response.statusCode).toBe(201);
    const payment = response.json();
    expect(payment).toMatchObject({
      serviceId,
      amountCentavos: 35_000,
      status: 'confirmado',
      confirmedBy: cobranza.agentId,
      receiptSha256: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    const [entry, ...more] = await pagos(serviceId);
    expect(more).toEqual([]);
    expect(entry).toMatchObject({
      amountCentavos: -35_000,
      effectiveDate: '2026-11-24',
      reference: 'OXXO-7781',
      sourceKey: `payment:${payment.id}`,
    });

    const clocks = await clocksOf(serviceId);
    expect(clocks.map((c) => [c.kind, c.dueAt.getTime() - NOW.getTime(), c.pausable])).toEqual([
      ['reconexion', 48 * HOUR, false],
    ]);
    expect(clocks[0]?.source).toContain('48 h');
    expect((await noticesOf(folio)).filter((body) => body.includes('reconectado'))).toEqual([
      expect.stringContaining('$350.00 MXN'),
    ]);

    const view = (await cobranza.request('GET', `/api/v1/cases/${folio}/payments`)).json();
    expect(view.payments).toHaveLength(1);
    expect(view.reconnections).toEqual([
      {
        serviceId,
        deadline: expect.objectContaining({
          state: 'en_tiempo',
          dueAt: new Date(NOW.getTime() + 48 * HOUR).toISOString(),
        }),
      },
    ]);
    const kinds = (
      await app.atiende.ctx.db.select().from(events).where(eq(events.subjectId, payment.id))
    ).map((e) => e.kind);
    expect(kinds).toEqual(['payment_registered']);
    const started = await app.atiende.ctx.db
      .select()
      .from(events)
      .where(and(eq(events.kind, 'reconnection_started'), eq(events.subjectId, serviceId)));
    expect(started.map((e) => [e.actorRule, (e.after as { hours: number }).hours])).toEqual([
      ['reconexion_por_pago', 48],
    ]);

    // Back to activo (through the service's status change, as a supervisor does it): the clock is met, in time.
    clock.set(new Date(NOW.getTime() + 2 * HOUR));
    await changeServiceStatus(
      app.atiende.ctx,
      serviceId,
      { status: 'activo' },
      { kind: 'agente', agentId: cobranza.agentId },
      clock.now(),
    );
    const after = (await cobranza.request('GET', `/api/v1/cases/${folio}/payments`)).json();
    expect(after.reconnections[0].deadline.state).toBe('atendido_a_tiempo');
  });

  it('runs 72 hours when reconnecting needs a visit, and starts no clock for a payment that leaves a balance', async () => {
    await setRequireConfirmation(false);
    const onSite = await caseWithService('suspendido', 35_000);
    expect(
      (await pay(cobranza, onSite.folio, { serviceId: onSite.serviceId, onSiteReconnection: true }))
        .statusCode,
    ).toBe(201);
    expect((await clocksOf(onSite.serviceId)).map((c) => c.dueAt.getTime() - NOW.getTime())).toEqual([
      72 * HOUR,
    ]);

    const partial = await caseWithService('suspendido', 70_000);
    expect((await pay(cobranza, partial.folio, { serviceId: partial.serviceId })).statusCode).toBe(201);
    expect(await pagos(partial.serviceId)).toHaveLength(1);
    expect(await clocksOf(partial.serviceId)).toEqual([]);
    // The customer still hears that the payment was registered.
    expect(await noticesOf(partial.folio)).toContainEqual(
      expect.stringContaining('Registramos tu pago de $350.00 MXN'),
    );

    const active = await caseWithService('activo', 35_000);
    expect((await pay(cobranza, active.folio, { serviceId: active.serviceId })).statusCode).toBe(201);
    expect(await clocksOf(active.serviceId)).toEqual([]);
  });

  it('waits for a second agent when the settings ask for it: the one who registered cannot confirm, a second confirmation changes nothing', async () => {
    await setRequireConfirmation(true);
    const { folio, serviceId } = await caseWithService('suspendido', 35_000);
    const registered = await pay(cobranza, folio, { serviceId });
    expect(registered.statusCode).toBe(201);
    const payment = registered.json();
    expect(payment).toMatchObject({ status: 'por_confirmar', confirmedBy: null });
    expect(await pagos(serviceId)).toEqual([]);
    expect(await clocksOf(serviceId)).toEqual([]);

    const own = await cobranza.request('POST', `/api/v1/payments/${payment.id}/confirm`);
    expect(own.statusCode).toBe(403);
    expect(own.json()).toMatchObject({ code: 'payment.same_agent' });

    const [first, second] = await Promise.all([
      cobranza2.request('POST', `/api/v1/payments/${payment.id}/confirm`),
      supervisor.request('POST', `/api/v1/payments/${payment.id}/confirm`),
    ]);
    expect([first?.statusCode, second?.statusCode]).toEqual([200, 200]);
    expect(first?.json().status).toBe('confirmado');
    expect(await pagos(serviceId)).toHaveLength(1);
    expect(await clocksOf(serviceId)).toHaveLength(1);
    const again = await cobranza2.request('POST', `/api/v1/payments/${payment.id}/confirm`);
    expect(again.statusCode).toBe(200);
    expect(await pagos(serviceId)).toHaveLength(1);
    expect((await cobranza2.request('POST', `/api/v1/payments/${payment.id}/reject`)).json()).toMatchObject({
      code: 'payment.confirmed',
    });
    const confirmations = await app.atiende.ctx.db
      .select()
      .from(events)
      .where(and(eq(events.kind, 'payment_confirmed'), eq(events.subjectId, payment.id)));
    expect(confirmations).toHaveLength(1);

    const rejectedOne = (await pay(cobranza, folio, { serviceId, amountCentavos: 100 })).json();
    const rejected = await cobranza2.request('POST', `/api/v1/payments/${rejectedOne.id}/reject`);
    expect(rejected.json()).toMatchObject({ status: 'rechazado', confirmedBy: cobranza2.agentId });
    expect((await supervisor.request('POST', `/api/v1/payments/${rejectedOne.id}/confirm`)).statusCode).toBe(
      409,
    );
    expect(await pagos(serviceId)).toHaveLength(1);
    await setRequireConfirmation(false);
  });

  it('starts the clock again on a later suspension, once its first one ended', async () => {
    await setRequireConfirmation(false);
    const { folio, serviceId } = await caseWithService('suspendido', 35_000);
    await pay(cobranza, folio, { serviceId });
    clock.set(new Date(NOW.getTime() + 10 * HOUR));
    await app.atiende.ctx.db.transaction((tx) =>
      onServiceReactivated(app.atiende.ctx, tx, serviceId, clock.now()),
    );
    await postLedgerEntries(
      app.atiende.ctx.db,
      [{ serviceId, kind: 'cargo', amountCentavos: 35_000, effectiveDate: '2026-11-25' }],
      systemActor('datos_de_demostracion'),
    );
    expect((await pay(cobranza, folio, { serviceId, paidOn: '2026-11-25' })).statusCode).toBe(201);
    const clocks = await clocksOf(serviceId);
    expect(clocks.map((c) => [c.startedAt, c.metAt, c.dueAt.getTime() - clock.now().getTime()])).toEqual([
      [clock.now(), null, 48 * HOUR],
    ]);
  });

  it('refuses bad input with the field, never a 500', async () => {
    await setRequireConfirmation(false);
    const { folio, serviceId } = await caseWithService('suspendido', 35_000);
    const other = await caseWithService('activo', 0);
    const cases_: Array<[Record<string, unknown>, number, string]> = [
      [{ amountCentavos: 0 }, 400, 'amountCentavos'],
      [{ amountCentavos: -100 }, 400, 'amountCentavos'],
      [{ amountCentavos: 10_000_000_001 }, 400, 'amountCentavos'],
      [{ amountCentavos: 350.5 }, 400, 'amountCentavos'],
      [{ paidOn: '2026-02-30' }, 400, 'paidOn'],
      [{ paidOn: '25/11/2026' }, 400, 'paidOn'],
      [{ paidOn: '2026-11-26' }, 422, 'paidOn'],
      [{ paidOn: '2024-11-24' }, 422, 'paidOn'],
      [{ serviceId: other.serviceId }, 422, 'serviceId'],
      [{ method: 'bitcoin' }, 400, 'method'],
      [{ receipt: { ...receipt, data: 'not base64!!' } }, 400, 'receipt.data'],
      [{ receipt: { ...receipt, contentType: 'audio/ogg' } }, 415, 'receipt.contentType'],
    ];
    for (const [body, status, field] of cases_) {
      const response = await pay(cobranza, folio, { serviceId, ...body });
      const problem = response.json();
      expect(
        [response.statusCode, String(problem.field).replace(/^body\./, '')],
        JSON.stringify(body),
      ).toEqual([status, field]);
    }
    expect(await pagos(serviceId)).toEqual([]);
    expect(
      (await cobranza.request('POST', '/api/v1/payments/00000000-0000-4000-8000-000000000000/confirm'))
        .statusCode,
    ).toBe(404);
  });
});
