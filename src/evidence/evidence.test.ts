import { createHash } from 'node:crypto';
import path from 'node:path';
import { and, asc, eq, ne } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { formatFolio } from '../cases/folio.ts';
import { ManualClock } from '../clock.ts';
import { areas, cases, compensations, events, plans } from '../db/schema.ts';
import { type Session, startTestApp, type TestApp } from '../test/app.ts';
import { describeEachDatabase } from '../test/databases.ts';
import { canonicalJson, itemSha256, manifestSha256, sha256Hex } from './canonical-json.ts';
import type { Evidence } from './evidence.service.ts';

/** The text of a PDF, through pdf.js (the PDF is parsed, not searched as bytes). */
async function pdfText(bytes: Buffer): Promise<string> {
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const standardFontDataUrl = `${path.resolve('node_modules/pdfjs-dist/standard_fonts')}/`;
  const doc = await pdfjs.getDocument({
    data: new Uint8Array(bytes),
    standardFontDataUrl,
    isEvalSupported: false,
  }).promise;
  const pages: string[] = [];
  for (let i = 1; i <= doc.numPages; i++) {
    const content = await (await doc.getPage(i)).getTextContent();
    pages.push(content.items.map((item) => ('str' in item ? item.str : '')).join(' '));
  }
  return pages.join('\n');
}

const ROSA = 'Rosa Elvira Treviño Garza';
const OTHER = 'Bruno Quintanilla Sáenz';
const RECEIPT = Buffer.from('%PDF-1.4 recibo de pago de Rosa');
const NOTE = 'Nota interna: la clienta ya llamó tres veces';

describeEachDatabase('the evidence pack for a conciliation', (kind) => {
  let app: TestApp;
  const clock = new ManualClock(new Date('2026-11-25T16:00:00Z'));
  let admin: Session;
  let supervisor: Session;
  let outsider: Session;
  let agent: Session;
  let folio = '';
  let caseId = '';

  const ok = async (response: { statusCode: number; body: string }, status = 201) => {
    expect(response.statusCode, response.body).toBe(status);
    return JSON.parse(response.body);
  };

  beforeAll(async () => {
    app = await startTestApp(kind, { work: false, clock });
    admin = await app.sessionAs('admin');
    const db = app.atiende.ctx.db;
    const rosa = await ok(
      await admin.request('POST', '/api/v1/customers', { name: ROSA, accountNumber: `EVID-${kind}` }),
    );
    const bruno = await ok(
      await admin.request('POST', '/api/v1/customers', { name: OTHER, accountNumber: `OTRO-${kind}` }),
    );
    const [plan] = await db
      .insert(plans)
      .values({ code: `evid-${kind}`, name: 'Plan Hogar 50', monthlyPriceCentavos: 45_000 })
      .returning();
    const service = await ok(
      await admin.request('POST', `/api/v1/customers/${rosa.id}/services`, {
        planId: plan?.id,
        installAddress: 'Av. Paseo de los Leones 123, Cumbres',
        cutoffDay: 5,
      }),
    );
    const opened = await ok(
      await admin.request('POST', '/api/v1/cases', {
        requestType: 'queja',
        channel: 'email',
        customerId: rosa.id,
        description: 'Me cobraron dos veces la mensualidad de noviembre',
        attachments: [
          { filename: 'recibo.pdf', contentType: 'application/pdf', data: RECEIPT.toString('base64') },
        ],
      }),
    );
    folio = opened.folio;
    caseId = opened.id;
    // Another customer's case: nothing of it may reach Rosa's pack.
    await ok(
      await admin.request('POST', '/api/v1/cases', {
        requestType: 'queja',
        channel: 'telefono',
        customerId: bruno.id,
        description: 'Mensaje de Bruno sobre su factura',
      }),
    );

    const [row] = await db.select({ areaId: cases.areaId }).from(cases).where(eq(cases.id, caseId));
    const areaId = row?.areaId as number;
    const [other] = await db.select({ id: areas.id }).from(areas).where(ne(areas.id, areaId));
    supervisor = await app.sessionAs('supervisor', [areaId]);
    outsider = await app.sessionAs('supervisor', [other?.id as number]);
    agent = await app.sessionAs('agent', [areaId]);

    clock.advance(10 * 60_000);
    await ok(
      await agent.request('POST', `/api/v1/cases/${folio}/messages`, {
        kind: 'saliente',
        body: 'Revisamos su estado de cuenta; ¿nos confirma la fecha del segundo cargo?',
      }),
    );
    await ok(
      await agent.request('POST', `/api/v1/cases/${folio}/messages`, { kind: 'nota_interna', body: NOTE }),
    );
    clock.advance(5 * 60_000);
    await ok(await agent.request('POST', `/api/v1/cases/${folio}/status`, { status: 'en_proceso' }), 200);
    await ok(
      await agent.request('POST', `/api/v1/cases/${folio}/status`, { status: 'en_espera_cliente' }),
      200,
    );
    clock.advance(3 * 3_600_000);

    await db.insert(compensations).values({
      caseId,
      serviceId: service.id,
      kind: 'cargo_indebido',
      status: 'aplicada',
      computedCentavos: 45_000,
      refundCentavos: 45_000,
      appliedCentavos: 45_000,
      formula: { charged: 45_000, owed: 0 },
      explanation: 'Reembolso del cargo duplicado de $450.00 MXN',
      effectiveDate: '2026-12-05',
      decidedAt: clock.now(),
    });
  });
  afterAll(() => app?.close());

  const evidence = async (session: Session) => {
    const response = await session.request('GET', `/api/v1/cases/${folio}/evidence.json`);
    expect(response.statusCode, response.body).toBe(200);
    return response.json() as Evidence;
  };

  it('holds every part of the case, each item hashed over its canonical JSON and the manifest over them', async () => {
    const response = await supervisor.request('GET', `/api/v1/cases/${folio}/evidence.json`);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['content-disposition']).toBe(`attachment; filename="expediente-${folio}.json"`);
    const data = response.json() as Evidence;
    expect(data).toMatchObject({
      folio,
      internalNotesExcluded: true,
      generatedAt: clock.now().toISOString(),
    });
    const kinds = new Set(data.items.map((i) => i.kind));
    for (const k of ['cliente', 'caso', 'evento', 'mensaje', 'adjunto', 'plazo', 'compensacion'])
      expect(kinds, k).toContain(k);

    for (const item of data.items) {
      expect(item.sha256).toBe(
        sha256Hex(canonicalJson({ kind: item.kind, id: item.id, at: item.at, data: item.data })),
      );
    }
    expect(data.manifestSha256).toBe(manifestSha256(data.items.map((i) => i.sha256)));

    expect(data.items.find((i) => i.kind === 'cliente')?.data).toEqual({
      name: ROSA,
      accountNumber: `EVID-${kind}`,
    });
    const messages = data.items.filter((i) => i.kind === 'mensaje');
    // The customer's message, the agent's reply, and the automatic notices of the status changes.
    expect(messages.map((m) => m.data.direction)).toEqual(['entrante', 'saliente', 'saliente', 'saliente']);
    expect(messages[1]?.data.body).toMatch(/^Revisamos su estado de cuenta/);
    expect(data.items.find((i) => i.kind === 'adjunto')?.data).toMatchObject({
      filename: 'recibo.pdf',
      size: RECEIPT.length,
      sha256: createHash('sha256').update(RECEIPT).digest('hex'),
    });
    const sentences = data.items.filter((i) => i.kind === 'evento').map((i) => String(i.data.sentence));
    expect(sentences.some((s) => s.endsWith('de «En proceso» a «En espera del cliente»'))).toBe(true);
    const resolution = data.items.find((i) => i.kind === 'plazo' && i.data.kind === 'resolucion');
    expect(resolution?.data).toMatchObject({ state: 'pausado', source: expect.any(String) });
    expect(resolution?.data.pausedAt).not.toBeNull();
    expect(Number(resolution?.data.pausedMs)).toBeGreaterThanOrEqual(0);
    expect(data.items.find((i) => i.kind === 'compensacion')?.data).toMatchObject({
      kind: 'cargo_indebido',
      explanation: 'Reembolso del cargo duplicado de $450.00 MXN',
      applied: '$450.00 MXN',
    });
  });

  it('leaves out internal notes and everything of other customers', async () => {
    const text = JSON.stringify(await evidence(admin));
    expect(text).not.toContain(NOTE);
    expect(text).not.toContain('nota_interna');
    expect(text).not.toContain(OTHER);
    expect(text).not.toContain('Mensaje de Bruno');
  });

  it('changes its manifest when any item is tampered with', async () => {
    const data = await evidence(supervisor);
    const tampered = structuredClone(data);
    const message = tampered.items.find((i) => i.kind === 'mensaje');
    if (!message) throw new Error('no message');
    message.data.body = 'Nunca me cobraron dos veces';
    const rehashed = tampered.items.map((i) => itemSha256(i));
    expect(rehashed).not.toEqual(data.items.map((i) => i.sha256));
    expect(manifestSha256(rehashed)).not.toBe(data.manifestSha256);
  });

  it('is a PDF in Spanish with the folio and the manifest hash, and each export is on the record', async () => {
    const response = await supervisor.request('GET', `/api/v1/cases/${folio}/evidence.pdf`);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['content-type']).toBe('application/pdf');
    const bytes = response.rawPayload;
    expect(bytes.subarray(0, 4).toString('latin1')).toBe('%PDF');

    // Each export joins the timeline, so the next one has another manifest: the record says which one left.
    const recorded = await app.atiende.ctx.db
      .select()
      .from(events)
      .where(and(eq(events.caseId, caseId), eq(events.kind, 'evidence_exported')))
      .orderBy(asc(events.id));
    const last = recorded.at(-1);
    expect(last?.actorAgentId).toBe(supervisor.agentId);
    const after = last?.after as { format: string; manifestSha256: string };
    expect(after.format).toBe('pdf');
    expect(after.manifestSha256).toMatch(/^[0-9a-f]{64}$/);

    const text = await pdfText(bytes);
    expect(text).toContain(`Folio ${folio}`);
    expect(text).toContain(after.manifestSha256);
    expect(text).toContain('Expediente para conciliación');
    expect(text).toContain(ROSA);
    expect(text).toContain('En pausa');
    expect(text).toContain('Reembolso del cargo duplicado de $450.00 MXN');
    expect(text).not.toContain(NOTE);
    expect(text).not.toContain(OTHER);

    const json = await evidence(supervisor);
    expect(json.items.filter((i) => i.kind === 'evento').at(-1)?.data).toMatchObject({
      kind: 'evidence_exported',
      sentence: expect.stringMatching(/exportó el expediente para conciliación \(PDF\)$/),
    });
  });

  it('is for supervisors of the case’s area and admins only; an unknown folio is a 404', async () => {
    for (const format of ['json', 'pdf']) {
      const foreign = await outsider.request('GET', `/api/v1/cases/${folio}/evidence.${format}`);
      expect(foreign.statusCode).toBe(403);
      expect(foreign.json()).toMatchObject({ code: 'evidence.forbidden' });
      const desk = await agent.request('GET', `/api/v1/cases/${folio}/evidence.${format}`);
      expect(desk.statusCode).toBe(403);
    }
    const { folioPrefix } = (await app.atiende.ctx.settings.current(app.atiende.ctx.db)).settings.provider;
    const unknown = await admin.request(
      'GET',
      `/api/v1/cases/${formatFolio(folioPrefix, 2026, 999_999)}/evidence.json`,
    );
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ code: 'case.not_found' });
  });
});
