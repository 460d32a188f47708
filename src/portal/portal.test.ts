import path from 'node:path';
import { Readable } from 'node:stream';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ManualClock } from '../clock.ts';
import { cases } from '../db/schema.ts';
import { startTestApp, type TestApp } from '../test/app.ts';
import { describeEachDatabase } from '../test/databases.ts';
import { portalBodyLimit } from './portal.limits.ts';
import { PORTAL_RATE_LIMIT } from './portal.routes.ts';
import { PORTAL_LIMITS } from './portal.service.ts';

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

describeEachDatabase('the customer portal API', (kind) => {
  let app: TestApp;
  let address = 0;
  // A millisecond passes at every reading, so messages keep the order they were written in; tests that
  // need more requests from one address than a minute's limit allows move it on by minutes.
  const clock = new (class extends ManualClock {
    override now() {
      this.advance(1);
      return super.now();
    }
  })(new Date('2026-11-25T16:00:00Z'));
  beforeAll(async () => {
    app = await startTestApp(kind, { work: false, clock });
  });
  afterAll(() => app?.close());

  // Each test speaks from its own client address, so the per-address limit of one does not touch another.
  const call = (method: 'GET' | 'POST', url: string, payload?: object, ip = `198.51.100.${++address}`) =>
    app.atiende.http.inject({ method, url, remoteAddress: ip, ...(payload ? { payload } : {}) });
  let n = 0;
  const request = (extra: object = {}) => ({
    requestType: 'falla',
    description: 'No tengo internet desde la mañana',
    name: 'Marta Ruiz',
    phone: `81 3000 ${String(++n).padStart(4, '0')}`,
    email: `marta${n}@example.test`,
    idempotencyKey: `form-${kind}-${n}-${Date.now()}`,
    ...extra,
  });

  it('files a request once even when the form is submitted twice', async () => {
    const body = request();
    const [first, second] = await Promise.all([
      call('POST', '/api/v1/portal/requests', body),
      call('POST', '/api/v1/portal/requests', body),
    ]);
    const statuses = [first.statusCode, second.statusCode].sort();
    expect(statuses).toEqual([200, 201]);
    expect(first.json().folio).toBe(second.json().folio);
    expect(first.json().folio).toMatch(/^MON-\d{4}-\d{6}-\d$/);
    const rows = await app.atiende.ctx.db.select().from(cases).where(eq(cases.folio, first.json().folio));
    expect(rows).toHaveLength(1);
    expect(rows[0]?.channel).toBe('portal');
  });

  it('answers a folio with the right second factor, and the same way for a wrong factor and an unknown folio', async () => {
    const body = request();
    const { folio } = (await call('POST', '/api/v1/portal/requests', body)).json();
    const byPhone = await call('POST', '/api/v1/portal/lookup', {
      folio: folio.toLowerCase(),
      factor: body.phone.replaceAll(' ', ''),
    });
    expect(byPhone.statusCode).toBe(200);
    expect(byPhone.json()).toMatchObject({
      folio,
      status: expect.any(String),
      deadline: { state: 'en_tiempo' },
      messages: [{ kind: 'entrante', body: expect.stringContaining('internet') }],
    });
    const byEmail = await call('POST', '/api/v1/portal/lookup', { folio, factor: body.email.toUpperCase() });
    expect(byEmail.statusCode).toBe(200);

    const wrongFactor = await call('POST', '/api/v1/portal/lookup', { folio, factor: '81 9999 9999' });
    const otherFolio = folio.replace(/-(\d{6})-\d$/, '-999999-');
    const { dammCheckDigit } = await import('../cases/folio.ts');
    const unknown = await call('POST', '/api/v1/portal/lookup', {
      folio: `${otherFolio}${dammCheckDigit(`${folio.split('-')[1]}999999`)}`,
      factor: body.phone,
    });
    expect(wrongFactor.statusCode).toBe(404);
    expect(unknown.statusCode).toBe(404);
    const strip = (r: typeof unknown) => ({ ...r.json(), instance: undefined });
    expect(strip(wrongFactor)).toEqual(strip(unknown));
    expect(wrongFactor.body).not.toContain(folio);
  });

  it('lets the customer reply from the portal and see the agent’s answer; internal notes stay hidden', async () => {
    const body = request();
    const { folio } = (await call('POST', '/api/v1/portal/requests', body)).json();
    const agent = await app.sessionAs('admin');
    await agent.request('POST', `/api/v1/cases/${folio}/messages`, {
      kind: 'nota_interna',
      body: 'Cliente moroso, revisar',
    });
    await agent.request('POST', `/api/v1/cases/${folio}/messages`, {
      kind: 'saliente',
      body: 'Mañana va el técnico',
    });
    // Sent twice at once (a double click): one message.
    const replyBody = {
      folio,
      factor: body.phone,
      body: 'Gracias, estaré en casa',
      idempotencyKey: `reply-${kind}-${Date.now()}`,
    };
    const [reply, again] = await Promise.all([
      call('POST', '/api/v1/portal/replies', replyBody),
      call('POST', '/api/v1/portal/replies', replyBody),
    ]);
    expect(again.json().messages).toHaveLength(3);
    expect(reply.statusCode).toBe(200);
    const bodies = reply.json().messages.map((m: { body: string }) => m.body);
    expect(bodies).toEqual([
      expect.stringContaining('internet'),
      'Mañana va el técnico',
      'Gracias, estaré en casa',
    ]);
    expect(JSON.stringify(reply.json())).not.toContain('moroso');
  });

  it('limits lookups per folio, and per client address', async () => {
    const body = request();
    const { folio } = (await call('POST', '/api/v1/portal/requests', body)).json();
    for (let i = 0; i < PORTAL_LIMITS.lookupsPerFolio; i++) {
      expect(
        (await call('POST', '/api/v1/portal/lookup', { folio, factor: `81 9999 00${10 + i}` })).statusCode,
      ).toBe(404);
    }
    // Even the right factor, from another address, waits: the folio is under attack.
    const blocked = await call('POST', '/api/v1/portal/lookup', { folio, factor: body.phone });
    expect(blocked.statusCode).toBe(429);
    expect(blocked.json().code).toBe('portal.rate_limited');

    const shared = '203.0.113.77';
    const other = request();
    const created = (await call('POST', '/api/v1/portal/requests', other)).json();
    for (let i = 0; i < PORTAL_LIMITS.lookupsPerAddress; i++) {
      // Within the route's own per-minute limit, so what trips below is the lookups' limit per address.
      if (i > 0 && i % PORTAL_RATE_LIMIT.max === 0) clock.advance(60_001);
      await call('POST', '/api/v1/portal/lookup', { folio: created.folio, factor: other.phone }, shared);
    }
    clock.advance(60_001);
    const overAddress = await call(
      'POST',
      '/api/v1/portal/lookup',
      { folio: created.folio, factor: other.phone },
      shared,
    );
    expect(overAddress.statusCode).toBe(429);
    expect(overAddress.json().code).toBe('portal.rate_limited');
    expect(
      (await call('POST', '/api/v1/portal/lookup', { folio: created.folio, factor: other.phone })).statusCode,
    ).toBe(200);
  });

  it('evaluates exactly the allowed lookups of a folio when wrong guesses arrive all at once', async () => {
    const { folio } = (await call('POST', '/api/v1/portal/requests', request())).json();
    const guesses = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        call('POST', '/api/v1/portal/lookup', { folio, factor: `81 9999 ${String(1000 + i)}` }),
      ),
    );
    const statuses = guesses.map((g) => g.statusCode);
    expect(statuses.filter((s) => s === 404)).toHaveLength(PORTAL_LIMITS.lookupsPerFolio);
    expect(statuses.filter((s) => s === 429)).toHaveLength(30 - PORTAL_LIMITS.lookupsPerFolio);
  });

  it('answers a reused idempotency key with other credentials with a conflict that reveals nothing', async () => {
    const mine = request();
    const theirs = request();
    const created = await call('POST', '/api/v1/portal/requests', mine);
    expect(created.statusCode).toBe(201);
    const { folio } = created.json();
    const sameKey = await call('POST', '/api/v1/portal/requests', {
      ...theirs,
      idempotencyKey: mine.idempotencyKey,
    });
    expect(sameKey.statusCode).toBe(409);
    expect(sameKey.json().code).toBe('request.idempotency_conflict');
    expect(sameKey.body).not.toContain(folio);
    const doubleClick = await call('POST', '/api/v1/portal/requests', {
      ...mine,
      phone: mine.phone.replaceAll(' ', ''),
    });
    expect(doubleClick.statusCode).toBe(200);
    expect(doubleClick.json().folio).toBe(folio);

    const other = (await call('POST', '/api/v1/portal/requests', theirs)).json();
    const key = `reply-${kind}-${Date.now()}`;
    const reply = { folio, factor: mine.phone, body: 'Sigo sin servicio', idempotencyKey: key };
    expect((await call('POST', '/api/v1/portal/replies', reply)).statusCode).toBe(200);
    const replayed = await call('POST', '/api/v1/portal/replies', {
      ...reply,
      folio: other.folio,
      factor: theirs.phone,
    });
    expect(replayed.statusCode).toBe(409);
    expect(replayed.json().code).toBe('request.idempotency_conflict');
    expect(replayed.body).not.toContain(folio);
    expect(replayed.body).not.toContain('Sigo sin servicio');
    const again = await call('POST', '/api/v1/portal/replies', { ...reply, factor: mine.email });
    expect(again.statusCode).toBe(409);
    const twice = await call('POST', '/api/v1/portal/replies', reply);
    expect(twice.statusCode).toBe(200);
    expect(twice.json().folio).toBe(folio);
  });

  it('takes bodies up to the limit the portal’s attachment settings make, refusing larger ones before reading them', async () => {
    const admin = await app.sessionAs('admin');
    const settings = (await admin.request('GET', '/api/v1/settings')).json();
    const portal = { maxAttachments: 1, maxAttachmentBytes: 30_000 };
    expect((await admin.request('PUT', '/api/v1/settings', { ...settings, portal })).statusCode).toBe(200);
    try {
      const limit = portalBodyLimit(portal);
      const file = {
        filename: 'foto.png',
        contentType: 'image/png',
        data: Buffer.alloc(30_000, 1).toString('base64'),
      };
      const json = JSON.stringify(request({ attachments: [file] }));
      // JSON allows whitespace after the value, which pads a valid body to any length.
      const sized = (length: number) =>
        app.atiende.http.inject({
          method: 'POST',
          url: '/api/v1/portal/requests',
          headers: { 'content-type': 'application/json' },
          payload: json + ' '.repeat(length - Buffer.byteLength(json)),
          remoteAddress: `198.51.100.${++address}`,
        });
      const over = await sized(limit + 1);
      expect(over.statusCode).toBe(413);
      expect(over.headers['content-type']).toContain('application/problem+json');
      expect(over.json().code).toBe('request.too_large');
      // A stream goes without a declared length: it is cut off as it passes the limit.
      const chunked = await app.atiende.http.inject({
        method: 'POST',
        url: '/api/v1/portal/requests',
        headers: { 'content-type': 'application/json' },
        payload: Readable.from([json, ' '.repeat(limit + 1 - Buffer.byteLength(json))]),
        remoteAddress: `198.51.100.${++address}`,
      });
      expect(chunked.statusCode).toBe(413);
      const under = await sized(limit);
      expect(under.statusCode, under.body.slice(0, 300)).toBe(201);

      const twoFiles = await call('POST', '/api/v1/portal/requests', request({ attachments: [file, file] }));
      expect(twoFiles.statusCode).toBe(422);
      expect(twoFiles.json()).toMatchObject({ code: 'attachment.too_many', field: 'attachments' });
    } finally {
      await admin.request('PUT', '/api/v1/settings', settings);
    }
  });

  it('limits replies per client address before reading their bodies', async () => {
    const ip = `198.51.100.${++address}`;
    for (let i = 0; i < PORTAL_RATE_LIMIT.max; i++) {
      expect((await call('POST', '/api/v1/portal/replies', {}, ip)).statusCode).toBe(400);
    }
    const tripped = await call('POST', '/api/v1/portal/replies', {}, ip);
    expect(tripped.statusCode).toBe(429);
    expect(tripped.json().code).toBe('request.rate_limited');
  });

  it('refuses attachments of a forbidden type', async () => {
    const response = await call(
      'POST',
      '/api/v1/portal/requests',
      request({
        attachments: [
          {
            filename: 'factura.exe',
            contentType: 'application/x-msdownload',
            data: Buffer.from('MZ').toString('base64'),
          },
        ],
      }),
    );
    expect(response.statusCode).toBe(415);
    expect(response.json()).toMatchObject({
      code: 'attachment.type_not_allowed',
      field: 'attachments.0.contentType',
    });
  });

  it('gives the written receipt as a printable page and as a PDF that contains the folio', async () => {
    const body = request();
    const { folio } = (await call('POST', '/api/v1/portal/requests', body)).json();
    const html = await call('POST', '/api/v1/portal/receipt', { folio, factor: body.phone, format: 'html' });
    expect(html.headers['content-type']).toContain('text/html');
    expect(html.body).toContain(folio);
    expect(html.body).toContain('Monet Móvil');
    expect(html.body).toContain('Reporte de falla');
    const pdf = await call('POST', '/api/v1/portal/receipt', { folio, factor: body.phone, format: 'pdf' });
    expect(pdf.headers['content-type']).toBe('application/pdf');
    const text = await pdfText(pdf.rawPayload);
    expect(text).toContain(folio);
    expect(text).toContain('Acuse de recibo');
    expect(text).toContain('(844) 688 7331');
    const denied = await call('POST', '/api/v1/portal/receipt', {
      folio,
      factor: 'otro@example.test',
      format: 'pdf',
    });
    expect(denied.statusCode).toBe(404);
  });

  it('lists the channels with hours and whether they are open now', async () => {
    const response = await call('GET', '/api/v1/portal/channels');
    expect(response.statusCode).toBe(200);
    const channels = response.json();
    expect(channels).toHaveLength(6);
    expect(channels.find((c: { code: string }) => c.code === 'linea_atencion').hours.saturday).toEqual([
      { from: '08:00', to: '19:00' },
    ]);
  });
});
