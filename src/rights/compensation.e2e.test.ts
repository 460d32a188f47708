import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ledgerExportFile } from '../accounts/ledger-export.ts';
import { waId, waMessagesPayload, waText } from '../channels/testing/wa-payloads.ts';
import { signMetaPayload } from '../channels/whatsapp/signature.ts';
import { ManualClock } from '../clock.ts';
import { areas, cases, ledgerEntries, messages, plans, services } from '../db/schema.ts';
import { startTestApp, type TestApp } from '../test/app.ts';
import { describeEachDatabase } from '../test/databases.ts';
import { type FakeGraph, startFakeGraph } from '../test/fake-graph.ts';
import { waitUntil } from '../test/wait.ts';

const SECRET = 'app-secret-for-tests';
// 10:00 in Monterrey (UTC−6), 25 November: cut-off day 15 puts it in a 30-day period.
const REPORT = new Date('2026-11-25T16:00:00Z');
const HOUR = 3_600_000;
const after = (hours: number) => new Date(REPORT.getTime() + hours * HOUR);

describeEachDatabase('a failure reported by WhatsApp, credited when resolved', (kind) => {
  let app: TestApp;
  let graph: FakeGraph;
  const clock = new ManualClock(REPORT);

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
  });
  afterAll(async () => {
    await app?.close();
    await graph?.close();
  });

  const post = (payload: unknown) => {
    const raw = JSON.stringify(payload);
    return app.atiende.http.inject({
      method: 'POST',
      url: '/webhooks/whatsapp',
      headers: {
        'content-type': 'application/json',
        'x-hub-signature-256': signMetaPayload(Buffer.from(raw), SECRET),
      },
      payload: raw,
    });
  };

  it('credits 2,917 centavos at the next cut-off, tells the customer and exports it once', async () => {
    const db = app.atiende.ctx.db;
    const wa = waId(900);
    const to = `52${wa.slice(-10)}`;
    const sentTexts = () =>
      graph.sent
        .filter((s) => (s.body as { to?: string } | undefined)?.to === to)
        .map((s) => (s.body as { text?: { body?: string } }).text?.body ?? '');

    expect(
      (await post(waMessagesPayload(wa, 'Ana Pérez', [waText('No tengo internet desde ayer')]))).statusCode,
    ).toBe(200);
    let kase: typeof cases.$inferSelect | undefined;
    await waitUntil(async () => {
      [kase] = await db.select().from(cases).where(eq(cases.channel, 'whatsapp'));
      return kase !== undefined;
    }, 15_000);
    if (!kase) throw new Error('no case');
    expect(kase).toMatchObject({ requestType: 'falla', createdAt: REPORT });
    const [plan] = await db
      .insert(plans)
      .values({ code: 'fibra-350-e2e', name: 'Fibra 350', monthlyPriceCentavos: 35_000 })
      .returning();
    const [service] = await db
      .insert(services)
      .values({ customerId: kase.customerId, status: 'activo', planId: plan?.id as number, cutoffDay: 15 })
      .returning();

    // The customer writes again when service is back, which keeps the 24-hour window open for the answer.
    clock.set(after(50.5));
    expect(
      (await post(waMessagesPayload(wa, 'Ana Pérez', [waText('Ya regresó el internet')]))).statusCode,
    ).toBe(200);
    const caseId = kase.id;
    await waitUntil(
      async () =>
        (
          await db
            .select()
            .from(messages)
            .where(and(eq(messages.caseId, caseId), eq(messages.kind, 'entrante')))
        ).length === 2,
      15_000,
    );

    clock.set(after(51));
    const [area] = await db.select().from(areas).where(eq(areas.id, kase.areaId));
    const agent = await app.sessionAs('agent', [area?.id as number]);
    const status = (body: Record<string, unknown>) =>
      agent.request('POST', `/api/v1/cases/${kase?.folio}/status`, body);
    expect((await status({ status: 'en_proceso' })).statusCode).toBe(200);
    const resolved = await status({
      status: 'resuelto',
      causeCode: 'atribuible_proveedor',
      serviceRestoredAt: after(50).toISOString(),
    });
    expect(resolved.statusCode).toBe(200);

    await waitUntil(() => sentTexts().some((text) => text.includes('$29.17 MXN')), 15_000);
    expect(sentTexts().find((text) => text.includes('quedó resuelto'))).toContain(
      'Se aplicará una bonificación de $29.17 MXN en la próxima fecha de corte (15 de diciembre de 2026).',
    );
    const credits = await db
      .select()
      .from(ledgerEntries)
      .where(and(eq(ledgerEntries.serviceId, service?.id as string), eq(ledgerEntries.kind, 'bonificacion')));
    expect(credits.map((c) => [c.amountCentavos, c.effectiveDate])).toEqual([[-2_917, '2026-12-15']]);
    const csv = await ledgerExportFile(db, { from: '2026-11-27', to: '2026-11-27' }, 'America/Monterrey');
    expect(csv.split('\n').filter((line) => line.includes(kase?.folio as string))).toHaveLength(1);
  });
});
