import { createHash } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { getCaseWithTimeline } from '../cases/case-read.ts';
import {
  cases,
  customers,
  inboundDeliveries,
  inboundReceipts,
  messages,
  outboundStatuses,
} from '../db/schema.ts';
import { startTestApp, type TestApp } from '../test/app.ts';
import { describeEachDatabase } from '../test/databases.ts';
import { type FakeGraph, startFakeGraph } from '../test/fake-graph.ts';
import { turnMenuOff } from '../test/menu.ts';
import { waitUntil } from '../test/wait.ts';
import { sendOutbound } from './outbound-send.ts';
import { waId, waImage, waMessagesPayload, waStatusPayload, waText } from './testing/wa-payloads.ts';
import { signMetaPayload } from './whatsapp/signature.ts';

const SECRET = 'app-secret-for-tests';
const VERIFY = 'verify-token-for-tests';

describeEachDatabase('WhatsApp through the common intake path', (kind) => {
  let app: TestApp;
  let graph: FakeGraph;
  let sender = 100;

  beforeAll(async () => {
    graph = await startFakeGraph();
    app = await startTestApp(kind, {
      config: {
        GRAPH_BASE_URL: graph.url,
        WHATSAPP_VERIFY_TOKEN: VERIFY,
        WHATSAPP_APP_SECRET: SECRET,
        WHATSAPP_ACCESS_TOKEN: 'access-token-for-tests',
        WHATSAPP_PHONE_NUMBER_ID: '200000000000001',
        ATIENDE_MEDIA_HOSTS: '127.0.0.1',
      },
    });
    // These test the case path a chat message takes; the self-service menu has its own tests.
    await turnMenuOff(app.atiende.ctx.db);
  });
  afterAll(async () => {
    await app?.close();
    await graph?.close();
  });

  const post = (payload: unknown, options: { raw?: string; signature?: string | null } = {}) => {
    const raw = options.raw ?? JSON.stringify(payload);
    const signature =
      options.signature === undefined ? signMetaPayload(Buffer.from(raw), SECRET) : options.signature;
    return app.atiende.http.inject({
      method: 'POST',
      url: '/webhooks/whatsapp',
      headers: {
        'content-type': 'application/json',
        ...(signature ? { 'x-hub-signature-256': signature } : {}),
      },
      payload: raw,
    });
  };
  const db = () => app.atiende.ctx.db;
  const sendsTo = (to: string) =>
    graph.sent.filter((s) => (s.body as { to?: string } | undefined)?.to === to);
  const until = (predicate: () => boolean | Promise<boolean>, ms = 15_000) => waitUntil(predicate, ms);
  const casesOf = async (wa: string) => {
    const address = `+52${wa.slice(-10)}`;
    return db()
      .select({ kase: cases })
      .from(cases)
      .innerJoin(customers, eq(customers.id, cases.customerId))
      .where(
        sql`exists (select 1 from contact_points cp where cp.customer_id = ${customers.id} and cp.address = ${address})`,
      );
  };

  /** The sender's case, once the delivery job has taken the webhook in. */
  const caseOf = async (wa: string) => {
    await until(async () => (await casesOf(wa)).length > 0);
    return (await casesOf(wa))[0];
  };

  it('answers the subscription handshake only with the right token', async () => {
    const ok = await app.atiende.http.inject({
      method: 'GET',
      url: `/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=${VERIFY}&hub.challenge=1158201444`,
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toBe('1158201444');
    const wrong = await app.atiende.http.inject({
      method: 'GET',
      url: '/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1',
    });
    expect(wrong.statusCode).toBe(403);
  });

  it('refuses a missing or wrong signature with 401 and stores nothing', async () => {
    const wa = waId(++sender);
    const payload = waMessagesPayload(wa, 'Intruso', [waText('hola')]);
    expect((await post(payload, { signature: null })).statusCode).toBe(401);
    expect((await post(payload, { signature: `sha256=${'0'.repeat(64)}` })).statusCode).toBe(401);
    expect(await casesOf(wa)).toHaveLength(0);
    const [row] = await db().select({ n: sql<number>`count(*)::int` }).from(inboundReceipts);
    expect(row?.n ?? 0).toBe(0);
    const [stored] = await db().select({ n: sql<number>`count(*)::int` }).from(inboundDeliveries);
    expect(stored?.n ?? 0).toBe(0);
  });

  it('opens a case for a 521 sender and acknowledges on WhatsApp with the folio and the deadline, to +52 + 10 digits', async () => {
    const wa = waId(++sender);
    const response = await post(waMessagesPayload(wa, 'Ana Pérez', [waText('No tengo internet desde ayer')]));
    expect(response.statusCode).toBe(200);
    const found = await caseOf(wa);
    // No type was picked: the text makes it a failure report (issue #14), with the phrase shown to agents.
    expect(found?.kase).toMatchObject({
      channel: 'whatsapp',
      requestType: 'falla',
      subtype: 'sin_servicio',
      raisedBy: 'cliente',
    });
    const to = `52${wa.slice(-10)}`;
    await until(() => sendsTo(to).length === 1);
    const ack = sendsTo(to)[0]?.body as { type: string; text: { body: string } };
    expect(ack.type).toBe('text');
    expect(ack.text.body).toContain(found?.kase.folio);
    expect(ack.text.body).toMatch(/a más tardar el \d+ de \w+ de 20\d\d, \d\d:\d\d h/);
    expect(ack.text.body).toContain('¡Hola Ana!');
    const view = await getCaseWithTimeline(app.atiende.ctx, found?.kase.folio as string, new Date());
    await until(async () =>
      (await getCaseWithTimeline(app.atiende.ctx, found?.kase.folio as string, new Date())).timeline.some(
        (t) => t.type === 'message' && t.message.deliveryStatus === 'enviado',
      ),
    );
    expect(view.deadlines.primera_respuesta?.metAt).toBeNull();
    expect(view.classification).toEqual({
      requestType: 'falla',
      subtype: 'sin_servicio',
      rule: 'no tengo internet',
    });
  });

  it('treats a redelivery as nothing new: one message, one acknowledgement', async () => {
    const wa = waId(++sender);
    const raw = JSON.stringify(waMessagesPayload(wa, 'Luis', [waText('Quiero contratar')]));
    const results = await Promise.all([post(null, { raw }), post(null, { raw }), post(null, { raw })]);
    expect(results.map((r) => r.statusCode)).toEqual([200, 200, 200]);
    const [delivery] = await db()
      .select({ n: sql<number>`count(*)::int` })
      .from(inboundDeliveries)
      .where(eq(inboundDeliveries.sha256, createHash('sha256').update(raw).digest('hex')));
    expect(delivery?.n).toBe(1);
    await caseOf(wa);
    const found = await casesOf(wa);
    expect(found).toHaveLength(1);
    const stored = await db()
      .select()
      .from(messages)
      .where(and(eq(messages.caseId, found[0]?.kase.id as string), eq(messages.kind, 'entrante')));
    expect(stored).toHaveLength(1);
    await until(() => sendsTo(`52${wa.slice(-10)}`).length >= 1);
    await new Promise((r) => setTimeout(r, 1500));
    expect(sendsTo(`52${wa.slice(-10)}`)).toHaveLength(1);
  });

  it('keeps several photos sent together in one case, with the media fetched in two steps', async () => {
    const wa = waId(++sender);
    graph.addMedia('900000000000001', Buffer.from('jpeg bytes one'), 'image/jpeg');
    graph.addMedia('900000000000002', Buffer.from('jpeg bytes two'), 'image/jpeg');
    const payload = waMessagesPayload(wa, 'Rosa', [
      waImage('900000000000001', 'La antena'),
      waImage('900000000000002'),
    ]);
    expect((await post(payload)).statusCode).toBe(200);
    await until(async () => {
      const [kase] = await casesOf(wa);
      if (!kase) return false;
      const view = await getCaseWithTimeline(app.atiende.ctx, kase.kase.folio, new Date());
      return view.timeline.filter((t) => t.type === 'message' && t.message.kind === 'entrante').length === 2;
    });
    const found = await casesOf(wa);
    expect(found).toHaveLength(1);
    const folio = found[0]?.kase.folio as string;
    await until(async () => {
      const view = await getCaseWithTimeline(app.atiende.ctx, folio, new Date());
      return (
        view.timeline.filter((t) => t.type === 'message' && t.message.attachments.length > 0).length === 2
      );
    });
    const view = await getCaseWithTimeline(app.atiende.ctx, folio, new Date());
    const inbound = view.timeline.flatMap((t) =>
      t.type === 'message' && t.message.kind === 'entrante' ? [t.message] : [],
    );
    expect(inbound.map((m) => m.body)).toEqual(['La antena', expect.any(String)]);
    expect(inbound.flatMap((m) => m.attachments.map((a) => a.contentType))).toEqual([
      'image/jpeg',
      'image/jpeg',
    ]);
  });

  it('stores an unsupported type as such without blocking the message after it', async () => {
    const wa = waId(++sender);
    const payload = waMessagesPayload(wa, 'Pedro', [
      { type: 'unsupported', unsupported: { type: 'poll' } },
      waText('¿Me ayudan?'),
    ]);
    expect((await post(payload)).statusCode).toBe(200);
    const found = await caseOf(wa);
    const inbound = () =>
      db()
        .select()
        .from(messages)
        .where(and(eq(messages.caseId, found?.kase.id as string), eq(messages.kind, 'entrante')));
    await until(async () => (await inbound()).length === 2);
    const stored = await inbound();
    expect(stored.map((m) => (m.metadata as { contentType: string }).contentType).sort()).toEqual([
      'text',
      'unsupported',
    ]);
  });

  it('accepts Spanish text sent as \\u00f1 escapes, checking the signature over the raw bytes', async () => {
    const wa = waId(++sender);
    const raw = JSON.stringify(waMessagesPayload(wa, 'Nuño', [waText('Sin señal en la antena')])).replace(
      /[\u0080-\uffff]/g,
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
    );
    expect(raw).toContain('\\u00f1');
    expect((await post(null, { raw })).statusCode).toBe(200);
    const found = await caseOf(wa);
    expect(found?.kase.subject).toBe('Sin señal en la antena');
  });

  it('applies delivery reports out of order, and one that arrives before the send call returned', async () => {
    const wa = waId(++sender);
    const to = `52${wa.slice(-10)}`;
    expect((await post(waMessagesPayload(wa, 'Sofía', [waText('Hola')]))).statusCode).toBe(200);
    await until(() => sendsTo(to).length === 1);
    const found = await caseOf(wa);
    const outbound = async () => {
      const [m] = await db()
        .select()
        .from(messages)
        .where(and(eq(messages.caseId, found?.kase.id as string), eq(messages.kind, 'saliente')));
      return m;
    };
    await until(async () => Boolean((await outbound())?.externalId));
    const wamid = (await outbound())?.externalId as string;
    expect((await post(waStatusPayload(wamid, 'read', wa))).statusCode).toBe(200);
    expect((await post(waStatusPayload(wamid, 'delivered', wa))).statusCode).toBe(200);
    expect((await post(waStatusPayload(wamid, 'sent', wa))).statusCode).toBe(200);
    await until(async () => (await outbound())?.deliveryStatus === 'leido');
    // Every report was applied, in whatever order: the earlier states never overwrite the latest.
    await until(async () => {
      const [pending] = await db()
        .select({ n: sql<number>`count(*)::int` })
        .from(inboundDeliveries)
        .where(sql`${inboundDeliveries.processedAt} is null`);
      return pending?.n === 0;
    });
    expect((await outbound())?.deliveryStatus).toBe('leido');

    // The fake Graph server numbers its ids, so the next one is known before the send is made.
    const next = graph.peekNextId();
    expect((await post(waStatusPayload(next, 'delivered', wa))).statusCode).toBe(200);
    const agent = await app.sessionAs('admin');
    const reply = await agent.request('POST', `/api/v1/cases/${found?.kase.folio}/messages`, {
      kind: 'saliente',
      body: '¿Desde cuándo?',
    });
    expect(reply.statusCode).toBe(201);
    await until(async () => {
      const [m] = await db().select().from(messages).where(eq(messages.externalId, next));
      return m?.deliveryStatus === 'entregado';
    });
  });

  it('applies a report that came ahead of the send when the send job runs again after a crash', async () => {
    const wa = waId(++sender);
    expect((await post(waMessagesPayload(wa, 'Bruno', [waText('Hola')]))).statusCode).toBe(200);
    const found = await caseOf(wa);
    const ack = async () =>
      (
        await db()
          .select()
          .from(messages)
          .where(and(eq(messages.caseId, found?.kase.id as string), eq(messages.kind, 'saliente')))
      )[0];
    await until(async () => (await ack())?.deliveryStatus === 'enviado');
    const sent = await ack();
    // As if the process died after marking the message sent and before applying the stored report.
    await db()
      .insert(outboundStatuses)
      .values({
        channel: 'whatsapp',
        externalId: sent?.externalId as string,
        status: 'fallido',
        at: new Date(),
        error: { code: 131026, title: 'Message undeliverable' },
      });
    await sendOutbound(app.atiende.ctx, { messageId: sent?.id as string }, { retryCount: 1 });
    expect(await ack()).toMatchObject({ deliveryStatus: 'fallido', deliveryError: expect.any(String) });
  });

  it('shows a failed status with its reason on the case (131047 outside the window)', async () => {
    const wa = waId(++sender);
    expect((await post(waMessagesPayload(wa, 'Iván', [waText('Hola')]))).statusCode).toBe(200);
    const found = await caseOf(wa);
    await until(async () => {
      const [m] = await db()
        .select()
        .from(messages)
        .where(and(eq(messages.caseId, found?.kase.id as string), eq(messages.kind, 'saliente')));
      return Boolean(m?.externalId);
    });
    const [ack] = await db()
      .select()
      .from(messages)
      .where(and(eq(messages.caseId, found?.kase.id as string), eq(messages.kind, 'saliente')));
    const failed = waStatusPayload(ack?.externalId as string, 'failed', wa, [
      {
        code: 131047,
        title: 'Re-engagement message',
        error_data: { details: 'More than 24 hours have passed' },
      },
    ]);
    expect((await post(failed)).statusCode).toBe(200);
    await until(async () =>
      (await getCaseWithTimeline(app.atiende.ctx, found?.kase.folio as string, new Date())).timeline.some(
        (t) => t.type === 'event' && t.event.kind === 'delivery_failed',
      ),
    );
    const view = await getCaseWithTimeline(app.atiende.ctx, found?.kase.folio as string, new Date());
    const message = view.timeline.find((t) => t.type === 'message' && t.message.kind === 'saliente');
    expect(message?.type === 'message' && message.message).toMatchObject({
      deliveryStatus: 'fallido',
      deliveryError: expect.stringContaining('template'),
    });
    expect(view.timeline.some((t) => t.type === 'event' && t.event.kind === 'delivery_failed')).toBe(true);
  });

  it('retries rate limits and server errors, and marks the channel down on an expired token', async () => {
    graph.failNext(130429);
    graph.failNext(500);
    const wa = waId(++sender);
    const to = `52${wa.slice(-10)}`;
    expect((await post(waMessagesPayload(wa, 'Raúl', [waText('Hola')]))).statusCode).toBe(200);
    const first = await caseOf(wa);
    await until(async () => {
      const [m] = await db()
        .select()
        .from(messages)
        .where(and(eq(messages.caseId, first?.kase.id as string), eq(messages.kind, 'saliente')));
      return m?.deliveryStatus === 'enviado';
    }, 60_000);
    expect(sendsTo(to).length).toBeGreaterThanOrEqual(1);

    graph.failNext(190);
    const wa2 = waId(++sender);
    expect((await post(waMessagesPayload(wa2, 'Eva', [waText('Hola')]))).statusCode).toBe(200);
    await until(async () => {
      const health = (await app.atiende.http.inject({ method: 'GET', url: '/api/v1/health' })).json();
      return health.channels.whatsapp.status === 'error';
    });
    const found = await caseOf(wa2);
    const [m] = await db()
      .select()
      .from(messages)
      .where(and(eq(messages.caseId, found?.kase.id as string), eq(messages.kind, 'saliente')));
    expect(m?.deliveryStatus).toBe('fallido');
  }, 90_000);

  it('refuses free text outside the 24-hour window and sends an approved template instead', async () => {
    const wa = waId(++sender);
    const to = `52${wa.slice(-10)}`;
    expect((await post(waMessagesPayload(wa, 'Olga', [waText('Hola')]))).statusCode).toBe(200);
    const found = await caseOf(wa);
    await db()
      .update(messages)
      .set({ createdAt: new Date(Date.now() - 25 * 3_600_000) })
      .where(and(eq(messages.caseId, found?.kase.id as string), eq(messages.kind, 'entrante')));
    const admin = await app.sessionAs('admin');
    const free = await admin.request('POST', `/api/v1/cases/${found?.kase.folio}/messages`, {
      kind: 'saliente',
      body: 'Seguimos',
    });
    expect(free.statusCode).toBe(409);
    expect(free.json()).toMatchObject({
      code: 'channel.window_closed',
      templates: expect.arrayContaining([expect.objectContaining({ name: 'seguimiento_folio' })]),
    });
    const viaTemplate = await admin.request('POST', `/api/v1/cases/${found?.kase.folio}/messages`, {
      kind: 'saliente',
      body: 'Seguimos',
      template: { name: 'seguimiento_folio' },
    });
    expect(viaTemplate.statusCode).toBe(201);
    await until(() => sendsTo(to).some((s) => (s.body as { type: string }).type === 'template'));
    const sent = sendsTo(to).find((s) => (s.body as { type: string }).type === 'template')?.body as {
      template: {
        name: string;
        language: { code: string };
        components: Array<{ parameters: Array<{ text: string }> }>;
      };
    };
    expect(sent.template.name).toBe('seguimiento_folio');
    expect(sent.template.language.code).toBe('es_MX');
    expect(JSON.stringify(sent.template.components)).toContain(found?.kase.folio as string);
  });
});
