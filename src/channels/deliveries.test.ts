import { createHash } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { cases, contactPoints, inboundDeliveries, messages, quarantinedMessages } from '../db/schema.ts';
import { jobDefinitions } from '../jobs/registry.ts';
import { startTestApp, type TestApp } from '../test/app.ts';
import { describeEachDatabase } from '../test/databases.ts';
import { type FakeGraph, startFakeGraph } from '../test/fake-graph.ts';
import { waitUntil } from '../test/wait.ts';
import { processDelivery, storeDelivery } from './deliveries.service.ts';
import { openQuarantineCount } from './quarantine.service.ts';
import { uniqueWamid, waId, waMessagesPayload, waText } from './testing/wa-payloads.ts';
import { signMetaPayload } from './whatsapp/signature.ts';

const WA_SECRET = 'app-secret-for-tests';
const FB_SECRET = 'messenger-secret-for-tests';
const sha256 = (bytes: string | Buffer) => createHash('sha256').update(bytes).digest('hex');

const channelConfig = (graph: FakeGraph) => ({
  GRAPH_BASE_URL: graph.url,
  WHATSAPP_VERIFY_TOKEN: 'verify-token-for-tests',
  WHATSAPP_APP_SECRET: WA_SECRET,
  WHATSAPP_ACCESS_TOKEN: 'access-token-for-tests',
  WHATSAPP_PHONE_NUMBER_ID: '200000000000001',
  MESSENGER_VERIFY_TOKEN: 'messenger-verify-token',
  MESSENGER_APP_SECRET: FB_SECRET,
  MESSENGER_PAGE_ACCESS_TOKEN: 'page-access-token-for-tests',
});

const post = (app: TestApp, path: 'whatsapp' | 'messenger', raw: string) =>
  app.atiende.http.inject({
    method: 'POST',
    url: `/webhooks/${path}`,
    headers: {
      'content-type': 'application/json',
      'x-hub-signature-256': signMetaPayload(Buffer.from(raw), path === 'whatsapp' ? WA_SECRET : FB_SECRET),
    },
    payload: raw,
  });

const inboundOf = (app: TestApp, kind: 'whatsapp' | 'messenger', address: string) =>
  app.atiende.ctx.db
    .select({ body: messages.body, folio: cases.folio })
    .from(messages)
    .innerJoin(cases, eq(cases.id, messages.caseId))
    .innerJoin(
      contactPoints,
      and(eq(contactPoints.customerId, cases.customerId), eq(contactPoints.kind, kind)),
    )
    .where(and(eq(contactPoints.address, address), eq(messages.kind, 'entrante')))
    .orderBy(messages.createdAt);

describeEachDatabase('raw-first intake with a quarantine', (kind) => {
  let app: TestApp;
  let graph: FakeGraph;
  let n = 0;

  beforeAll(async () => {
    graph = await startFakeGraph();
    app = await startTestApp(kind, { config: channelConfig(graph) });
  });
  afterAll(async () => {
    await app?.close();
    await graph?.close();
  });

  const db = () => app.atiende.ctx.db;
  const quarantined = () => db().select().from(quarantinedMessages).orderBy(quarantinedMessages.reason);
  const processed = async (raw: string) => {
    const [row] = await db()
      .select({ processedAt: inboundDeliveries.processedAt })
      .from(inboundDeliveries)
      .where(eq(inboundDeliveries.sha256, sha256(raw)));
    return Boolean(row?.processedAt);
  };
  const deliveriesOf = async (raw: string) =>
    (
      await db()
        .select()
        .from(inboundDeliveries)
        .where(eq(inboundDeliveries.sha256, sha256(raw)))
    ).length;

  it('answers a WhatsApp batch with poison in it at once, takes the good messages and quarantines the bad, once', async () => {
    const wa = waId(9000 + ++n);
    const badTimestamp = { id: uniqueWamid('TS'), timestamp: 'ABSURD', ...waText('¿Cuándo?') };
    const hugeId = { id: `wamid.${'x'.repeat(1024 * 1024)}`, ...waText('Hola') };
    const batch = [
      { id: uniqueWamid(), ...waText('Primero') },
      { id: uniqueWamid(), ...waText('Sin\u0000señal') },
      badTimestamp,
      hugeId,
      { id: uniqueWamid(), ...waText('Último') },
    ];
    // Meta writes numbers as it likes: 1e20 is a JSON number no date column can hold.
    const raw = JSON.stringify(waMessagesPayload(wa, 'Rita', batch)).replace('"ABSURD"', '1e20');
    expect(raw).toContain('\\u0000');

    const answer = await post(app, 'whatsapp', raw);
    expect(answer.statusCode).toBe(200);
    expect(answer.body).toBe('EVENT_RECEIVED');
    await waitUntil(() => processed(raw));

    const address = `+52${wa.slice(-10)}`;
    const stored = await inboundOf(app, 'whatsapp', address);
    expect(stored.map((m) => m.body)).toEqual(['Primero', 'Sinseñal', 'Último']);
    expect(new Set(stored.map((m) => m.folio)).size).toBe(1);
    await waitUntil(() =>
      graph.sent.some((s) => (s.body as { to?: string } | undefined)?.to === `52${wa.slice(-10)}`),
    );

    const held = await quarantined();
    expect(held.map((q) => [q.reason, q.externalId])).toEqual([
      ['parse:id', null],
      ['parse:timestamp', badTimestamp.id],
    ]);
    // Each is kept as a payload of that message alone, which is what a replay reads.
    const alone = JSON.parse(Buffer.from(held[1]?.raw as Buffer).toString('utf8'));
    expect(alone.entry[0].changes[0].value.messages).toEqual([
      { ...badTimestamp, from: wa, timestamp: 1e20 },
    ]);
    expect(await openQuarantineCount(db())).toBe(2);
    const health = await app.atiende.http.inject({ method: 'GET', url: '/api/v1/health' });
    expect(health.json().quarantined).toBe(2);

    // The same bytes again: one delivery, nothing new.
    expect((await post(app, 'whatsapp', raw)).statusCode).toBe(200);
    expect(await deliveriesOf(raw)).toBe(1);
    // The bad message re-batched by Meta with another one: still one quarantine row.
    const again = JSON.stringify(
      waMessagesPayload(wa, 'Rita', [badTimestamp, { id: uniqueWamid(), ...waText('Otra') }]),
    ).replace('"ABSURD"', '1e20');
    expect((await post(app, 'whatsapp', again)).statusCode).toBe(200);
    await waitUntil(() => processed(again));
    expect((await inboundOf(app, 'whatsapp', address)).map((m) => m.body)).toEqual([
      'Primero',
      'Sinseñal',
      'Último',
      'Otra',
    ]);
    expect(await quarantined()).toHaveLength(2);
  });

  it('quarantines a Messenger sender that is no page-scoped id and an impossible place, and takes the rest', async () => {
    const psid = String(920_000_000_000_000 + ++n);
    const now = Date.now();
    const event = (sender: string, mid: string, message: Record<string, unknown>, at: number) => ({
      sender: { id: sender },
      recipient: { id: '800000000000001' },
      timestamp: at,
      message: { mid, ...message },
    });
    const raw = JSON.stringify({
      object: 'page',
      entry: [
        {
          id: '800000000000001',
          time: now,
          messaging: [
            event(psid, `m_${psid}-1`, { text: 'Hola' }, now - 3000),
            event('usuario-raro', `m_${psid}-2`, { text: '¿Me atienden?' }, now - 2000),
            event(
              psid,
              `m_${psid}-3`,
              { attachments: [{ type: 'location', payload: { coordinates: { lat: 1e308, long: -100.3 } } }] },
              now - 1000,
            ),
            event(psid, `m_${psid}-4`, { text: 'Sigo sin servicio' }, now),
          ],
        },
      ],
    });
    const before = (await quarantined()).length;
    expect((await post(app, 'messenger', raw)).statusCode).toBe(200);
    await waitUntil(() => processed(raw));
    expect((await inboundOf(app, 'messenger', psid)).map((m) => m.body)).toEqual([
      'Hola',
      'Sigo sin servicio',
    ]);
    const held = (await quarantined()).filter((q) => q.externalId?.startsWith(`m_${psid}`));
    expect(held.map((q) => [q.externalId, q.reason])).toEqual([
      [`m_${psid}-3`, 'parse:message.attachments.payload.coordinates.lat'],
      [`m_${psid}-2`, 'parse:sender.id'],
    ]);
    expect(await quarantined()).toHaveLength(before + 2);
  });

  it('replays a quarantined message for admins only: stored and resolved once fixed, kept when still refused', async () => {
    const wa = waId(9000 + ++n);
    const good = JSON.stringify(waMessagesPayload(wa, 'Teo', [waText('Quiero cambiar de plan')]));
    const [fixed] = await db()
      .insert(quarantinedMessages)
      .values({
        channel: 'whatsapp',
        sha256: sha256(good),
        raw: Buffer.from(good),
        // As if the database had refused it before a fix.
        reason: 'sqlstate:22021',
      })
      .returning();
    const [stillBad] = await db()
      .select()
      .from(quarantinedMessages)
      .where(eq(quarantinedMessages.reason, 'parse:timestamp'));

    const agent = await app.sessionAs('agent');
    expect((await agent.request('GET', '/api/v1/admin/quarantine')).statusCode).toBe(403);
    expect((await agent.request('POST', `/api/v1/admin/quarantine/${fixed?.id}/replay`)).statusCode).toBe(
      403,
    );
    expect(
      (
        await db()
          .select()
          .from(quarantinedMessages)
          .where(eq(quarantinedMessages.id, fixed?.id as string))
      )[0]?.replayedAt,
    ).toBeNull();

    const admin = await app.sessionAs('admin');
    const list = await admin.request('GET', '/api/v1/admin/quarantine');
    expect(list.statusCode).toBe(200);
    expect(list.json()).toContainEqual(
      expect.objectContaining({
        id: fixed?.id,
        channel: 'whatsapp',
        reason: 'sqlstate:22021',
        size: Buffer.byteLength(good),
      }),
    );
    const detail = await admin.request('GET', `/api/v1/admin/quarantine/${fixed?.id}`);
    expect(Buffer.from(detail.json().rawBase64, 'base64').toString('utf8')).toBe(good);

    const open = await openQuarantineCount(db());
    const replay = await admin.request('POST', `/api/v1/admin/quarantine/${fixed?.id}/replay`);
    expect(replay.statusCode).toBe(200);
    expect(replay.json()).toMatchObject({ outcome: 'stored', resolved: true, folio: expect.any(String) });
    expect((await inboundOf(app, 'whatsapp', `+52${wa.slice(-10)}`)).map((m) => m.body)).toEqual([
      'Quiero cambiar de plan',
    ]);
    expect(await openQuarantineCount(db())).toBe(open - 1);
    expect(
      ((await admin.request('GET', '/api/v1/admin/quarantine')).json() as Array<{ id: string }>).some(
        (q) => q.id === fixed?.id,
      ),
    ).toBe(false);
    expect((await admin.request('POST', `/api/v1/admin/quarantine/${fixed?.id}/replay`)).statusCode).toBe(
      409,
    );

    const refused = await admin.request('POST', `/api/v1/admin/quarantine/${stillBad?.id}/replay`);
    expect(refused.json()).toMatchObject({ outcome: 'refused', resolved: false, reason: 'parse:timestamp' });
    expect(await openQuarantineCount(db())).toBe(open - 1);
    expect(
      (await admin.request('POST', '/api/v1/admin/quarantine/00000000-0000-4000-8000-000000000000/replay'))
        .statusCode,
    ).toBe(404);
  });
});

describeEachDatabase('a delivery stored before a crash', (kind) => {
  let app: TestApp;
  let graph: FakeGraph;

  beforeAll(async () => {
    graph = await startFakeGraph();
    // No workers: as if the process died right after answering Meta.
    app = await startTestApp(kind, { work: false, config: channelConfig(graph) });
  });
  afterAll(async () => {
    await app?.close();
    await graph?.close();
  });

  it('is processed exactly once when workers start', async () => {
    const wa = waId(9500);
    const raw = JSON.stringify(waMessagesPayload(wa, 'Noé', [waText('Se fue la luz y no tengo internet')]));
    const ctx = app.atiende.ctx;
    expect(await storeDelivery(ctx, 'whatsapp', Buffer.from(raw))).toBe(true);
    expect(await storeDelivery(ctx, 'whatsapp', Buffer.from(raw))).toBe(false);
    const address = `+52${wa.slice(-10)}`;
    expect(await inboundOf(app, 'whatsapp', address)).toHaveLength(0);

    await ctx.jobs.register(jobDefinitions(ctx), { work: true });
    await waitUntil(async () => (await inboundOf(app, 'whatsapp', address)).length > 0);
    const [delivery] = await ctx.db
      .select()
      .from(inboundDeliveries)
      .where(eq(inboundDeliveries.sha256, sha256(raw)));
    await waitUntil(async () => {
      const [row] = await ctx.db
        .select({ processedAt: inboundDeliveries.processedAt })
        .from(inboundDeliveries)
        .where(eq(inboundDeliveries.id, delivery?.id as string));
      return Boolean(row?.processedAt);
    });
    // A second run of the same job (pg-boss delivers at least once) changes nothing.
    await processDelivery(ctx, { deliveryId: delivery?.id as string });
    await ctx.db
      .update(inboundDeliveries)
      .set({ processedAt: null })
      .where(eq(inboundDeliveries.id, delivery?.id as string));
    await processDelivery(ctx, { deliveryId: delivery?.id as string });

    expect(await inboundOf(app, 'whatsapp', address)).toHaveLength(1);
    const to = `52${wa.slice(-10)}`;
    await waitUntil(() => graph.sent.some((s) => (s.body as { to?: string } | undefined)?.to === to));
    await new Promise((r) => setTimeout(r, 1000));
    expect(graph.sent.filter((s) => (s.body as { to?: string } | undefined)?.to === to)).toHaveLength(1);
    const [count] = await ctx.db.select({ n: sql<number>`count(*)::int` }).from(quarantinedMessages);
    expect(count?.n).toBe(0);
  });
});
