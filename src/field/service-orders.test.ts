import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { ManualClock } from '../clock.ts';
import { cases, deadlines, events, messages, serviceOrders, services } from '../db/schema.ts';
import { checkDeadline } from '../sla/subject-deadlines.ts';
import { type Session, startTestApp, type TestApp } from '../test/app.ts';
import { describeEachDatabase } from '../test/databases.ts';

// Monday 7 December 2026, 10:00 in Monterrey (UTC−6).
const NOW = new Date('2026-12-07T16:00:00Z');
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);
const photo = (bytes: Buffer = PNG, contentType = 'image/png') => ({
  filename: 'evidencia.png',
  contentType,
  data: bytes.toString('base64'),
});

describeEachDatabase('service orders: field visits from a case', (kind) => {
  const clock = new ManualClock(NOW);
  let app: TestApp;
  let admin: Session;
  let agent: Session;
  let outsider: Session;
  let tecnico: Session;
  let otherTecnico: Session;
  let sequence = 0;

  beforeAll(async () => {
    app = await startTestApp(kind, { clock, work: false });
    admin = await app.sessionAs('admin');
    tecnico = await app.sessionAs('tecnico');
    otherTecnico = await app.sessionAs('tecnico');
    outsider = await app.sessionAs('agent');
  });
  afterAll(() => app?.close());
  beforeEach(() => clock.set(NOW));

  /** A falla case by e-mail (so notices go out) about a service at an address. */
  async function falla() {
    sequence += 1;
    const opened = await admin.request('POST', '/api/v1/cases', {
      requestType: 'falla',
      channel: 'email',
      contact: { kind: 'email', address: `visita${sequence}.${kind}@example.test` },
      customerName: 'Rosa Martínez Garza',
      description: 'No tengo internet desde ayer',
    });
    expect(opened.statusCode, opened.body).toBe(201);
    const { folio, id, customer, area } = opened.json() as {
      folio: string;
      id: string;
      customer: { id: string };
      area: { id: number };
    };
    const db = app.atiende.ctx.db;
    const [service] = await db
      .insert(services)
      .values({
        customerId: customer.id,
        status: 'activo',
        cutoffDay: 10,
        installAddress: 'Calle Hidalgo 123, Col. Centro, Monterrey',
      })
      .returning();
    await db.update(cases).set({ serviceId: service?.id }).where(eq(cases.id, id));
    agent ??= await app.sessionAs('agent', [area.id]);
    return { folio, caseId: id, serviceId: service?.id as string };
  }

  const create = (session: Session, folio: string, body: object) =>
    session.request('POST', `/api/v1/cases/${folio}/service-orders`, body);
  const schedule = (session: Session, id: string, windowStart: string, windowEnd: string) =>
    session.request('POST', `/api/v1/service-orders/${id}/schedule`, { windowStart, windowEnd });
  const visit = (session: Session, id: string, body: object) =>
    session.request('POST', `/api/v1/service-orders/${id}/visits`, body);
  const ordersOf = (caseId: string) =>
    app.atiende.ctx.db.select().from(serviceOrders).where(eq(serviceOrders.caseId, caseId));

  async function scheduledOrder() {
    const kase = await falla();
    const created = await create(agent, kase.folio, {
      kind: 'reparacion',
      technicianAgentId: tecnico.agentId,
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id as string;
    const scheduled = await schedule(agent, id, '2026-12-08T16:00:00Z', '2026-12-08T18:00:00Z');
    expect(scheduled.statusCode, scheduled.body).toBe(200);
    return { ...kase, id, number: created.json().number as number };
  }

  it('orders a repair due with the falla’s resolution, tells the customer the window, and meets it on a done visit', async () => {
    const kase = await falla();
    const created = await create(agent, kase.folio, {
      kind: 'reparacion',
      technicianAgentId: tecnico.agentId,
    });
    expect(created.statusCode, created.body).toBe(201);
    const order = created.json();
    expect(order).toMatchObject({ kind: 'reparacion', status: 'pendiente', folio: kase.folio });
    const [resolution] = await app.atiende.ctx.db
      .select()
      .from(deadlines)
      .where(and(eq(deadlines.subjectId, kase.caseId), eq(deadlines.kind, 'resolucion')));
    expect(order.clock.dueAt).toBe(resolution?.dueAt.toISOString());
    expect(order.clock.state).not.toBe('vencido');

    const scheduled = await schedule(agent, order.id, '2026-12-08T16:00:00Z', '2026-12-08T18:00:00Z');
    expect(scheduled.statusCode, scheduled.body).toBe(200);
    expect(scheduled.json()).toMatchObject({ status: 'agendada', windowStart: '2026-12-08T16:00:00.000Z' });
    const notices = await app.atiende.ctx.db
      .select({ body: messages.body })
      .from(messages)
      .where(eq(messages.caseId, kase.caseId));
    expect(notices.map((n) => n.body).join('\n')).toContain(`orden ${order.number}`);
    expect(notices.map((n) => n.body).join('\n')).toContain('8 de diciembre de 2026, 10:00 h a 12:00 h');

    const confirmed = await agent.request('POST', `/api/v1/service-orders/${order.id}/confirm`);
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    expect(confirmed.json().confirmedAt).toBe(NOW.toISOString());

    const done = await visit(tecnico, order.id, {
      outcome: 'realizada',
      notes: 'Cambié el conector',
      photo: photo(),
    });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json()).toMatchObject({ status: 'realizada', clock: { metAt: NOW.toISOString() } });
    expect(done.json().visits).toHaveLength(1);
    expect(done.json().visits[0].photoSha256).toMatch(/^[0-9a-f]{64}$/);

    const kinds = (await app.atiende.ctx.db.select().from(events).where(eq(events.caseId, kase.caseId))).map(
      (e) => e.kind,
    );
    expect(kinds).toEqual(
      expect.arrayContaining(['service_order_created', 'service_order_scheduled', 'service_order_visited']),
    );
    const listed = await agent.request('GET', `/api/v1/cases/${kase.folio}/service-orders`);
    expect(listed.json().orders).toHaveLength(1);
  });

  it('counts an on-site reconnection 72 hours from the order and keeps it running while the customer is away', async () => {
    const kase = await falla();
    const created = await create(agent, kase.folio, {
      kind: 'reconexion_en_sitio',
      technicianName: 'Juan Pérez',
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json().clock.dueAt).toBe('2026-12-10T16:00:00.000Z');
    const id = created.json().id as string;
    expect((await schedule(agent, id, '2026-12-08T16:00:00Z', '2026-12-08T18:00:00Z')).statusCode).toBe(200);
    const away = await visit(agent, id, { outcome: 'cliente_ausente', notes: 'Nadie abrió' });
    expect(away.statusCode, away.body).toBe(200);
    expect(away.json()).toMatchObject({ status: 'cliente_ausente', clock: { metAt: null } });
    // Waiting for a new window: no visit is recorded before one is agreed.
    expect((await visit(agent, id, { outcome: 'cliente_ausente' })).statusCode).toBe(409);
    expect((await schedule(agent, id, '2026-12-09T16:00:00Z', '2026-12-09T18:00:00Z')).json().status).toBe(
      'agendada',
    );
  });

  it('escalates an order past its due instant on the case’s timeline, and counts an installation from the signing', async () => {
    const kase = await falla();
    const created = await create(agent, kase.folio, {
      kind: 'reconexion_en_sitio',
      technicianName: 'Juan Pérez',
    });
    const [clockRow] = await app.atiende.ctx.db
      .select()
      .from(deadlines)
      .where(and(eq(deadlines.subjectKind, 'service_order'), eq(deadlines.subjectId, created.json().id)));
    clock.set(new Date('2026-12-10T16:00:01Z'));
    await checkDeadline(app.atiende.ctx, { deadlineId: clockRow?.id as string });
    const breached = await app.atiende.ctx.db
      .select()
      .from(events)
      .where(and(eq(events.caseId, kase.caseId), eq(events.kind, 'deadline_breached')));
    expect(breached.map((e) => e.after)).toEqual([
      expect.objectContaining({ deadline: 'reconexion_en_sitio' }),
    ]);
    clock.set(NOW);

    // Signed on Monday 9 November 2026: ten business days skip the weekends and the 16 November rest day.
    await app.atiende.ctx.db
      .update(services)
      .set({ contractSignedOn: '2026-11-09' })
      .where(eq(services.id, kase.serviceId));
    const install = await create(agent, kase.folio, {
      kind: 'instalacion',
      technicianAgentId: tecnico.agentId,
    });
    expect(install.statusCode, install.body).toBe(201);
    expect(install.json().clock).toMatchObject({ dueAt: '2026-11-24T15:00:00.000Z', state: 'vencido' });
  });

  it('installs the service on a done installation visit: activo from the visit, its installation clock met', async () => {
    sequence += 1;
    const opened = await admin.request('POST', '/api/v1/cases', {
      requestType: 'contratacion',
      channel: 'email',
      contact: { kind: 'email', address: `instalacion${sequence}.${kind}@example.test` },
      customerName: 'Rosa Martínez Garza',
      description: 'Quiero contratar internet en mi casa',
    });
    expect(opened.statusCode, opened.body).toBe(201);
    const { folio, customer } = opened.json() as { folio: string; customer: { id: string } };
    const db = app.atiende.ctx.db;
    const [service] = await db
      .insert(services)
      .values({
        customerId: customer.id,
        status: 'pendiente_instalacion',
        cutoffDay: 10,
        installAddress: 'Calle Hidalgo 123, Col. Centro, Monterrey',
      })
      .returning();
    const serviceId = service?.id as string;
    const signed = await admin.request('POST', `/api/v1/cases/${folio}/contract-signing`, {
      serviceId,
      signedOn: '2026-12-01',
    });
    expect(signed.statusCode, signed.body).toBe(200);
    const created = await create(admin, folio, { kind: 'instalacion', technicianAgentId: tecnico.agentId });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id as string;
    const scheduled = await schedule(admin, id, '2026-12-08T16:00:00Z', '2026-12-08T18:00:00Z');
    expect(scheduled.statusCode, scheduled.body).toBe(200);

    const done = await visit(tecnico, id, { outcome: 'realizada', photo: photo() });
    expect(done.statusCode, done.body).toBe(200);
    expect((await db.select().from(services).where(eq(services.id, serviceId)))[0]).toMatchObject({
      status: 'activo',
      installedAt: NOW,
    });
    const clocks = await db
      .select()
      .from(deadlines)
      .where(
        and(
          eq(deadlines.subjectKind, 'service'),
          eq(deadlines.subjectId, serviceId),
          eq(deadlines.kind, 'instalacion'),
        ),
      );
    expect(clocks.map((c) => c.metAt)).toEqual([NOW]);
    const installed = await db
      .select()
      .from(events)
      .where(and(eq(events.subjectId, serviceId), eq(events.kind, 'installation_recorded')));
    expect(installed.map((e) => (e.after as { installedAt?: string }).installedAt)).toContain(
      NOW.toISOString(),
    );
  });

  it('closes the orders still to be done, and their clocks, when the service is cancelled', async () => {
    const { id, caseId, serviceId } = await scheduledOrder();
    const done = await scheduledOrder();
    const doneVisit = await visit(tecnico, done.id, { outcome: 'realizada', photo: photo() });
    expect(doneVisit.statusCode, doneVisit.body).toBe(200);
    const cancelled = await admin.request('POST', `/api/v1/services/${serviceId}/status`, {
      status: 'cancelado',
    });
    expect(cancelled.statusCode, cancelled.body).toBe(200);
    const db = app.atiende.ctx.db;
    expect((await ordersOf(caseId)).map((o) => o.status)).toEqual(['no_procede']);
    const [clockRow] = await db
      .select()
      .from(deadlines)
      .where(and(eq(deadlines.subjectKind, 'service_order'), eq(deadlines.subjectId, id)));
    expect(clockRow?.cancelledAt).toEqual(NOW);
    const closed = await db
      .select()
      .from(events)
      .where(and(eq(events.caseId, caseId), eq(events.kind, 'service_order_closed')));
    expect(closed.map((e) => [e.subjectId, e.after])).toEqual([
      [id, expect.objectContaining({ status: 'no_procede', reason: 'servicio_cancelado' })],
    ]);
    // An order done before the cancellation keeps its outcome.
    expect((await ordersOf(done.caseId)).map((o) => o.status)).toEqual(['realizada']);
  });

  it('refuses a bad technician, window or photo with the field, writing nothing', async () => {
    const kase = await falla();
    for (const [body, field] of [
      [{ kind: 'reparacion' }, 'technicianAgentId'],
      [
        { kind: 'reparacion', technicianAgentId: tecnico.agentId, technicianName: 'Juan' },
        'technicianAgentId',
      ],
      [{ kind: 'reparacion', technicianAgentId: outsider.agentId }, 'technicianAgentId'],
    ] as const) {
      const refused = await create(agent, kase.folio, body);
      expect(refused.statusCode, refused.body).toBe(422);
      expect(refused.json().field).toBe(field);
    }
    expect((await create(agent, kase.folio, { kind: 'mudanza', technicianName: 'Juan' })).statusCode).toBe(
      400,
    );
    expect(await ordersOf(kase.caseId)).toHaveLength(0);

    const created = await create(agent, kase.folio, {
      kind: 'reparacion',
      technicianAgentId: tecnico.agentId,
    });
    const id = created.json().id as string;
    for (const [start, end, field] of [
      ['2026-12-07T15:00:00Z', '2026-12-07T17:00:00Z', 'windowStart'],
      ['2027-03-01T16:00:00Z', '2027-03-01T18:00:00Z', 'windowStart'],
      ['2026-12-08T18:00:00Z', '2026-12-08T16:00:00Z', 'windowEnd'],
      ['2026-12-08T08:00:00Z', '2026-12-09T08:00:00Z', 'windowEnd'],
    ] as const) {
      const refused = await schedule(agent, id, start, end);
      expect(refused.statusCode, refused.body).toBe(422);
      expect(refused.json().field).toBe(field);
    }
    expect((await schedule(agent, id, 'mañana', '2026-12-08T18:00:00Z')).statusCode).toBe(400);
    expect((await ordersOf(kase.caseId))[0]?.status).toBe('pendiente');

    expect((await schedule(agent, id, '2026-12-08T16:00:00Z', '2026-12-08T18:00:00Z')).statusCode).toBe(200);
    const cases_ = [
      [{ outcome: 'realizada' }, 422, 'photo'],
      [{ outcome: 'no_procede', photo: photo(Buffer.from('hola'), 'text/plain') }, 415, 'photo.contentType'],
      [
        { outcome: 'realizada', photo: photo(Buffer.from('not a png at all'), 'image/png') },
        415,
        'photo.data',
      ],
      [
        {
          outcome: 'realizada',
          photo: photo(Buffer.concat([PNG, Buffer.alloc(5 * 1024 * 1024)]), 'image/png'),
        },
        413,
        'photo.data',
      ],
    ] as const;
    for (const [body, status, field] of cases_) {
      const refused = await visit(tecnico, id, body);
      expect(refused.statusCode, refused.body).toBe(status);
      expect(refused.json().field).toBe(field);
    }
    expect((await ordersOf(kase.caseId))[0]?.status).toBe('agendada');
  });

  it('gives a technician their own day list and their own orders, and nothing else', async () => {
    const order = await scheduledOrder();
    const day = await tecnico.request('GET', '/api/v1/field/my-day?date=2026-12-08');
    expect(day.statusCode, day.body).toBe(200);
    const mine = (day.json().orders as Array<Record<string, unknown>>).find((o) => o.id === order.id);
    expect(mine).toMatchObject({
      number: order.number,
      address: 'Calle Hidalgo 123, Col. Centro, Monterrey',
      customerFirstName: 'Rosa',
      windowStart: '2026-12-08T16:00:00.000Z',
    });
    expect(Object.keys(mine ?? {})).not.toContain('folio');
    expect((await tecnico.request('GET', '/api/v1/field/my-day?date=2026-12-09')).json().orders).toEqual([]);
    expect((await otherTecnico.request('GET', '/api/v1/field/my-day?date=2026-12-08')).json().orders).toEqual(
      [],
    );
    expect((await tecnico.request('GET', '/api/v1/field/my-day?date=ayer')).statusCode).toBe(400);

    // The desk's pages are not a technician's, nor the desk's actions on orders.
    for (const url of [
      '/api/v1/cases',
      `/api/v1/cases/${order.folio}`,
      `/api/v1/cases/${order.folio}/service-orders`,
      '/api/v1/customers?q=Rosa',
      '/api/v1/settings',
      '/api/v1/agents',
      '/api/v1/flags',
    ]) {
      expect((await tecnico.request('GET', url)).statusCode, url).toBe(403);
    }
    expect(
      (await schedule(tecnico, order.id, '2026-12-09T16:00:00Z', '2026-12-09T18:00:00Z')).statusCode,
    ).toBe(403);
    expect(
      (await create(tecnico, order.folio, { kind: 'reparacion', technicianName: 'Yo' })).statusCode,
    ).toBe(403);
    // Another technician's order does not exist for them.
    expect((await visit(otherTecnico, order.id, { outcome: 'reprogramada' })).statusCode).toBe(404);
    // An agent outside the case's area may not record it; the desk has no day list.
    expect((await visit(outsider, order.id, { outcome: 'reprogramada' })).statusCode).toBe(403);
    expect((await agent.request('GET', '/api/v1/field/my-day?date=2026-12-08')).statusCode).toBe(403);
    const session = await tecnico.request('GET', '/api/v1/auth/session');
    expect(session.json().agent.role).toBe('tecnico');

    const moved = await visit(tecnico, order.id, {
      outcome: 'reprogramada',
      notes: 'El cliente pidió la tarde',
    });
    expect(moved.statusCode, moved.body).toBe(200);
    expect(moved.json().status).toBe('reprogramada');
  });
});
