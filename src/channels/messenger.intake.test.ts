import { readFileSync } from 'node:fs';
import path from 'node:path';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cases, contactPoints, messages } from '../db/schema.ts';
import { startTestApp, type TestApp } from '../test/app.ts';
import { describeEachDatabase } from '../test/databases.ts';
import { type FakeGraph, startFakeGraph } from '../test/fake-graph.ts';
import { turnMenuOff } from '../test/menu.ts';
import { waitUntil } from '../test/wait.ts';
import { createMessengerAdapter } from './messenger/messenger.adapter.ts';
import { parseMessengerInbound, parseMessengerStatuses } from './messenger/messenger.parse.ts';
import { signMetaPayload } from './whatsapp/signature.ts';

const SECRET = 'messenger-secret-for-tests';
const inbound = (payload: unknown) => parseMessengerInbound(payload).messages.map((m) => m.message);
const fixture = (name: string) =>
  readFileSync(path.join(import.meta.dirname, 'messenger/fixtures', `${name}.json`), 'utf8');

describeEachDatabase('Facebook Messenger', (kind) => {
  let app: TestApp;
  let graph: FakeGraph;
  let psid = 0;

  beforeAll(async () => {
    graph = await startFakeGraph();
    app = await startTestApp(kind, {
      config: {
        GRAPH_BASE_URL: graph.url,
        MESSENGER_VERIFY_TOKEN: 'messenger-verify-token',
        MESSENGER_APP_SECRET: SECRET,
        MESSENGER_PAGE_ACCESS_TOKEN: 'page-access-token-for-tests',
      },
    });
    // These test the case path a chat message takes; the self-service menu has its own tests.
    await turnMenuOff(app.atiende.ctx.db);
  });
  afterAll(async () => {
    await app?.close();
    await graph?.close();
  });

  const post = (raw: string) =>
    app.atiende.http.inject({
      method: 'POST',
      url: '/webhooks/messenger',
      headers: {
        'content-type': 'application/json',
        'x-hub-signature-256': signMetaPayload(Buffer.from(raw), SECRET),
      },
      payload: raw,
    });
  /** A fixture made someone else's (a fresh PSID and message ids), so each test has its own customer. */
  const as = (name: string, sender: string, shiftMs = 0) =>
    fixture(name)
      .replaceAll('900000000000001', sender)
      .replaceAll('m_FAKE-', `m_${sender}-`)
      .replace(
        /"(timestamp|watermark|time)": (\d+)/g,
        (_m, key: string, n: string) => `"${key}": ${Number(n) + shiftMs}`,
      );
  const messagesTo = (id: string) =>
    graph.sent.filter(
      (s) =>
        s.path.startsWith('/me/messages') && (s.body as { recipient?: { id: string } }).recipient?.id === id,
    );
  const until = (predicate: () => boolean | Promise<boolean>, ms = 15_000) => waitUntil(predicate, ms);
  const caseOf = async (sender: string) => {
    // Webhooks are taken in by a job after Meta has its answer.
    await until(async () => Boolean(await storedCaseOf(sender)));
    return storedCaseOf(sender);
  };
  const storedCaseOf = async (sender: string) => {
    const [row] = await app.atiende.ctx.db
      .select({ kase: cases })
      .from(cases)
      .innerJoin(
        contactPoints,
        and(eq(contactPoints.customerId, cases.customerId), eq(contactPoints.kind, 'messenger')),
      )
      .where(eq(contactPoints.address, sender));
    return row?.kase;
  };

  it('parses the documented shapes: text, attachment, postback, quick reply; echoes are left out', () => {
    expect(inbound(JSON.parse(fixture('fb-text')))).toMatchObject([
      {
        channel: 'facebook',
        externalId: 'm_FAKE-TEXT-0001',
        text: 'Hola, ¿siguen abiertos?',
        sender: { kind: 'messenger', address: '900000000000001' },
      },
    ]);
    expect(inbound(JSON.parse(fixture('fb-image-attachment')))[0]).toMatchObject({
      contentType: 'image',
      media: [{ mediaId: expect.stringContaining('FAKE_IMAGE') }],
    });
    expect(inbound(JSON.parse(fixture('fb-postback')))[0]).toMatchObject({
      contentType: 'button',
      text: 'Empezar',
      externalId: 'm_FAKE-POSTBACK-0001',
    });
    expect(inbound(JSON.parse(fixture('fb-quick-reply')))[0]).toMatchObject({
      text: 'Sí, confirmar',
      metadata: { quickReply: 'CONFIRMAR_CITA' },
    });
    expect(inbound(JSON.parse(fixture('fb-echo')))).toEqual([]);
    expect(parseMessengerStatuses(JSON.parse(fixture('fb-delivery')))).toMatchObject([
      { externalId: 'm_FAKE-OUT-0001', status: 'entregado' },
    ]);
    expect(parseMessengerStatuses(JSON.parse(fixture('fb-read')))).toMatchObject([
      { status: 'leido', readUpTo: { address: '900000000000001' } },
    ]);
  });

  it('opens a case from a message, acknowledges inside the window, ignores the echo, and tracks delivery and reading', async () => {
    const sender = String(910_000_000_000_000 + ++psid);
    const now = Date.now();
    const shift = now - 1785000000123;
    expect((await post(as('fb-text', sender, shift))).statusCode).toBe(200);
    expect((await post(as('fb-echo', sender, shift))).statusCode).toBe(200);
    const kase = await caseOf(sender);
    expect(kase).toMatchObject({ channel: 'facebook', requestType: 'consulta' });
    await until(() => messagesTo(sender).length === 1);
    const ack = messagesTo(sender)[0]?.body as { messaging_type: string; message: { text: string } };
    expect(ack.messaging_type).toBe('RESPONSE');
    expect(ack.message.text).toContain(kase?.folio);
    const stored = await app.atiende.ctx.db
      .select()
      .from(messages)
      .where(eq(messages.caseId, kase?.id as string));
    expect(stored.filter((m) => m.kind === 'entrante')).toHaveLength(1);

    await until(async () => {
      const [m] = await app.atiende.ctx.db
        .select()
        .from(messages)
        .where(and(eq(messages.caseId, kase?.id as string), eq(messages.kind, 'saliente')));
      return Boolean(m?.externalId);
    });
    const [out] = await app.atiende.ctx.db
      .select()
      .from(messages)
      .where(and(eq(messages.caseId, kase?.id as string), eq(messages.kind, 'saliente')));
    const delivery = as('fb-delivery', sender, shift).replace(
      `m_${sender}-OUT-0001`,
      out?.externalId as string,
    );
    const statusOf = async () =>
      (
        await app.atiende.ctx.db
          .select()
          .from(messages)
          .where(eq(messages.id, out?.id as string))
      )[0]?.deliveryStatus;
    expect((await post(delivery)).statusCode).toBe(200);
    await until(async () => (await statusOf()) === 'entregado');
    const read = as('fb-read', sender, Date.now() + 60_000 - 1785000060000);
    expect((await post(read)).statusCode).toBe(200);
    await until(async () => (await statusOf()) === 'leido');
  });

  it('threads a postback into the open case', async () => {
    const sender = String(910_000_000_000_000 + ++psid);
    const shift = Date.now() - 1785000000123;
    await post(as('fb-text', sender, shift));
    await post(as('fb-postback', sender, shift));
    const kase = await caseOf(sender);
    const received = () =>
      app.atiende.ctx.db
        .select()
        .from(messages)
        .where(and(eq(messages.caseId, kase?.id as string), eq(messages.kind, 'entrante')))
        .orderBy(messages.createdAt);
    await until(async () => (await received()).length === 2);
    expect((await received()).map((m) => m.body)).toEqual(['Hola, ¿siguen abiertos?', 'Empezar']);
  });

  it('tags a human reply after 24 h with HUMAN_AGENT, and refuses one after 7 days offering other contact points', async () => {
    const sender = String(910_000_000_000_000 + ++psid);
    await post(as('fb-text', sender, Date.now() - 1785000000123));
    const kase = await caseOf(sender);
    const setAge = (hours: number) =>
      app.atiende.ctx.db
        .update(messages)
        .set({ createdAt: new Date(Date.now() - hours * 3_600_000) })
        .where(and(eq(messages.caseId, kase?.id as string), eq(messages.kind, 'entrante')));
    const admin = await app.sessionAs('admin');
    await setAge(30);
    const tagged = await admin.request('POST', `/api/v1/cases/${kase?.folio}/messages`, {
      kind: 'saliente',
      body: 'Le escribe un asesor para dar seguimiento.',
    });
    expect(tagged.statusCode).toBe(201);
    await until(() => messagesTo(sender).some((s) => (s.body as { tag?: string }).tag === 'HUMAN_AGENT'));
    expect(messagesTo(sender).find((s) => (s.body as { tag?: string }).tag)?.body).toMatchObject({
      messaging_type: 'MESSAGE_TAG',
      tag: 'HUMAN_AGENT',
    });

    await app.atiende.ctx.db.execute(
      sql`insert into contact_points (customer_id, kind, address) values (${kase?.customerId}, 'email', ${`fb${sender}@example.test`})`,
    );
    await setAge(8 * 24);
    const refused = await admin.request('POST', `/api/v1/cases/${kase?.folio}/messages`, {
      kind: 'saliente',
      body: '¿Sigue con el problema?',
    });
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({
      code: 'channel.window_closed',
      otherContactPoints: [{ kind: 'email', address: `fb${sender}@example.test` }],
    });
  });
});

describe('the Messenger adapter', () => {
  it('reports the channel down on a refused token, and up again once a send goes through', async () => {
    const graph = await startFakeGraph();
    try {
      const adapter = createMessengerAdapter({
        baseUrl: graph.url,
        pageAccessToken: 'page-access-token-for-tests',
        appSecret: SECRET,
        verifyToken: 'messenger-verify-token',
        mediaHosts: [],
      });
      const message = {
        channel: 'facebook' as const,
        to: { kind: 'messenger' as const, address: '900000000000777' },
        text: 'Hola',
        folio: 'MON-2026-000001-5',
        automatic: false,
      };
      graph.failNext(190);
      expect(await adapter.send(message)).toMatchObject({ ok: false, channelDown: true });
      expect(adapter.health().status).toBe('error');
      expect(await adapter.send(message)).toMatchObject({ ok: true });
      expect(adapter.health()).toEqual({ status: 'ok' });
    } finally {
      await graph.close();
    }
  });
});
