import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { postLedgerEntries } from '../accounts/ledger.service.ts';
import { ManualClock } from '../clock.ts';
import { e164, testAgentActor, uniquePhone } from '../customers/customers.factories.ts';
import {
  arcoRequests,
  authorizedRepresentatives,
  consents,
  conversations,
  conversationTurns,
  customers,
  events,
  plans,
  zones,
} from '../db/schema.ts';
import { CHANNELS } from '../domain/vocabulary.ts';
import { type Session, startTestApp, type TestApp } from '../test/app.ts';
import { describeEachDatabase } from '../test/databases.ts';
import schema from './access-export.schema.json' with { type: 'json' };
import type { AccessExport } from './access-export.ts';

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

function validator() {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  addFormats.default(ajv);
  return ajv.compile(schema);
}

const ROSA = 'Rosa Elvira Treviño Garza';
const BRUNO = 'Bruno Quintanilla Sáenz';
const ATTACHMENT = Buffer.from('%PDF-1.4 recibo de pago de Rosa');

describeEachDatabase('the ARCO access export', (kind) => {
  let app: TestApp;
  let admin: Session;
  let address = 0;
  const clock = new (class extends ManualClock {
    override now() {
      this.advance(1);
      return super.now();
    }
  })(new Date('2026-11-25T16:00:00Z'));
  const rosa = { id: '', phone: uniquePhone(), email: `rosa.${kind}@example.test`, folios: [] as string[] };
  const bruno = { id: '', phone: uniquePhone(), folios: [] as string[] };
  let arcoFolio = '';
  let arcoId = '';

  const portal = (payload: object) =>
    app.atiende.http.inject({
      method: 'POST',
      url: '/api/v1/portal/access-export',
      remoteAddress: `198.51.100.${++address}`,
      payload,
    });
  // Each folio allows a few lookups per window; the tests move past it rather than share a budget.
  const nextWindow = () => clock.advance(16 * 60_000);

  const ok = async (response: { statusCode: number; body: string }, status = 201) => {
    expect(response.statusCode, response.body).toBe(status);
    return JSON.parse(response.body);
  };

  beforeAll(async () => {
    app = await startTestApp(kind, { work: false, clock });
    admin = await app.sessionAs('admin');
    const db = app.atiende.ctx.db;

    const created = await ok(
      await admin.request('POST', '/api/v1/customers', {
        name: ROSA,
        accountNumber: `ROSA-${kind}`,
        contactPoints: [
          { kind: 'phone', address: rosa.phone },
          { kind: 'email', address: rosa.email },
          { kind: 'whatsapp', address: e164(rosa.phone).slice(1) },
          { kind: 'messenger', address: `7${String(Date.now()).slice(-9)}${kind.length}` },
        ],
      }),
    );
    rosa.id = created.id;
    const old = await ok(
      await admin.request('POST', '/api/v1/customers', { name: 'Rosa E. Treviño (registro anterior)' }),
    );
    await ok(
      await admin.request('POST', `/api/v1/customers/${rosa.id}/merge`, { fromCustomerId: old.id }),
      200,
    );

    const [plan] = await db
      .insert(plans)
      .values({ code: `plan-${kind}`, name: 'Plan Hogar 50', monthlyPriceCentavos: 45_000 })
      .returning();
    const [zone] = await db
      .insert(zones)
      .values({ code: `zona-${kind}`, name: 'Torre Cumbres' })
      .returning();
    const service = await ok(
      await admin.request('POST', `/api/v1/customers/${rosa.id}/services`, {
        planId: plan?.id,
        zoneId: zone?.id,
        installAddress: 'Av. Paseo de los Leones 123, Cumbres',
        cutoffDay: 5,
      }),
    );
    await postLedgerEntries(
      db,
      [
        { serviceId: service.id, kind: 'cargo', amountCentavos: 45_000, effectiveDate: '2026-11-05' },
        { serviceId: service.id, kind: 'pago', amountCentavos: -30_050, effectiveDate: '2026-11-10' },
      ],
      testAgentActor(),
    );

    for (const channel of CHANNELS) {
      const opened = await ok(
        await admin.request('POST', '/api/v1/cases', {
          requestType: 'queja',
          channel,
          customerId: rosa.id,
          description: `Mensaje de Rosa por ${channel}`,
          attachments:
            channel === 'email'
              ? [
                  {
                    filename: 'recibo.pdf',
                    contentType: 'application/pdf',
                    data: ATTACHMENT.toString('base64'),
                  },
                ]
              : [],
        }),
      );
      rosa.folios.push(opened.folio);
      await ok(
        await admin.request('POST', `/api/v1/cases/${opened.folio}/messages`, {
          kind: 'saliente',
          body: `Respuesta a Rosa por ${channel}`,
        }),
      );
      await ok(
        await admin.request('POST', `/api/v1/cases/${opened.folio}/messages`, {
          kind: 'nota_interna',
          body: `Nota interna del equipo sobre ${channel}`,
        }),
      );
    }

    const arcoCase = await ok(
      await admin.request('POST', '/api/v1/cases', {
        requestType: 'arco',
        channel: 'portal',
        customerId: rosa.id,
        description: 'Quiero saber qué datos míos tienen',
      }),
    );
    arcoFolio = arcoCase.folio;
    const [request] = await db
      .insert(arcoRequests)

      .values({ caseId: arcoCase.id, customerId: rosa.id, subtype: 'acceso', status: 'respondida' })
      .returning();
    arcoId = request?.id ?? '';

    await db.insert(consents).values({
      customerId: rosa.id,
      purpose: 'promocionales',
      granted: true,
      channel: 'portal',
      textVersion: 'aviso-2026-01',
      recordedAt: clock.now(),
    });
    await ok(
      await admin.request('POST', `/api/v1/customers/${rosa.id}/representatives`, {
        name: 'Héctor Treviño',
        contact: '81 5555 0101',
      }),
    );
    const [conversation] = await db
      .insert(conversations)
      .values({
        channel: 'whatsapp',
        contactAddress: e164(rosa.phone).slice(1),
        customerId: rosa.id,
        state: { step: 'menu' },
        startedAt: clock.now(),
        lastActivityAt: clock.now(),
      })
      .returning();
    await db.insert(conversationTurns).values([
      { conversationId: conversation?.id ?? '', kind: 'entrante', body: '2', createdAt: clock.now() },
      {
        conversationId: conversation?.id ?? '',
        kind: 'saliente',
        body: 'Su saldo es de $149.50 MXN',
        createdAt: clock.now(),
      },
    ]);

    // Someone else, who named Rosa's WhatsApp as their representative: Rosa sees that she acts for
    // someone, never who, nor anything of theirs.
    const other = await ok(
      await admin.request('POST', '/api/v1/customers', {
        name: BRUNO,
        accountNumber: `BRUNO-${kind}`,
        contactPoints: [{ kind: 'phone', address: bruno.phone }],
      }),
    );
    bruno.id = other.id;
    const theirs = await ok(
      await admin.request('POST', '/api/v1/cases', {
        requestType: 'falla',
        channel: 'whatsapp',
        customerId: bruno.id,
        description: 'Mensaje de Bruno: sin señal desde ayer',
      }),
    );
    bruno.folios.push(theirs.folio);
    await db.insert(authorizedRepresentatives).values({
      customerId: bruno.id,
      name: 'Rosa Treviño',
      contact: rosa.phone,
      contactKind: 'whatsapp',
      contactAddress: e164(rosa.phone),
      grantedVia: 'portal',
    });
  });
  afterAll(() => app?.close());

  it('is not delivered before the access request is carried out, nor on another case or contact', async () => {
    const early = await portal({ folio: arcoFolio, factor: rosa.phone, format: 'json' });
    expect(early.statusCode).toBe(404);
    await app.atiende.ctx.db
      .update(arcoRequests)
      .set({ status: 'ejecutada', executedAt: clock.now() })
      .where(eq(arcoRequests.id, arcoId));
    // Bruno's phone on Rosa's request, and Rosa's phone on her complaint, look like any wrong folio.
    const wrongContact = await portal({ folio: arcoFolio, factor: bruno.phone, format: 'json' });
    const notArco = await portal({ folio: rosa.folios[0], factor: rosa.phone, format: 'pdf' });
    const brunos = await portal({ folio: bruno.folios[0], factor: bruno.phone, format: 'json' });
    for (const refused of [wrongContact, notArco, brunos]) {
      expect(refused.statusCode).toBe(404);
      expect(refused.json()).toMatchObject({ code: 'portal.not_found' });
    }
    expect(early.body).toBe(wrongContact.body);
  });

  it('hands the person everything held about them as JSON that validates against the published schema', async () => {
    nextWindow();
    const response = await portal({ folio: arcoFolio, factor: rosa.email, format: 'json' });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['content-disposition']).toContain('attachment');
    const data = response.json() as AccessExport;

    const validate = validator();
    expect(validate(data), JSON.stringify(validate.errors)).toBe(true);
    const published = await app.atiende.http.inject({
      method: 'GET',
      url: '/api/v1/schemas/access-export.json',
    });
    expect(published.statusCode).toBe(200);
    expect(published.json()).toEqual(schema);
    expect(data.$schema).toMatch(/\/api\/v1\/schemas\/access-export\.json$/);
    // The validation can fail: a copy with money as text, or without the cases, does.
    const broken = structuredClone(data) as unknown as Record<string, unknown> & AccessExport;
    (broken.services[0]?.balance as unknown as Record<string, unknown>).centavos = '149.50';
    expect(validate(broken)).toBe(false);
    const { cases: _dropped, ...withoutCases } = data;
    expect(validate(withoutCases)).toBe(false);

    expect(data.customer.name).toBe(ROSA);
    expect(data.customer.mergedRecords.map((m) => m.name)).toEqual(['Rosa E. Treviño (registro anterior)']);
    expect(data.contactPoints.map((p) => p.kind).sort()).toEqual(['email', 'messenger', 'phone', 'whatsapp']);
    expect(data.services[0]).toMatchObject({
      plan: { name: 'Plan Hogar 50' },
      zone: 'Torre Cumbres',
      balance: { centavos: 14_950, formatted: '$149.50 MXN' },
    });
    expect(data.services[0]?.ledger.map((e) => e.amount.formatted)).toEqual(['$450.00 MXN', '-$300.50 MXN']);
    expect(new Set(data.cases.map((c) => c.channel))).toEqual(new Set(CHANNELS));
    expect(data.cases.map((c) => c.folio)).toEqual(expect.arrayContaining([...rosa.folios, arcoFolio]));
    const bodies = data.cases.flatMap((c) => c.messages.map((m) => m.body));
    for (const channel of CHANNELS) {
      expect(bodies).toContain(`Mensaje de Rosa por ${channel}`);
      expect(bodies).toContain(`Respuesta a Rosa por ${channel}`);
    }
    expect(JSON.stringify(data)).not.toContain('Nota interna');
    expect(data.attachments).toEqual([
      expect.objectContaining({
        filename: 'recibo.pdf',
        contentType: 'application/pdf',
        size: ATTACHMENT.length,
      }),
    ]);
    const withFile = data.cases
      .flatMap((c) => c.messages)
      .find((m) => m.id === data.attachments[0]?.messageId);
    expect(withFile?.body).toBe('Mensaje de Rosa por email');
    expect(data.consents).toEqual([expect.objectContaining({ purpose: 'promocionales', granted: true })]);
    expect(data.representatives.named.map((r) => r.name)).toEqual(['Héctor Treviño']);
    expect(data.representatives.actingFor.map((r) => r.name)).toEqual(['Rosa Treviño']);
    expect(data.arcoRequests).toEqual([
      expect.objectContaining({ caseFolio: arcoFolio, status: 'ejecutada' }),
    ]);
    expect(data.conversations[0]?.turns.map((t) => t.body)).toEqual(['2', 'Su saldo es de $149.50 MXN']);

    const text = JSON.stringify(data);
    for (const theirs of [BRUNO, bruno.id, `BRUNO-${kind}`, ...bruno.folios, 'Mensaje de Bruno']) {
      expect(text).not.toContain(theirs);
    }
  });

  it('reads as a PDF with each case, the messages and page numbers, and nothing of anyone else', async () => {
    nextWindow();
    const response = await portal({ folio: arcoFolio, factor: rosa.phone, format: 'pdf' });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['content-type']).toBe('application/pdf');
    const text = await pdfText(response.rawPayload);
    expect(text).toContain(ROSA);
    expect(text).toContain('Sus datos personales');
    for (const folio of [...rosa.folios, arcoFolio]) expect(text).toContain(folio);
    expect(text).toContain('Mensaje de Rosa por whatsapp');
    expect(text).toContain('Respuesta a Rosa por facebook');
    expect(text).toContain('$149.50 MXN');
    expect(text).toMatch(/Página 1 de \d+/);
    expect(text).not.toContain('Nota interna');
    for (const theirs of [BRUNO, ...bruno.folios, 'Mensaje de Bruno']) expect(text).not.toContain(theirs);
  });

  it('records every download on the request', async () => {
    const downloads = await app.atiende.ctx.db
      .select({ after: events.after, actorKind: events.actorKind, customerId: events.customerId })
      .from(events)
      .where(and(eq(events.kind, 'personal_data_exported'), eq(events.subjectId, arcoId)))
      .orderBy(asc(events.id));
    expect(downloads).toEqual([
      { after: { format: 'json' }, actorKind: 'cliente', customerId: rosa.id },
      { after: { format: 'pdf' }, actorKind: 'cliente', customerId: rosa.id },
    ]);
  });

  it('gives supervisors and admins a copy, and nobody else', async () => {
    const url = `/api/v1/customers/${rosa.id}/access-export`;
    const agent = await app.sessionAs('agent');
    expect((await agent.request('GET', url)).statusCode).toBe(403);
    expect((await app.atiende.http.inject({ method: 'GET', url })).statusCode).toBe(401);
    const supervisor = await app.sessionAs('supervisor');
    const json = await supervisor.request('GET', `${url}?format=json`);
    expect(json.statusCode, json.body).toBe(200);
    expect((json.json() as AccessExport).customer.name).toBe(ROSA);
    const pdf = await admin.request('GET', `${url}?format=pdf`);
    expect(pdf.statusCode).toBe(200);
    expect(await pdfText(pdf.rawPayload)).toContain(ROSA);
    expect((await supervisor.request('GET', `${url}?format=xml`)).statusCode).toBe(400);
    const [recorded] = await app.atiende.ctx.db
      .select({ actorAgentId: events.actorAgentId })
      .from(events)
      .where(
        and(
          eq(events.kind, 'personal_data_exported'),
          eq(events.subjectKind, 'customer'),
          eq(events.subjectId, rosa.id),
        ),
      );
    expect(recorded?.actorAgentId).toBe(supervisor.agentId);

    // A customer who chose English reads the export in English.
    await app.atiende.ctx.db.update(customers).set({ language: 'en' }).where(eq(customers.id, rosa.id));
    const english = await pdfText((await admin.request('GET', `${url}?format=pdf`)).rawPayload);
    expect(english).toContain('Your personal data');
    expect(english).toMatch(/Page 1 of \d+/);
    expect(english).toContain('Mensaje de Rosa por portal');
  });
});
