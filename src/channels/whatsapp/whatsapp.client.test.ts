import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../http/errors.ts';
import { type FakeGraph, startFakeGraph } from '../../test/fake-graph.ts';
import { toWhatsAppRecipient, WhatsAppClient } from './whatsapp.client.ts';

const TOKEN = 'access-token-for-tests';
const PHONE_NUMBER_ID = '200000000000001';
// The fake Graph API serves its media downloads itself, on the loopback address.
const MEDIA_HOSTS = ['127.0.0.1'];
const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(path.join(import.meta.dirname, 'fixtures', `${name}.json`), 'utf8'));

describe('toWhatsAppRecipient', () => {
  it.each([
    ['+525500000001', '525500000001'],
    ['5215500000001', '525500000001'],
    ['+52 1 55 0000 0001', '525500000001'],
    ['+528100000002', '528100000002'],
    ['+14155550123', '14155550123'],
  ])('sends to %s as %s', (address, expected) => {
    expect(toWhatsAppRecipient(address)).toBe(expected);
  });
});

describe('WhatsAppClient against the fake Graph API', () => {
  let graph: FakeGraph;
  let client: WhatsAppClient;

  beforeAll(async () => {
    graph = await startFakeGraph();
    client = new WhatsAppClient({
      baseUrl: graph.url,
      accessToken: TOKEN,
      phoneNumberId: PHONE_NUMBER_ID,
      mediaHosts: MEDIA_HOSTS,
    });
  });
  afterEach(() => graph.reset());
  afterAll(() => graph?.close());

  const lastSend = () => graph.sent.at(-1);

  it('sends up to three options as reply buttons and more as a list, with titles cut to what Meta takes', async () => {
    const buttons = await client.sendInteractive('+525500000001', '¿Confirmas?', {
      button: 'Ver opciones',
      options: [
        { id: 'menu_si', title: 'Sí, confirmo' },
        { id: 'menu_no', title: 'No, prefiero pensarlo con calma' },
      ],
    });
    expect(buttons.ok).toBe(true);
    expect(lastSend()?.body).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '525500000001',
      type: 'interactive',
      interactive: {
        type: 'button',
        body: { text: '¿Confirmas?' },
        action: {
          buttons: [
            { type: 'reply', reply: { id: 'menu_si', title: 'Sí, confirmo' } },
            { type: 'reply', reply: { id: 'menu_no', title: 'No, prefiero pensar…' } },
          ],
        },
      },
    });
    const options = Array.from({ length: 12 }, (_, i) => ({
      id: `menu_pick_${i + 1}`,
      title: `Opción número ${i + 1} con un nombre largo`,
      description: String(i + 1),
    }));
    await client.sendInteractive('5215500000001', 'Elige', {
      button: 'Ver las opciones disponibles',
      options,
    });
    const list = lastSend()?.body as {
      to: string;
      interactive: {
        type: string;
        action: {
          button: string;
          sections: Array<{ rows: Array<{ id: string; title: string; description: string }> }>;
        };
      };
    };
    expect(list.to).toBe('525500000001');
    expect(list.interactive.type).toBe('list');
    expect(list.interactive.action.button).toBe('Ver las opciones di…');
    const rows = list.interactive.action.sections[0]?.rows ?? [];
    expect(rows).toHaveLength(10);
    expect(rows[0]).toEqual({ id: 'menu_pick_1', title: 'Opción número 1 con un …', description: '1' });
    expect(rows.every((r) => r.title.length <= 24)).toBe(true);
  });

  it("sends text in Meta's documented shape, to 52 + 10 digits without the 1", async () => {
    const expectedId = graph.peekNextId();
    const body = '¡Hola! Sí, tenemos cita el martes a las 10:30.';
    const result = await client.sendText('+525500000001', body);
    expect(result).toEqual({ ok: true, externalId: expectedId });
    const request = lastSend();
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe(`/${PHONE_NUMBER_ID}/messages`);
    expect(request?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.body).toEqual({ ...fixture('wa-send-text-request'), to: '525500000001' });

    await client.sendText('5215500000001', 'Otra vez');
    expect(lastSend()?.body).toMatchObject({ to: '525500000001' });
  });

  it("sends a template in Meta's documented shape", async () => {
    const result = await client.sendTemplate('+525500000001', {
      name: 'recordatorio_cita',
      language: 'es_MX',
      parameters: ['Ana', 'martes 4 de agosto', '10:30'],
    });
    expect(result.ok).toBe(true);
    expect(lastSend()?.body).toEqual({ ...fixture('wa-send-template-request'), to: '525500000001' });
  });

  it('leaves out the components of a template without parameters', async () => {
    await client.sendTemplate('+525500000001', { name: 'hola', language: 'es_MX', parameters: [] });
    expect(lastSend()?.body).toMatchObject({
      type: 'template',
      template: { name: 'hola', language: { code: 'es_MX' } },
    });
    expect(lastSend()?.body).not.toHaveProperty('template.components');
  });

  it('gives every send its own id', async () => {
    const first = await client.sendText('+525500000001', 'uno');
    const second = await client.sendText('+525500000001', 'dos');
    expect(first.ok && second.ok && first.externalId !== second.externalId).toBe(true);
  });

  it.each([
    [131047, { ok: false, retryable: false, needsTemplate: true, code: 131047 }],
    [130429, { ok: false, retryable: true, code: 130429 }],
    [500, { ok: false, retryable: true }],
    [190, { ok: false, retryable: false, channelDown: true, code: 190 }],
  ] as const)('maps a %s refusal', async (kind, expected) => {
    graph.failNext(kind);
    const result = await client.sendText('+525500000001', 'Hola');
    expect(result).toMatchObject(expected);
    expect(result.ok ? '' : result.reason).not.toBe('');
    expect((await client.sendText('+525500000001', 'Hola')).ok).toBe(true);
  });

  it("keeps Meta's message and details as the reason", async () => {
    graph.failNext(131047);
    const result = await client.sendText('+525500000001', 'Hola');
    expect(result.ok ? '' : result.reason).toBe(
      '(#131047) Re-engagement message: Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
    );
  });

  it.each([
    [{ code: 131056, status: 400 }, true],
    [{ code: 4, status: 400 }, true],
    [{ code: 80007, status: 400 }, true],
    [{ code: 131026, status: 400 }, false],
    [{ code: 100, status: 400 }, false],
    [{ code: undefined, status: 503 }, true],
    [{ code: undefined, status: 404 }, false],
  ])('maps %o as retryable: %s', async ({ code, status }, retryable) => {
    const fetchStub: typeof fetch = async () =>
      new Response(
        JSON.stringify(code === undefined ? {} : { error: { message: `(#${code}) Meta says no`, code } }),
        { status },
      );
    const stubbed = new WhatsAppClient({
      baseUrl: graph.url,
      accessToken: TOKEN,
      phoneNumberId: PHONE_NUMBER_ID,
      mediaHosts: MEDIA_HOSTS,
      fetch: fetchStub,
    });
    const result = await stubbed.sendText('+525500000001', 'Hola');
    expect(result).toMatchObject({
      ok: false,
      retryable,
      reason: code === undefined ? `HTTP ${status}` : `(#${code}) Meta says no`,
    });
  });

  it('treats an unreachable server or a timeout as retryable, and a 2xx without an id as not', async () => {
    const unreachable = new WhatsAppClient({
      baseUrl: 'http://127.0.0.1:1',
      accessToken: TOKEN,
      phoneNumberId: PHONE_NUMBER_ID,
      mediaHosts: MEDIA_HOSTS,
    });
    expect(await unreachable.sendText('+525500000001', 'Hola')).toMatchObject({ ok: false, retryable: true });
    const timingOut: typeof fetch = async () => {
      throw new DOMException('The operation was aborted due to timeout', 'TimeoutError');
    };
    const slow = new WhatsAppClient({
      baseUrl: graph.url,
      accessToken: TOKEN,
      phoneNumberId: PHONE_NUMBER_ID,
      mediaHosts: MEDIA_HOSTS,
      fetch: timingOut,
    });
    expect(await slow.sendText('+525500000001', 'Hola')).toMatchObject({
      ok: false,
      retryable: true,
      reason: expect.stringContaining('timeout'),
    });
    const noId: typeof fetch = async () =>
      new Response(JSON.stringify({ messaging_product: 'whatsapp' }), { status: 200 });
    const odd = new WhatsAppClient({
      baseUrl: graph.url,
      accessToken: TOKEN,
      phoneNumberId: PHONE_NUMBER_ID,
      mediaHosts: MEDIA_HOSTS,
      fetch: noId,
    });
    expect(await odd.sendText('+525500000001', 'Hola')).toMatchObject({ ok: false, retryable: false });
  });

  it('passes a timeout signal on every API call (the download has a timeout of its own)', async () => {
    const signals: Array<AbortSignal | null | undefined> = [];
    const recording: typeof fetch = async (input, init) => {
      signals.push(init?.signal);
      return fetch(input, init);
    };
    const watched = new WhatsAppClient({
      baseUrl: graph.url,
      accessToken: TOKEN,
      phoneNumberId: PHONE_NUMBER_ID,
      mediaHosts: MEDIA_HOSTS,
      fetch: recording,
    });
    graph.addMedia('300000000000099', Buffer.from('x'), 'image/png');
    await watched.sendText('+525500000001', 'Hola');
    await watched.downloadMedia((await watched.mediaUrl('300000000000099')).url);
    expect(signals).toHaveLength(2);
    expect(signals.every((s) => s instanceof AbortSignal)).toBe(true);
  });

  it('keeps refusing with failAlways until reset, and failNext can queue several', async () => {
    graph.failAlways(500);
    expect((await client.sendText('+525500000001', 'a')).ok).toBe(false);
    expect((await client.sendText('+525500000001', 'b')).ok).toBe(false);
    graph.reset();
    expect((await client.sendText('+525500000001', 'c')).ok).toBe(true);
    graph.failNext(130429, 2);
    graph.failNext(131047);
    const results = [];
    for (const text of ['d', 'e', 'f', 'g']) results.push(await client.sendText('+525500000001', text));
    expect(results.map((r) => (r.ok ? 'ok' : r.code))).toEqual([130429, 130429, 131047, 'ok']);
  });

  it('downloads media in two steps, with the token on both', async () => {
    const bytes = Buffer.from('fake jpeg bytes');
    graph.addMedia('300000000000001', bytes, 'image/jpeg');
    const { url, mimeType } = await client.mediaUrl('300000000000001');
    expect(url).toBe(`${graph.url}/media-download/300000000000001`);
    expect(mimeType).toBe('image/jpeg');
    const step1 = lastSend();
    expect(step1).toMatchObject({ method: 'GET', path: '/300000000000001' });
    expect(step1?.body).toBeUndefined();
    expect(step1?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    const downloaded = await client.downloadMedia(url);
    expect(downloaded).toEqual({ bytes, contentType: 'image/jpeg' });
    expect(lastSend()?.headers.authorization).toBe(`Bearer ${TOKEN}`);
  });

  it("answers the media step in Meta's documented shape", async () => {
    graph.addMedia('300000000000002', Buffer.from('ogg'), 'audio/ogg');
    const response = await fetch(`${graph.url}/300000000000002`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(Object.keys(await response.json()).sort()).toEqual(
      Object.keys(fixture('wa-media-url-response')).sort(),
    );
  });

  it('refuses media downloads without the token, and unknown media', async () => {
    graph.addMedia('300000000000003', Buffer.from('pdf'), 'application/pdf');
    expect((await fetch(`${graph.url}/media-download/300000000000003`)).status).toBe(401);
    expect((await fetch(`${graph.url}/300000000000003`)).status).toBe(401);
    const error = await client.mediaUrl('300000000009999').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'channel.media_unavailable', extra: { metaCode: 100 } });
    const tokenless = new WhatsAppClient({
      baseUrl: graph.url,
      accessToken: '',
      phoneNumberId: PHONE_NUMBER_ID,
      mediaHosts: MEDIA_HOSTS,
    });
    await expect(
      tokenless.downloadMedia(`${graph.url}/media-download/300000000000003`),
    ).rejects.toMatchObject({
      code: 'channel.media_unavailable',
      extra: { httpStatus: 401, metaCode: 190 },
    });
  });

  it("records Messenger's sends too, answering in the Send API's shape", async () => {
    const response = await fetch(`${graph.url}/me/messages?access_token=page-token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        recipient: { id: '900000000000001' },
        messaging_type: 'RESPONSE',
        message: { text: 'Hola' },
      }),
    });
    expect(await response.json()).toEqual({
      recipient_id: '900000000000001',
      message_id: expect.stringMatching(/^m_FAKE-\d+$/),
    });
    const sends = await graph.waitForSends(1);
    expect(sends.at(-1)).toMatchObject({
      path: '/me/messages?access_token=page-token',
      body: { recipient: { id: '900000000000001' } },
    });
    await expect(graph.waitForSends(10_000, 50)).rejects.toThrow(/10000 sends/);
  });
});
