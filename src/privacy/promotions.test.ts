import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { arcoRequests, consents, customers, events, messages, promotionRecipients } from '../db/schema.ts';
import { type Session, startTestApp, type TestApp } from '../test/app.ts';
import { describeEachDatabase } from '../test/databases.ts';
import { waitUntil } from '../test/wait.ts';
import { startMailSink } from './breach.testing.ts';
import { runPromotion } from './promotions.service.ts';

const PROMO_ES = 'Este mes, dos meses de internet al precio de uno.';
const PROMO_EN = 'This month, two months of internet for the price of one.';

describeEachDatabase('a promotional message, sent only with consent in force', (kind) => {
  let app: TestApp;
  let sink: Awaited<ReturnType<typeof startMailSink>>;
  let admin: Session;
  let agent: Session;

  beforeAll(async () => {
    sink = await startMailSink();
    app = await startTestApp(kind, { config: sink.config });
    admin = await app.sessionAs('admin');
    agent = await app.sessionAs('agent');
  });
  afterAll(async () => {
    await app?.close();
    await sink?.close();
  });

  /** A customer who wrote in by e-mail once: the case a notice to them rides on. */
  const customerByEmail = async (address: string) => {
    const opened = await agent.request('POST', '/api/v1/cases', {
      requestType: 'consulta',
      channel: 'email',
      contact: { kind: 'email', address },
      description: 'Pregunta por los planes',
    });
    expect(opened.statusCode).toBe(201);
    return opened.json() as { id: string; customer: { id: string } };
  };
  const consent = (customerId: string, granted: boolean) =>
    agent.request('POST', `/api/v1/customers/${customerId}/consents`, {
      purpose: 'promocionales',
      granted,
      channel: 'telefono',
    });

  it('reaches the consenting customers in their language, never the opposed or silent ones, each once', async () => {
    const { db } = app.atiende.ctx;
    const addresses = {
      ana: `ana.${kind}@example.test`,
      ben: `ben.${kind}@example.test`,
      oscar: `oscar.${kind}@example.test`,
      silvia: `silvia.${kind}@example.test`,
    };
    const ana = await customerByEmail(addresses.ana);
    const ben = await customerByEmail(addresses.ben);
    const oscar = await customerByEmail(addresses.oscar);
    const silvia = await customerByEmail(addresses.silvia);
    expect((await consent(ana.customer.id, true)).statusCode).toBe(201);
    expect((await consent(ben.customer.id, true)).statusCode).toBe(201);
    await db.update(customers).set({ language: 'en' }).where(eq(customers.id, ben.customer.id));
    // Óscar consented, then opposed through an ARCO request: the ARCO module writes this row.
    expect((await consent(oscar.customer.id, true)).statusCode).toBe(201);
    const [arco] = await db
      .insert(arcoRequests)
      .values({ caseId: oscar.id, customerId: oscar.customer.id, subtype: 'oposicion', status: 'ejecutada' })
      .returning();
    await db.insert(consents).values({
      customerId: oscar.customer.id,
      purpose: 'promocionales',
      granted: false,
      channel: 'email',
      textVersion: '2026-12-01',
      arcoRequestId: arco?.id as string,
      recordedAt: new Date(Date.now() + 1000),
    });
    // Silvia never said anything: no consent.

    const sent = await admin.request('POST', '/api/v1/promotions', {
      text: { 'es-MX': PROMO_ES, en: PROMO_EN },
    });
    expect(sent.statusCode).toBe(202);
    const { promotionId, audience } = sent.json() as { promotionId: string; audience: number };
    expect(audience).toBe(2);

    await waitUntil(
      () => sink.to(addresses.ana, PROMO_ES).length > 0 && sink.to(addresses.ben, PROMO_EN).length > 0,
      30_000,
    );
    const recorded = () =>
      db
        .select()
        .from(events)
        .where(
          and(
            eq(events.kind, 'promotion_sent'),
            inArray(events.customerId, [
              ana.customer.id,
              ben.customer.id,
              oscar.customer.id,
              silvia.customer.id,
            ]),
          ),
        );
    await waitUntil(async () => (await recorded()).length === 2, 30_000);
    expect(
      (await recorded())
        .map((e) => [e.customerId, e.caseId, (e.after as { promotionId: string }).promotionId])
        .sort(),
    ).toEqual(
      [
        [ana.customer.id, ana.id, promotionId],
        [ben.customer.id, ben.id, promotionId],
      ].sort(),
    );

    // A second run of the same promotion (a retry after a crash) tells nobody again.
    await runPromotion(app.atiende.ctx, { promotionId });
    expect(await recorded()).toHaveLength(2);
    const recipients = await db
      .select({ customerId: promotionRecipients.customerId })
      .from(promotionRecipients)
      .where(eq(promotionRecipients.promotionId, promotionId));
    expect(recipients.map((r) => r.customerId).sort()).toEqual([ana.customer.id, ben.customer.id].sort());
    const outbound = await db
      .select()
      .from(messages)
      .where(
        and(eq(messages.kind, 'saliente'), inArray(messages.caseId, [ana.id, ben.id, oscar.id, silvia.id])),
      );
    expect(
      outbound
        .filter((m) => m.body.includes(PROMO_ES) || m.body.includes(PROMO_EN))
        .map((m) => m.caseId)
        .sort(),
    ).toEqual([ana.id, ben.id].sort());
    expect(sink.to(addresses.ana, PROMO_ES)).toHaveLength(1);
    expect(sink.to(addresses.ben, PROMO_EN)).toHaveLength(1);
    expect(sink.to(addresses.ben, PROMO_ES)).toEqual([]);
    expect(sink.to(addresses.oscar, PROMO_ES)).toEqual([]);
    expect(sink.to(addresses.silvia, PROMO_ES)).toEqual([]);

    // Ana withdraws; the next promotion goes to Ben alone.
    expect((await consent(ana.customer.id, false)).statusCode).toBe(201);
    const next = await admin.request('POST', '/api/v1/promotions', {
      text: { 'es-MX': 'Segunda promoción del mes.' },
    });
    expect(next.json().audience).toBe(1);
    await waitUntil(() => sink.to(addresses.ben, 'Segunda promoción').length > 0, 30_000);
    expect(sink.to(addresses.ana, 'Segunda promoción')).toEqual([]);
  });

  it('is for admins only and needs a text', async () => {
    const body = { text: { 'es-MX': 'Oferta' } };
    expect((await agent.request('POST', '/api/v1/promotions', body)).statusCode).toBe(403);
    expect(
      (await (await app.sessionAs('supervisor')).request('POST', '/api/v1/promotions', body)).statusCode,
    ).toBe(403);
    const empty = await admin.request('POST', '/api/v1/promotions', { text: { 'es-MX': '' } });
    expect(empty.statusCode).toBe(400);
    expect(empty.json().field).toBe('body.text.es-MX');
  });
});
