import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { receiveMessages } from '../channels/intake.service.ts';
import { whatsappText } from '../channels/testing/incoming.ts';
import { ManualClock } from '../clock.ts';
import { cases, contactPoints, customers, events, messages, serviceOrders, services } from '../db/schema.ts';
import { type Session, startTestApp, type TestApp } from '../test/app.ts';
import { describeEachDatabase } from '../test/databases.ts';

// Monday 7 December 2026, 10:00 in Monterrey (UTC−6); the visit is agreed for tomorrow 10:00 to 12:00.
const NOW = new Date('2026-12-07T16:00:00Z');
const WINDOW = { start: '2026-12-08T16:00:00Z', end: '2026-12-08T18:00:00Z' };

describeEachDatabase('service orders: the customer answers the visit window by message', (kind) => {
  const clock = new ManualClock(NOW);
  let app: TestApp;
  let admin: Session;
  let tecnico: Session;
  let sequence = 0;

  beforeAll(async () => {
    app = await startTestApp(kind, { clock, work: false });
    admin = await app.sessionAs('admin');
    tecnico = await app.sessionAs('tecnico');
  });
  afterAll(() => app?.close());
  beforeEach(() => clock.set(NOW));

  const db = () => app.atiende.ctx.db;
  const whatsapp = (from: string, text: string, externalId = `wamid.visit.${kind}.${++sequence}`) =>
    receiveMessages(app.atiende.ctx, [whatsappText(from, text, externalId, clock.now())]).then((r) => r[0]);

  /** A customer with a service who reported a failure by WhatsApp, and its repair order agreed for tomorrow. */
  async function scheduledVisit() {
    sequence += 1;
    const [customer] = await db()
      .insert(customers)
      .values({ accountNumber: `VIS-${kind}-${sequence}`, name: 'Rosa Martínez' })
      .returning();
    const customerId = customer?.id as string;
    const [service] = await db()
      .insert(services)
      .values({ customerId, status: 'activo', cutoffDay: 10, installAddress: 'Calle Hidalgo 123' })
      .returning();
    const wa = `+5281${kind === 'pglite' ? '3' : '4'}${String(sequence).padStart(7, '0')}`;
    await db().insert(contactPoints).values({ customerId, kind: 'whatsapp', address: wa });
    const opened = await whatsapp(wa, 'No tengo internet desde ayer');
    const caseId = opened?.caseId as string;
    await db().update(cases).set({ serviceId: service?.id }).where(eq(cases.id, caseId));
    const created = await admin.request('POST', `/api/v1/cases/${opened?.folio}/service-orders`, {
      kind: 'reparacion',
      technicianAgentId: tecnico.agentId,
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id as string;
    const scheduled = await admin.request('POST', `/api/v1/service-orders/${id}/schedule`, {
      windowStart: WINDOW.start,
      windowEnd: WINDOW.end,
    });
    expect(scheduled.statusCode, scheduled.body).toBe(200);
    return { wa, caseId, folio: opened?.folio as string, id, number: created.json().number as number };
  }

  const order = async (id: string) =>
    (await db().select().from(serviceOrders).where(eq(serviceOrders.id, id)))[0];
  const orderEvents = (id: string) =>
    db()
      .select()
      .from(events)
      .where(and(eq(events.subjectKind, 'service_order'), eq(events.subjectId, id)))
      .orderBy(asc(events.id));
  const outbound = async (caseId: string) =>
    (
      await db()
        .select({ body: messages.body })
        .from(messages)
        .where(and(eq(messages.caseId, caseId), eq(messages.kind, 'saliente')))
        .orderBy(asc(messages.createdAt))
    ).map((m) => m.body);

  it('confirms the window as the customer, tells them so, and changes nothing on a redelivery', async () => {
    const visit = await scheduledVisit();
    const reply = await whatsapp(visit.wa, 'Sí, confirmo. Ahí estaré', `wamid.confirm.${kind}`);
    expect(reply).toMatchObject({ caseId: visit.caseId, newCase: false });
    expect(await order(visit.id)).toMatchObject({ status: 'agendada', confirmedAt: NOW });
    const confirmed = (await orderEvents(visit.id)).at(-1);
    expect(confirmed).toMatchObject({
      kind: 'service_order_scheduled',
      actorKind: 'cliente',
      reason: 'confirmada_por_cliente',
      caseId: visit.caseId,
      after: { number: visit.number, windowStart: '2026-12-08T16:00:00.000Z', messageId: reply?.messageId },
    });
    expect((await outbound(visit.caseId)).at(-1)).toBe(
      `Gracias, tu visita técnica (orden ${visit.number}, folio ${visit.folio}) quedó confirmada para el 8 de diciembre de 2026, 10:00 h a 12:00 h.`,
    );

    const eventsBefore = (await orderEvents(visit.id)).length;
    const sentBefore = (await outbound(visit.caseId)).length;
    expect(await whatsapp(visit.wa, 'Sí, confirmo. Ahí estaré', `wamid.confirm.${kind}`)).toMatchObject({
      duplicate: true,
    });
    // Confirmed already: a second yes is only a message.
    await whatsapp(visit.wa, 'ok confirmado');
    expect(await orderEvents(visit.id)).toHaveLength(eventsBefore);
    expect(await outbound(visit.caseId)).toHaveLength(sentBefore);
  });

  it('sends the order back to waiting for a new window when the customer asks for another time', async () => {
    const visit = await scheduledVisit();
    const reply = await whatsapp(visit.wa, 'No puedo ese día, mejor el jueves en la tarde');
    expect(await order(visit.id)).toMatchObject({
      status: 'reprogramada',
      confirmedAt: null,
      windowStart: new Date(WINDOW.start),
    });
    expect((await orderEvents(visit.id)).at(-1)).toMatchObject({
      kind: 'service_order_reschedule_requested',
      actorKind: 'cliente',
      before: { status: 'agendada', windowStart: '2026-12-08T16:00:00.000Z' },
      after: { number: visit.number, status: 'reprogramada', messageId: reply?.messageId },
    });
    // A technician does not visit it; the agent proposes the new window.
    const visitAttempt = await tecnico.request('POST', `/api/v1/service-orders/${visit.id}/visits`, {
      outcome: 'cliente_ausente',
    });
    expect(visitAttempt.statusCode).toBe(409);
    const again = await admin.request('POST', `/api/v1/service-orders/${visit.id}/schedule`, {
      windowStart: '2026-12-10T22:00:00Z',
      windowEnd: '2026-12-11T00:00:00Z',
    });
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json()).toMatchObject({ status: 'agendada', confirmedAt: null });
  });

  it('leaves anything else, a window past, and another customer’s yes to the agent', async () => {
    const visit = await scheduledVisit();
    const before = (await orderEvents(visit.id)).length;
    await whatsapp(visit.wa, '¿A qué hora llega el técnico?');
    await whatsapp(visit.wa, 'Quiero cancelar la visita');
    const other = await scheduledVisit();
    // Someone else's yes opens (or joins) their own case, never this one.
    await whatsapp(other.wa, 'confirmo');
    expect(await order(visit.id)).toMatchObject({ status: 'agendada', confirmedAt: null });
    expect(await orderEvents(visit.id)).toHaveLength(before);
    expect(await order(other.id)).toMatchObject({ confirmedAt: NOW });

    clock.set(new Date('2026-12-08T18:30:00Z'));
    await whatsapp(visit.wa, 'confirmo');
    await whatsapp(visit.wa, 'no puedo');
    expect(await order(visit.id)).toMatchObject({ status: 'agendada', confirmedAt: null });
    expect(await orderEvents(visit.id)).toHaveLength(before);
  });

  it('acts on no order when the case has two windows waiting for an answer', async () => {
    const visit = await scheduledVisit();
    const second = await admin.request('POST', `/api/v1/cases/${visit.folio}/service-orders`, {
      kind: 'reparacion',
      technicianName: 'Contratista Juárez',
    });
    expect(second.statusCode, second.body).toBe(201);
    const scheduled = await admin.request('POST', `/api/v1/service-orders/${second.json().id}/schedule`, {
      windowStart: WINDOW.start,
      windowEnd: WINDOW.end,
    });
    expect(scheduled.statusCode, scheduled.body).toBe(200);
    await whatsapp(visit.wa, 'confirmo');
    expect(await order(visit.id)).toMatchObject({ confirmedAt: null });
    expect(await order(second.json().id)).toMatchObject({ confirmedAt: null });
  });
});
