import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MAX_ATTACHMENT_BYTES } from '../../attachments/attachments.service.ts';
import { type FakeGraph, startFakeGraph } from '../../test/fake-graph.ts';
import type { OutgoingMessage } from '../adapter.ts';
import { signMetaPayload } from './signature.ts';
import { createWhatsAppAdapter } from './whatsapp.adapter.ts';

const SETTINGS = {
  accessToken: 'access-token-for-tests',
  phoneNumberId: '200000000000001',
  appSecret: 'app-secret-for-tests',
  verifyToken: 'verify-token-for-tests',
  // The fake Graph API serves its media downloads itself, on the loopback address.
  mediaHosts: ['127.0.0.1'],
};

const message = (extra: Partial<OutgoingMessage> = {}): OutgoingMessage => ({
  channel: 'whatsapp',
  to: { kind: 'whatsapp', address: '+525500000001', conversationKey: '5215500000001' },
  text: 'Registramos tu solicitud con el folio ABC-2026-000001.',
  folio: 'ABC-2026-000001',
  automatic: true,
  ...extra,
});

describe('WhatsApp adapter', () => {
  let graph: FakeGraph;
  beforeAll(async () => {
    graph = await startFakeGraph();
  });
  afterEach(() => graph.reset());
  afterAll(() => graph?.close());

  it('is off, naming what is missing, until every setting is given', async () => {
    const none = createWhatsAppAdapter({ baseUrl: 'https://graph.facebook.com/v26.0', mediaHosts: [] });
    expect(none.enabled).toBe(false);
    expect(none.client).toBeUndefined();
    expect(none.health()).toEqual({
      status: 'off',
      detail:
        'Not configured: set WHATSAPP_ACCESS_TOKEN, WHATSAPP_PHONE_NUMBER_ID, WHATSAPP_APP_SECRET, WHATSAPP_VERIFY_TOKEN',
    });
    expect(await none.send(message())).toMatchObject({ ok: false, retryable: false });
    await expect(none.fetchMedia?.('1')).rejects.toMatchObject({ code: 'channel.off' });

    const noSecret = createWhatsAppAdapter({ baseUrl: graph.url, ...SETTINGS, appSecret: undefined });
    expect(noSecret.health()).toEqual({ status: 'off', detail: 'Not configured: set WHATSAPP_APP_SECRET' });
    expect(noSecret.verifySignature(Buffer.from('{}'), signMetaPayload(Buffer.from('{}'), ''))).toBe(false);

    const all = createWhatsAppAdapter({ baseUrl: graph.url, ...SETTINGS });
    expect(all).toMatchObject({ channel: 'whatsapp', enabled: true, verifyToken: SETTINGS.verifyToken });
    expect(all.health()).toEqual({ status: 'ok' });
  });

  it('sends free text unless the message names a template', async () => {
    const adapter = createWhatsAppAdapter({ baseUrl: graph.url, ...SETTINGS });
    const text = await adapter.send(message());
    expect(text.ok).toBe(true);
    expect(graph.sent.at(-1)?.body).toMatchObject({
      to: '525500000001',
      type: 'text',
      text: { body: message().text },
    });

    const template = { name: 'seguimiento_folio', language: 'es_MX', parameters: ['ABC-2026-000001'] };
    expect((await adapter.send(message({ template }))).ok).toBe(true);
    expect(graph.sent.at(-1)?.body).toMatchObject({
      to: '525500000001',
      type: 'template',
      template: {
        name: 'seguimiento_folio',
        components: [{ type: 'body', parameters: [{ type: 'text', text: 'ABC-2026-000001' }] }],
      },
    });
  });

  it('reports the channel down after a refused token, until a send goes through', async () => {
    const adapter = createWhatsAppAdapter({ baseUrl: graph.url, ...SETTINGS });
    graph.failNext(190);
    expect(await adapter.send(message())).toMatchObject({ ok: false, channelDown: true, code: 190 });
    expect(adapter.health()).toMatchObject({
      status: 'error',
      detail: expect.stringContaining('Access token refused (190)'),
    });
    expect((await adapter.send(message())).ok).toBe(true);
    expect(adapter.health()).toEqual({ status: 'ok' });

    adapter.markDown('Token revoked by an admin');
    expect(adapter.health()).toEqual({ status: 'error', detail: 'Token revoked by an admin' });
  });

  it('fetches media in two steps with the access token', async () => {
    const adapter = createWhatsAppAdapter({ baseUrl: graph.url, ...SETTINGS });
    graph.addMedia('300000000000002', Buffer.from('ogg bytes'), 'audio/ogg');
    const before = graph.sent.length;
    expect(await adapter.fetchMedia?.('300000000000002')).toEqual({
      bytes: Buffer.from('ogg bytes'),
      contentType: 'audio/ogg',
    });
    const requests = graph.sent.slice(before);
    expect(requests.map((r) => r.path)).toEqual(['/300000000000002', '/media-download/300000000000002']);
    expect(requests.every((r) => r.headers.authorization === `Bearer ${SETTINGS.accessToken}`)).toBe(true);
  });

  it('refuses a media URL on a host not on the list without sending the token there, and oversized media', async () => {
    graph.addMedia('300000000000005', Buffer.from('jpeg'), 'image/jpeg');
    const metaHostsOnly = createWhatsAppAdapter({
      baseUrl: graph.url,
      ...SETTINGS,
      mediaHosts: ['lookaside.fbsbx.com', '*.fbcdn.net', '*.whatsapp.net'],
    });
    const before = graph.sent.length;
    await expect(metaHostsOnly.fetchMedia?.('300000000000005')).rejects.toMatchObject({
      code: 'channel.media_refused',
    });
    expect(graph.sent.slice(before).map((r) => r.path)).toEqual(['/300000000000005']);

    graph.addMedia('300000000000006', Buffer.alloc(MAX_ATTACHMENT_BYTES + 1), 'video/mp4');
    const adapter = createWhatsAppAdapter({ baseUrl: graph.url, ...SETTINGS });
    await expect(adapter.fetchMedia?.('300000000000006')).rejects.toMatchObject({
      code: 'channel.media_refused',
    });
  });

  it('checks signatures with the app secret and parses the payloads', () => {
    const adapter = createWhatsAppAdapter({ baseUrl: graph.url, ...SETTINGS });
    const raw = readFileSync(path.join(import.meta.dirname, 'fixtures', 'wa-text.json'));
    expect(adapter.verifySignature(raw, signMetaPayload(raw, SETTINGS.appSecret))).toBe(true);
    expect(adapter.verifySignature(raw, signMetaPayload(raw, 'someone-else'))).toBe(false);
    expect(adapter.verifySignature(raw)).toBe(false);
    const payload: unknown = JSON.parse(raw.toString('utf8'));
    expect(adapter.parseInbound?.(payload).messages).toHaveLength(1);
    expect(adapter.parseStatuses?.(payload)).toEqual([]);
  });
});
