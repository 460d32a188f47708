import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { hashNewPin, storePin } from '../accounts/pin.service.ts';
import { deliverNotice } from '../channels/notices.ts';
import { ManualClock } from '../clock.ts';
import { arcoRequests, cases, consents, customers, events, messages } from '../db/schema.ts';
import { type Session, startTestApp, type TestApp } from '../test/app.ts';
import { describeEachDatabase } from '../test/databases.ts';

const NOW = new Date('2026-12-07T16:00:00Z');
const minutesLater = (n: number) => new Date(NOW.getTime() + n * 60_000);
const PIN = '482915';

describeEachDatabase('consent to uses of personal data, and its enforcement', (kind) => {
  let app: TestApp;
  const clock = new ManualClock(NOW);
  let agent: Session;
  let sequence = 0;

  beforeAll(async () => {
    app = await startTestApp(kind, { clock, work: false });
    agent = await app.sessionAs('agent');
  });
  afterAll(() => app?.close());

  /** A customer with an account, a PIN and an open e-mail case raised by the test's agent. */
  async function holder() {
    sequence += 1;
    const address = `consiente${sequence}.${kind}@example.test`;
    const opened = await agent.request('POST', '/api/v1/cases', {
      requestType: 'consulta',
      channel: 'email',
      contact: { kind: 'email', address },
      customerName: 'Marta Ríos',
      description: 'Quiero saber de sus paquetes',
    });
    expect(opened.statusCode).toBe(201);
    const kase = opened.json() as { id: string; folio: string; customer: { id: string } };
    const accountNumber = `CONS-${kind}-${sequence}`;
    const db = app.atiende.ctx.db;
    await db.update(customers).set({ accountNumber }).where(eq(customers.id, kase.customer.id));
    const pinHash = await hashNewPin(PIN);
    await db.transaction((tx) =>
      storePin(tx, {
        customerId: kase.customer.id,
        pinHash,
        via: 'agente',
        actor: { kind: 'agente', agentId: agent.agentId },
        now: clock.now(),
      }),
    );
    return { customerId: kase.customer.id, caseId: kase.id, accountNumber };
  }

  it('keeps every consent and withdrawal an agent records; the newest is in force', async () => {
    clock.set(NOW);
    const { customerId } = await holder();
    const before = await agent.request('GET', `/api/v1/customers/${customerId}/consents`);
    expect(before.json()).toEqual({ inForce: { promocionales: false, encuestas: false }, history: [] });

    const given = await agent.request('POST', `/api/v1/customers/${customerId}/consents`, {
      purpose: 'promocionales',
      granted: true,
      channel: 'telefono',
    });
    expect(given.statusCode).toBe(201);
    expect(given.json()).toMatchObject({
      purpose: 'promocionales',
      granted: true,
      channel: 'telefono',
      textVersion: '2026-12-01',
      arcoRequestId: null,
      recordedByAgentId: agent.agentId,
    });
    clock.set(minutesLater(10));
    await agent.request('POST', `/api/v1/customers/${customerId}/consents`, {
      purpose: 'encuestas',
      granted: true,
      channel: 'telefono',
    });
    clock.set(minutesLater(20));
    await agent.request('POST', `/api/v1/customers/${customerId}/consents`, {
      purpose: 'promocionales',
      granted: false,
      channel: 'whatsapp',
    });

    const after = (await agent.request('GET', `/api/v1/customers/${customerId}/consents`)).json() as {
      inForce: Record<string, boolean>;
      history: Array<{ purpose: string; granted: boolean; recordedAt: string }>;
    };
    expect(after.inForce).toEqual({ promocionales: false, encuestas: true });
    expect(after.history.map((h) => [h.purpose, h.granted, h.recordedAt])).toEqual([
      ['promocionales', false, minutesLater(20).toISOString()],
      ['encuestas', true, minutesLater(10).toISOString()],
      ['promocionales', true, NOW.toISOString()],
    ]);
    const recorded = await app.atiende.ctx.db
      .select()
      .from(events)
      .where(and(eq(events.customerId, customerId), eq(events.kind, 'consent_recorded')));
    expect(recorded).toHaveLength(3);
    expect(recorded.every((e) => e.subjectKind === 'customer' && e.actorAgentId === agent.agentId)).toBe(
      true,
    );
  });

  it('refuses a purpose or channel it does not know (400) and an unknown customer (404), writing nothing', async () => {
    const { customerId } = await holder();
    const badPurpose = await agent.request('POST', `/api/v1/customers/${customerId}/consents`, {
      purpose: 'publicidad',
      granted: true,
      channel: 'telefono',
    });
    expect(badPurpose.statusCode).toBe(400);
    expect(badPurpose.json().field).toBe('body.purpose');
    const badChannel = await agent.request('POST', `/api/v1/customers/${customerId}/consents`, {
      purpose: 'encuestas',
      granted: true,
      channel: 'paloma',
    });
    expect(badChannel.statusCode).toBe(400);
    const unknown = await agent.request(
      'POST',
      '/api/v1/customers/00000000-0000-4000-8000-000000000000/consents',
      {
        purpose: 'encuestas',
        granted: true,
        channel: 'telefono',
      },
    );
    expect(unknown.statusCode).toBe(404);
    const rows = await app.atiende.ctx.db.select().from(consents).where(eq(consents.customerId, customerId));
    expect(rows).toEqual([]);
  });

  it('lets the customer give and withdraw consent on the portal with account and PIN, under the version shown', async () => {
    clock.set(NOW);
    const { customerId, accountNumber } = await holder();
    const shown = await app.atiende.http.inject({
      method: 'POST',
      url: '/api/v1/portal/account/consents',
      payload: { accountNumber, pin: PIN },
    });
    expect(shown.statusCode).toBe(200);
    const view = shown.json() as {
      noticeVersion: string;
      noticeDate: string;
      purposes: Array<{ purpose: string; text: { 'es-MX': string; en?: string }; granted: boolean }>;
    };
    expect(view).toMatchObject({ noticeVersion: '2026-12-01', noticeDate: '2026-12-01' });
    expect(view.purposes.map((p) => [p.purpose, p.granted])).toEqual([
      ['promocionales', false],
      ['encuestas', false],
    ]);
    expect(view.purposes[0]?.text['es-MX']).toContain('promociones');
    expect(view.purposes[0]?.text.en).toContain('promotions');

    const give = (granted: boolean, textVersion: string) =>
      app.atiende.http.inject({
        method: 'PUT',
        url: '/api/v1/portal/account/consents',
        payload: { accountNumber, pin: PIN, purpose: 'promocionales', granted, textVersion },
      });
    const granted = await give(true, view.noticeVersion);
    expect(granted.statusCode).toBe(200);
    expect(granted.json().purposes[0]).toMatchObject({ purpose: 'promocionales', granted: true });

    const stale = await give(false, '2025-01-01');
    expect(stale.statusCode).toBe(409);
    expect(stale.json()).toMatchObject({ code: 'consent.notice_changed', field: 'textVersion' });

    const wrongPin = await app.atiende.http.inject({
      method: 'PUT',
      url: '/api/v1/portal/account/consents',
      payload: {
        accountNumber,
        pin: '000111',
        purpose: 'promocionales',
        granted: false,
        textVersion: '2026-12-01',
      },
    });
    expect(wrongPin.statusCode).toBe(422);

    const rows = await app.atiende.ctx.db.select().from(consents).where(eq(consents.customerId, customerId));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      channel: 'portal',
      granted: true,
      textVersion: '2026-12-01',
      recordedByAgentId: null,
    });
    const [event] = await app.atiende.ctx.db
      .select()
      .from(events)
      .where(and(eq(events.customerId, customerId), eq(events.kind, 'consent_recorded')));
    expect(event?.actorKind).toBe('cliente');
  });

  it('sends no notice of a use after an opposition an ARCO request recorded, and records why; service notices still go', async () => {
    clock.set(NOW);
    const { customerId, caseId } = await holder();
    const { ctx } = app.atiende;
    // The customer consented once, then opposed through an ARCO request, as that module records it.
    await agent.request('POST', `/api/v1/customers/${customerId}/consents`, {
      purpose: 'promocionales',
      granted: true,
      channel: 'telefono',
    });
    clock.set(minutesLater(30));
    const [arco] = await ctx.db
      .insert(arcoRequests)
      .values({ caseId, customerId, subtype: 'oposicion', status: 'ejecutada', executedAt: clock.now() })
      .returning();
    await ctx.db.insert(consents).values({
      customerId,
      purpose: 'promocionales',
      granted: false,
      channel: 'email',
      textVersion: '2026-12-01',
      arcoRequestId: arco?.id as string,
      recordedAt: clock.now(),
    });
    const history = (await agent.request('GET', `/api/v1/customers/${customerId}/consents`)).json();
    expect(history.inForce.promocionales).toBe(false);
    expect(history.history[0]).toMatchObject({ granted: false, arcoRequestId: arco?.id });

    const [kase] = await ctx.db.select().from(cases).where(eq(cases.id, caseId));
    const target = { id: caseId, channel: 'email', requestType: 'consulta', customerId };
    clock.set(minutesLater(40));
    const refused = await ctx.db.transaction((tx) =>
      deliverNotice(ctx, tx, target, 'mensaje_promocional', null, clock.now(), {
        values: { mensaje: 'Dos meses al precio de uno' },
        purpose: 'promocionales',
      }),
    );
    expect(refused).toBeUndefined();
    const outbound = await ctx.db
      .select()
      .from(messages)
      .where(and(eq(messages.caseId, caseId), eq(messages.kind, 'saliente')));
    expect(outbound.filter((m) => m.body.includes('Dos meses'))).toEqual([]);
    const [refusal] = await ctx.db
      .select()
      .from(events)
      .where(and(eq(events.caseId, caseId), eq(events.kind, 'aviso_no_entregado')));
    expect(refusal).toMatchObject({
      reason: 'sin_consentimiento',
      after: { notice: 'mensaje_promocional', purpose: 'promocionales', tried: [] },
    });

    // A breach notice or a status notice serves no use: the opposition does not stop it.
    const told = await ctx.db.transaction((tx) =>
      deliverNotice(ctx, tx, target, 'aviso_vulneracion', null, clock.now(), {
        values: { mensaje: 'Detectamos un acceso indebido a sus datos' },
        subject: { folio: kase?.folio as string, requestType: 'consulta', customerName: 'Marta Ríos' },
      }),
    );
    expect(told).toEqual(expect.any(String));
  });
});
