import { and, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { receiveEmail, trustFromAuthenticationResults } from '../channels/smtp/inbound.ts';
import { waMessagesPayload, waText } from '../channels/testing/wa-payloads.ts';
import { signMetaPayload } from '../channels/whatsapp/signature.ts';
import { ManualClock } from '../clock.ts';
import {
  cases,
  compensations,
  contactPoints,
  customers,
  incidentNotices,
  incidentUpdates,
  messages,
  plans,
  services,
  zones,
} from '../db/schema.ts';
import { startTestApp, type TestApp } from '../test/app.ts';
import { describeEachDatabase } from '../test/databases.ts';
import { type FakeGraph, startFakeGraph } from '../test/fake-graph.ts';
import { waitUntil } from '../test/wait.ts';

const SECRET = 'app-secret-for-tests';
const CUSTOMERS = 500;
const OUTSIDE = 20;
// 10:00 in Monterrey on a Tuesday; the tower went down at 7:00.
const NOW = new Date('2026-11-24T16:00:00Z');
const HOUR = 3_600_000;
const at = (hours: number) => new Date(NOW.getTime() + hours * HOUR);
type Door = 'whatsapp' | 'email' | 'portal';
const DOORS: Door[] = ['whatsapp', 'email', 'portal'];

/** The i-th customer: ten national digits, an e-mail, an account, and the door they report through. */
const person = (i: number) => ({
  national: `8133${String(i).padStart(6, '0')}`,
  email: `cliente${i}@correo.example`,
  account: `TN-${String(i).padStart(5, '0')}`,
  door: DOORS[i % DOORS.length] as Door,
});

describeEachDatabase('an outage of 500 customers, from their reports to the restoration', (kind) => {
  let app: TestApp;
  let graph: FakeGraph;
  const clock = new ManualClock(NOW);

  beforeAll(async () => {
    graph = await startFakeGraph();
    app = await startTestApp(kind, {
      clock,
      config: {
        GRAPH_BASE_URL: graph.url,
        WHATSAPP_VERIFY_TOKEN: 'verify-token-for-tests',
        WHATSAPP_APP_SECRET: SECRET,
        WHATSAPP_ACCESS_TOKEN: 'access-token-for-tests',
        WHATSAPP_PHONE_NUMBER_ID: '200000000000001',
      },
    });
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    await graph?.close();
  });

  it('links and answers every report with the ETA, tells each customer each update once, and resolves and compensates them all', async () => {
    const { db } = app.atiende.ctx;
    const [north] = await db.insert(zones).values({ code: 'TN', name: 'Torre Norte' }).returning();
    const [centro] = await db
      .insert(zones)
      .values({ code: 'TN-CEN', name: 'Col. Centro', parentId: north?.id as number })
      .returning();
    const [south] = await db.insert(zones).values({ code: 'TS', name: 'Torre Sur' }).returning();
    const [plan] = await db
      .insert(plans)
      .values({ code: 'inal-20', name: 'Inalámbrico 20 Mbps', monthlyPriceCentavos: 39_900 })
      .returning();
    const everyone = Array.from({ length: CUSTOMERS + OUTSIDE }, (_, i) => person(i));
    const rows = await db
      .insert(customers)
      .values(everyone.map((p, i) => ({ name: `Cliente ${i}`, accountNumber: p.account })))
      .returning({ id: customers.id, accountNumber: customers.accountNumber });
    const idOf = new Map(rows.map((r) => [r.accountNumber, r.id]));
    const customerOf = (i: number) => idOf.get(everyone[i]?.account as string) as string;
    await db.insert(contactPoints).values(
      everyone.flatMap((p, i) => [
        { customerId: customerOf(i), kind: 'phone' as const, address: `+52${p.national}` },
        { customerId: customerOf(i), kind: 'email' as const, address: p.email },
      ]),
    );
    await db.insert(services).values(
      everyone.map((p, i) => ({
        customerId: customerOf(i),
        externalRef: p.account,
        planId: plan?.id as number,
        zoneId: i < CUSTOMERS ? (centro?.id as number) : (south?.id as number),
        status: 'activo' as const,
        cutoffDay: 15,
      })),
    );

    const supervisor = await app.sessionAs('supervisor');
    const declared = await supervisor.request('POST', '/api/v1/incidents', {
      zoneIds: [north?.id],
      cause: 'energia',
      publicText: 'Sin energía en la Torre Norte; la CFE ya trabaja en la zona.',
      startedAt: at(-3).toISOString(),
      eta: at(4).toISOString(),
    });
    expect(declared.statusCode).toBe(201);
    const incident = declared.json() as { id: string };
    // The first reports come in a few minutes after the declaration.
    clock.set(at(0.1));

    // The reports, each door its own way; every WhatsApp payload is delivered twice, as Meta may.
    const whatsapp = new Map<number, string>();
    let address = 0;
    const report = async (i: number) => {
      const p = everyone[i] as ReturnType<typeof person>;
      if (p.door === 'whatsapp') {
        const raw =
          whatsapp.get(i) ??
          JSON.stringify(
            waMessagesPayload(`521${p.national}`, `Cliente ${i}`, [waText('No tengo internet')]),
          );
        whatsapp.set(i, raw);
        const response = await app.atiende.http.inject({
          method: 'POST',
          url: '/webhooks/whatsapp',
          headers: {
            'content-type': 'application/json',
            'x-hub-signature-256': signMetaPayload(Buffer.from(raw), SECRET),
          },
          payload: raw,
        });
        expect(response.statusCode).toBe(200);
      } else if (p.door === 'email') {
        const raw = Buffer.from(
          [
            'Authentication-Results: mx.monetmovil.com; spf=pass; dkim=pass; dmarc=pass',
            `From: Cliente ${i} <${p.email}>`,
            'To: atencionclientes@monetmovil.com',
            'Subject: Sin internet',
            `Message-ID: <reporte-${i}-${kind}@correo.example>`,
            'Date: Tue, 24 Nov 2026 09:55:00 -0600',
            'Content-Type: text/plain; charset=utf-8',
            '',
            'Buenos días, no tengo internet desde temprano.',
            '',
          ].join('\r\n'),
        );
        const outcome = await receiveEmail(app.atiende.ctx, raw, () =>
          Promise.resolve(trustFromAuthenticationResults(raw)),
        );
        expect(outcome.kind).toBe('received');
      } else {
        const response = await app.atiende.http.inject({
          method: 'POST',
          url: '/api/v1/portal/requests',
          remoteAddress: `198.51.${Math.floor(++address / 250)}.${address % 250}`,
          payload: {
            requestType: 'falla',
            description: 'No tengo internet desde temprano.',
            accountNumber: p.account,
            phone: p.national,
            idempotencyKey: `reporte-${i}-${kind}`,
          },
        });
        expect(response.statusCode).toBe(201);
        // The portal cannot tell who is writing: the report is linked through the account holder's
        // service, but the sender is told nothing that would say where the holder lives.
        expect(response.json().incident).toBeNull();
      }
    };
    const all = Array.from({ length: CUSTOMERS + OUTSIDE }, (_, i) => i);
    for (let start = 0; start < all.length; start += 20) {
      await Promise.all(all.slice(start, start + 20).map(report));
    }
    for (const i of [...whatsapp.keys()].slice(0, 50)) await report(i);

    const linked = () =>
      db.select({ n: sql<number>`count(*)::int` }).from(cases).where(eq(cases.incidentId, incident.id));
    const total = () => db.select({ n: sql<number>`count(*)::int` }).from(cases);
    await waitUntil(
      async () => (await linked())[0]?.n === CUSTOMERS && (await total())[0]?.n === CUSTOMERS + OUTSIDE,
      120_000,
    );
    const opened = await db.select().from(cases);
    expect(opened).toHaveLength(CUSTOMERS + OUTSIDE);
    expect(opened.filter((c) => c.incidentId === incident.id)).toHaveLength(CUSTOMERS);
    expect(opened.filter((c) => c.incidentId === null)).toHaveLength(OUTSIDE);

    // Each chat and e-mail report was answered at once with the ETA (the portal's answer is its page).
    const acks = await db
      .select({ caseId: messages.caseId, body: messages.body })
      .from(messages)
      .innerJoin(cases, eq(cases.id, messages.caseId))
      .where(and(eq(messages.kind, 'saliente'), eq(cases.incidentId, incident.id)));
    const chatAndMail = opened.filter((c) => c.incidentId === incident.id && c.channel !== 'portal');
    const twice = acks.filter((a, k) => acks.findIndex((b) => b.caseId === a.caseId) !== k);
    expect(twice.map((a) => acks.filter((b) => b.caseId === a.caseId).map((b) => b.body))).toEqual([]);
    expect(acks).toHaveLength(chatAndMail.length);
    for (const ack of acks) expect(ack.body).toContain('24 de noviembre de 2026, 14:00 h');

    // Two updates: one notice per linked customer each, none to anyone outside the zone.
    for (const [hours, body] of [
      [1, { status: 'en_reparacion', text: 'Una cuadrilla ya trabaja en el sitio.' }],
      [1.5, { text: 'El transformador llega en una hora.', eta: at(3).toISOString() }],
    ] as const) {
      clock.set(at(hours));
      expect(
        (await supervisor.request('POST', `/api/v1/incidents/${incident.id}/updates`, body)).statusCode,
      ).toBe(200);
      // Meta redelivers while the broadcast runs.
      for (const i of [...whatsapp.keys()].slice(50, 80)) await report(i);
    }
    const updates = await db
      .select({ id: incidentUpdates.id })
      .from(incidentUpdates)
      .where(eq(incidentUpdates.incidentId, incident.id));
    const broadcasts = updates.map((u) => u.id).slice(1);
    const noticesOf = () =>
      db.select().from(incidentNotices).where(inArray(incidentNotices.updateId, broadcasts));
    await waitUntil(async () => (await noticesOf()).length >= 2 * CUSTOMERS, 120_000);
    const notices = await noticesOf();
    expect(notices).toHaveLength(2 * CUSTOMERS);
    const insideIds = new Set(opened.filter((c) => c.incidentId === incident.id).map((c) => c.customerId));
    expect(notices.every((n) => insideIds.has(n.customerId))).toBe(true);
    for (const updateId of broadcasts) {
      expect(new Set(notices.filter((n) => n.updateId === updateId).map((n) => n.customerId)).size).toBe(
        CUSTOMERS,
      );
    }
    const outsideCases = opened.filter((c) => c.incidentId === null).map((c) => c.id);
    const outsideMessages = await db
      .select({ n: sql<number>`count(*)::int` })
      .from(messages)
      .where(and(inArray(messages.caseId, outsideCases), eq(messages.kind, 'saliente')));
    // Outside the zone: the acknowledgement of their own report, nothing more.
    expect(outsideMessages[0]?.n).toBe(everyone.slice(CUSTOMERS).filter((p) => p.door !== 'portal').length);

    // Restoration at 11:30: every report resolved with its restoration and compensation, one message each
    // (resolved, or closed already: the reopen window counts from the test's clock, long past in real time).
    clock.set(at(2));
    const restored = await supervisor.request('POST', `/api/v1/incidents/${incident.id}/updates`, {
      status: 'restablecido',
      restoredAt: at(1.5).toISOString(),
      text: 'El servicio quedó restablecido.',
    });
    expect(restored.statusCode).toBe(200);
    for (const i of [...whatsapp.keys()].slice(80, 110)) await report(i);
    const done = () =>
      db
        .select({ n: sql<number>`count(*)::int` })
        .from(cases)
        .where(and(eq(cases.incidentId, incident.id), isNotNull(cases.resolvedAt)));
    await waitUntil(async () => (await done())[0]?.n === CUSTOMERS, 180_000);
    const resolved = await db.select().from(cases).where(eq(cases.incidentId, incident.id));
    expect(resolved.every((c) => c.serviceRestoredAt?.getTime() === at(1.5).getTime())).toBe(true);
    expect(resolved.every((c) => c.causeCode === 'atribuible_proveedor')).toBe(true);
    const owed = await db
      .select()
      .from(compensations)
      .where(
        inArray(
          compensations.caseId,
          resolved.map((c) => c.id),
        ),
      );
    expect(owed).toHaveLength(CUSTOMERS);
    expect(new Set(owed.map((c) => c.caseId)).size).toBe(CUSTOMERS);
    const restorationUpdate = (
      await db
        .select({ id: incidentUpdates.id })
        .from(incidentUpdates)
        .where(and(eq(incidentUpdates.incidentId, incident.id), eq(incidentUpdates.status, 'restablecido')))
    )[0]?.id as string;
    await waitUntil(
      async () =>
        (await db.select().from(incidentNotices).where(eq(incidentNotices.updateId, restorationUpdate)))
          .length === CUSTOMERS,
      60_000,
    );
    const restorationNotices = await db
      .select()
      .from(incidentNotices)
      .where(and(eq(incidentNotices.updateId, restorationUpdate), isNotNull(incidentNotices.messageId)));
    const bodies = await db
      .select({ body: messages.body })
      .from(messages)
      .where(
        inArray(
          messages.id,
          restorationNotices.map((n) => n.messageId as string),
        ),
      );
    expect(bodies.length).toBe(restorationNotices.length);
    for (const { body } of bodies) expect(body).toMatch(/bonificación de \$\d+\.\d\d MXN/);

    // Every redelivery along the way changed nothing: one case and one customer message per report.
    const incoming = await db
      .select({ n: sql<number>`count(*)::int` })
      .from(messages)
      .where(eq(messages.kind, 'entrante'));
    expect(incoming[0]?.n).toBe(CUSTOMERS + OUTSIDE);
    expect((await total())[0]?.n).toBe(CUSTOMERS + OUTSIDE);
  }, 900_000);
});
