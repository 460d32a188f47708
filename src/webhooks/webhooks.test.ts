import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { systemActor } from '../auth/system-rules.ts';
import { queryRows } from '../db/database.ts';
import { cases, events, webhookCursor, webhookDeliveries, webhookSubscriptions } from '../db/schema.ts';
import { appendEvent } from '../events/events.service.ts';
import { applyProfile, currentProfile } from '../settings/settings.service.ts';
import { type Session, startTestApp, type TestApp } from '../test/app.ts';
import { describeEachDatabase } from '../test/databases.ts';
import { waitUntil } from '../test/wait.ts';
import { dispatchWebhooks } from './dispatch.ts';
import { signatureOf } from './signature.ts';
import type { WebhookSettings } from './webhook-settings.ts';

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A local integration: records every request and answers each path with the status it is told. */
async function startReceiver() {
  const received: Received[] = [];
  const statusByPath = new Map<string, number>();
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const path = request.url ?? '/';
      received.push({ path, headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      response.statusCode = statusByPath.get(path) ?? 200;
      response.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path: string) => `http://127.0.0.1:${port}${path}`,
    received,
    answer: (path: string, status: number) => statusByPath.set(path, status),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describeEachDatabase('outbound webhooks', (kind) => {
  let app: TestApp;
  let admin: Session;
  let agent: Session;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let subscriptionId: string;
  let secret: string;

  const setWebhookSettings = async (webhooks: Partial<WebhookSettings>) => {
    const { db } = app.atiende.ctx;
    const profile = await currentProfile(db);
    await applyProfile(db, { ...profile, webhooks: { ...profile.webhooks, ...webhooks } }, { source: 'api' });
  };
  const deliveriesOf = (id: string) =>
    app.atiende.ctx.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.subscriptionId, id));

  beforeAll(async () => {
    receiver = await startReceiver();
    app = await startTestApp(kind);
    admin = await app.sessionAs('admin');
    agent = await app.sessionAs('agent');
  });
  afterAll(async () => {
    await app?.close();
    await receiver?.close();
  });

  it('is for admins only', async () => {
    expect((await agent.request('GET', '/api/v1/webhooks')).statusCode).toBe(403);
    const create = await agent.request('POST', '/api/v1/webhooks', {
      url: 'https://hooks.example.com/x',
      eventKinds: ['created'],
    });
    expect(create.statusCode).toBe(403);
  });

  it('refuses URLs that are not http(s), carry credentials or, by default, reach private addresses', async () => {
    for (const [url, code] of [
      ['ftp://hooks.example.com/x', 'webhook_subscription.url_not_http'],
      ['https://user:pw@hooks.example.com/x', 'webhook_subscription.url_has_credentials'],
      [receiver.url('/x'), 'webhook_subscription.url_private_address'],
      ['http://169.254.169.254/latest/meta-data', 'webhook_subscription.url_private_address'],
    ]) {
      const response = await admin.request('POST', '/api/v1/webhooks', { url, eventKinds: ['created'] });
      expect(response.statusCode, url).toBe(422);
      expect(response.json()).toMatchObject({ code, field: 'url' });
    }
    const unknownKind = await admin.request('POST', '/api/v1/webhooks', {
      url: 'https://hooks.example.com/x',
      eventKinds: ['customer_anonymised'],
    });
    expect(unknownKind.statusCode).toBe(400);
    expect(await app.atiende.ctx.db.select().from(webhookSubscriptions)).toHaveLength(0);
  });

  it('starts after the newest event when the first subscription is made: history is not replayed', async () => {
    const before = await admin.request('POST', '/api/v1/cases', {
      requestType: 'falla',
      channel: 'telefono',
      contact: { kind: 'phone', address: '81 3000 0001' },
      description: 'Sin internet antes de la integración',
    });
    expect(before.statusCode).toBe(201);
    await setWebhookSettings({ allowPrivateNetworks: true, retryDelaysSeconds: [1, 1] });
    const created = await admin.request('POST', '/api/v1/webhooks', {
      url: receiver.url('/hooks'),
      description: 'CRM',
      eventKinds: ['created', 'status_changed', 'created'],
    });
    expect(created.statusCode).toBe(201);
    const body = created.json();
    expect(body).toMatchObject({ active: true, eventKinds: ['created', 'status_changed'] });
    expect(body.secret).toMatch(/^whsec_/);
    subscriptionId = body.id;
    secret = body.secret;
    const [cursor] = await app.atiende.ctx.db.select().from(webhookCursor);
    const [newest] = await app.atiende.ctx.db.select({ id: events.id }).from(events).orderBy(events.id);
    expect(cursor?.lastEventId).toBeGreaterThanOrEqual(newest?.id ?? 0);
    await dispatchWebhooks(app.atiende.ctx);
    expect(await deliveriesOf(subscriptionId)).toHaveLength(0);
    const listed = (await admin.request('GET', '/api/v1/webhooks')).json();
    expect(listed.items[0]).not.toHaveProperty('secret');
    expect(listed.availableKinds).toContain('incident_declared');
  });

  it('delivers a new case signed with the secret, with codes and states but no personal data', async () => {
    const opened = await admin.request('POST', '/api/v1/cases', {
      requestType: 'falla',
      channel: 'telefono',
      contact: { kind: 'phone', address: '81 3000 0002' },
      customerName: 'Rosa Elvira Treviño',
      description: 'Sin internet desde la mañana',
    });
    expect(opened.statusCode).toBe(201);
    const kase = opened.json() as { folio: string; id: string };
    await waitUntil(() => receiver.received.some((r) => r.body.includes(kase.folio)));
    const request = receiver.received.find((r) => r.body.includes(kase.folio)) as Received;
    expect(request.path).toBe('/hooks');
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['x-atiende-event']).toBe('created');
    const timestamp = Number(request.headers['x-atiende-timestamp']);
    expect(Math.abs(timestamp - Date.now() / 1000)).toBeLessThan(60);
    expect(request.headers['x-atiende-signature']).toBe(signatureOf(secret, timestamp, request.body));
    const payload = JSON.parse(request.body);
    expect(payload).toMatchObject({
      kind: 'created',
      subject: { kind: 'case', id: kase.id },
      case: { folio: kase.folio, requestType: 'falla', status: expect.any(String), area: expect.any(String) },
      data: { folio: kase.folio, channel: 'telefono' },
    });
    expect(typeof payload.id).toBe('number');
    expect(new Date(payload.occurredAt).toISOString()).toBe(payload.occurredAt);
    for (const personal of ['Rosa', 'Treviño', '3000', 'mañana'])
      expect(request.body).not.toContain(personal);
    const [delivery] = (await deliveriesOf(subscriptionId)).filter((d) => d.eventId === payload.id);
    expect(request.headers['x-atiende-delivery']).toBe(delivery?.id);
    await waitUntil(async () => (await deliveriesOf(subscriptionId))[0]?.status === 'entregada');
    const log = (await admin.request('GET', `/api/v1/webhooks/${subscriptionId}/deliveries`)).json();
    expect(log[0]).toMatchObject({
      eventKind: 'created',
      status: 'entregada',
      attempts: 1,
      lastStatusCode: 200,
    });
  });

  it('makes one delivery per event however often the events are read again', async () => {
    const { db } = app.atiende.ctx;
    const before = await deliveriesOf(subscriptionId);
    expect(before.length).toBeGreaterThan(0);
    const [cursor] = await db.select().from(webhookCursor);
    await db.update(webhookCursor).set({ lastEventId: Math.max(0, (cursor?.lastEventId ?? 0) - 20) });
    await Promise.all([dispatchWebhooks(app.atiende.ctx), dispatchWebhooks(app.atiende.ctx)]);
    await dispatchWebhooks(app.atiende.ctx);
    const rows = await deliveriesOf(subscriptionId);
    expect(rows.map((d) => d.id).sort()).toEqual(before.map((d) => d.id).sort());
    expect(new Set(rows.map((d) => d.eventId)).size).toBe(rows.length);
    const [after] = await db.select().from(webhookCursor);
    expect(after?.lastEventId).toBeGreaterThanOrEqual(cursor?.lastEventId ?? 0);
  });

  it('delivers an event whose transaction committed after the cursor passed its id', async () => {
    const { db } = app.atiende.ctx;
    // A slow transaction took this id from the sequence and has not committed yet.
    const [{ id: reserved } = { id: 0 }] = await queryRows<{ id: string }>(
      db,
      sql`select nextval(pg_get_serial_sequence('events', 'id')) as id`,
    );
    const opened = await admin.request('POST', '/api/v1/cases', {
      requestType: 'duda',
      channel: 'telefono',
      contact: { kind: 'phone', address: '81 3000 0009' },
      description: 'Pregunta tardía',
    });
    const { folio } = opened.json() as { folio: string };
    const [kase] = await db.select({ id: cases.id }).from(cases).where(eq(cases.folio, folio));
    await dispatchWebhooks(app.atiende.ctx);
    const [passed] = await db.select().from(webhookCursor);
    expect(passed?.lastEventId).toBeGreaterThan(Number(reserved));
    expect(passed?.gaps.map((g) => g.id)).toContain(Number(reserved));

    await db.insert(events).values({
      id: Number(reserved),
      subjectKind: 'case',
      subjectId: kase?.id ?? '',
      caseId: kase?.id,
      kind: 'created',
      actorKind: 'sistema',
      actorRule: 'cierre_por_ventana',
    });
    await dispatchWebhooks(app.atiende.ctx);
    expect((await deliveriesOf(subscriptionId)).some((d) => d.eventId === Number(reserved))).toBe(true);
    const [after] = await db.select().from(webhookCursor);
    expect(after?.gaps.map((g) => g.id)).not.toContain(Number(reserved));
  });

  it('retries a failing receiver with back-off, then gives the delivery up', async () => {
    receiver.answer('/hooks', 500);
    const opened = await admin.request('POST', '/api/v1/cases', {
      requestType: 'duda',
      channel: 'telefono',
      contact: { kind: 'phone', address: '81 3000 0003' },
      description: 'Pregunta',
    });
    const kase = opened.json() as { folio: string };
    const attemptsSeen = () =>
      receiver.received.filter(
        (r) => r.body.includes(kase.folio) && r.headers['x-atiende-event'] === 'created',
      );
    const createdDelivery = async () => {
      const deliveryId = attemptsSeen()[0]?.headers['x-atiende-delivery'];
      return (await deliveriesOf(subscriptionId)).find((d) => d.id === deliveryId);
    };
    await waitUntil(async () => (await createdDelivery())?.status === 'fallida', 20_000);
    const failed = await createdDelivery();
    expect(failed).toMatchObject({
      attempts: 3,
      lastStatusCode: 500,
      lastError: 'http_500',
      nextAttemptAt: null,
    });
    const seen = attemptsSeen();
    expect(seen).toHaveLength(3);
    expect(new Set(seen.map((r) => r.headers['x-atiende-delivery']))).toEqual(new Set([failed?.id]));
    const times = seen.map((r) => Number(r.headers['x-atiende-timestamp']));
    expect((times[2] ?? 0) - (times[0] ?? 0)).toBeGreaterThanOrEqual(1);
    const [subscription] = await app.atiende.ctx.db
      .select()
      .from(webhookSubscriptions)
      .where(eq(webhookSubscriptions.id, subscriptionId));
    expect(subscription?.active).toBe(true);
    expect(subscription?.consecutiveFailures).toBeGreaterThanOrEqual(1);
    receiver.answer('/hooks', 200);
  });

  it('switches a subscription off after failures in a row, tells admins, and an admin switches it back on', async () => {
    await setWebhookSettings({ retryDelaysSeconds: [] });
    receiver.answer('/down', 503);
    const created = await admin.request('POST', '/api/v1/webhooks', {
      url: receiver.url('/down'),
      eventKinds: ['incident_declared'],
    });
    const failing = created.json() as { id: string };
    const { db } = app.atiende.ctx;
    for (let number = 1; number <= 10; number++) {
      await appendEvent(db, {
        kind: 'incident_declared',
        actor: systemActor('registro_previo'),
        subject: { kind: 'incident', id: randomUUID() },
        after: { number, status: 'abierto' },
      });
    }
    await waitUntil(async () => {
      const [row] = await db
        .select()
        .from(webhookSubscriptions)
        .where(eq(webhookSubscriptions.id, failing.id));
      return row?.active === false;
    }, 20_000);
    const [row] = await db.select().from(webhookSubscriptions).where(eq(webhookSubscriptions.id, failing.id));
    expect(row).toMatchObject({ active: false, consecutiveFailures: 10 });
    expect(row?.disabledAt).toBeInstanceOf(Date);
    const notices = await db
      .select()
      .from(events)
      .where(and(eq(events.kind, 'webhook_subscription_disabled'), eq(events.subjectId, failing.id)));
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({ actorKind: 'sistema', actorRule: 'desactivacion_de_webhook' });
    expect(notices[0]?.after).toMatchObject({ consecutiveFailures: 10, lastStatusCode: 503 });
    const deliveries = await deliveriesOf(failing.id);
    expect(deliveries).toHaveLength(10);
    expect(deliveries.every((d) => d.status === 'fallida' && d.attempts === 1)).toBe(true);

    const reenabled = await admin.request('PATCH', `/api/v1/webhooks/${failing.id}`, { active: true });
    expect(reenabled.statusCode).toBe(200);
    expect(reenabled.json()).toMatchObject({ active: true, consecutiveFailures: 0, disabledAt: null });
    const changes = await db
      .select()
      .from(events)
      .where(and(eq(events.kind, 'webhook_subscription_changed'), eq(events.subjectId, failing.id)));
    expect(changes.map((e) => e.reason)).toEqual(['created', 'reenabled']);
    expect(JSON.stringify(changes)).not.toContain('/down');
  });

  it('rotates the secret and sends a signed ping', async () => {
    const rotated = await admin.request('POST', `/api/v1/webhooks/${subscriptionId}/rotate-secret`);
    expect(rotated.statusCode).toBe(200);
    const newSecret = rotated.json().secret as string;
    expect(newSecret).not.toBe(secret);
    const ping = await admin.request('POST', `/api/v1/webhooks/${subscriptionId}/test`);
    expect(ping.json()).toEqual({ delivered: true, statusCode: 200, error: null });
    const request = receiver.received.at(-1) as Received;
    expect(request.headers['x-atiende-event']).toBe('ping');
    const timestamp = Number(request.headers['x-atiende-timestamp']);
    expect(request.headers['x-atiende-signature']).toBe(signatureOf(newSecret, timestamp, request.body));
    const missing = await admin.request('POST', `/api/v1/webhooks/${randomUUID()}/test`);
    expect(missing.statusCode).toBe(404);
    const badPatch = await admin.request('PATCH', `/api/v1/webhooks/${subscriptionId}`, {
      url: 'gopher://x',
    });
    expect(badPatch.statusCode).toBe(422);
  });
});
