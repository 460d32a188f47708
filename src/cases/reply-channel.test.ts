import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { messages } from '../db/schema.ts';
import { type Session, startTestApp, type TestApp } from '../test/app.ts';
import { describeEachDatabase } from '../test/databases.ts';
import {
  type FakeGraph,
  type ReceivedFile,
  type RecordedRequest,
  startFakeGraph,
} from '../test/fake-graph.ts';
import { waitUntil } from '../test/wait.ts';

const channelConfig = (graph: FakeGraph) => ({
  GRAPH_BASE_URL: graph.url,
  WHATSAPP_VERIFY_TOKEN: 'verify-token-for-tests',
  WHATSAPP_APP_SECRET: 'app-secret-for-tests',
  WHATSAPP_ACCESS_TOKEN: 'access-token-for-tests',
  WHATSAPP_PHONE_NUMBER_ID: '200000000000001',
  MESSENGER_VERIFY_TOKEN: 'messenger-verify-token',
  MESSENGER_APP_SECRET: 'messenger-secret-for-tests',
  MESSENGER_PAGE_ACCESS_TOKEN: 'page-access-token-for-tests',
});

// A 1×1 PNG and the smallest GIF: real files of types WhatsApp does and does not carry.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);
const GIF = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
const file = (filename: string, contentType: string, bytes: Buffer) => ({
  filename,
  contentType,
  data: bytes.toString('base64'),
});

describeEachDatabase('replies on the channel the agent picks, with files', (kind) => {
  let app: TestApp;
  let graph: FakeGraph;
  let admin: Session;
  let n = 0;

  beforeAll(async () => {
    graph = await startFakeGraph();
    app = await startTestApp(kind, { config: channelConfig(graph) });
    admin = await app.sessionAs('admin');
  });
  afterAll(async () => {
    await app?.close();
    await graph?.close();
  });

  /** A fresh Mexican mobile number per test, so each has its own customer. */
  const number = () => `81${String(40_000_000 + ++n * 7919).slice(-8)}`;

  async function openCase(body: Record<string, unknown>) {
    const response = await admin.request('POST', '/api/v1/cases', {
      requestType: 'falla',
      description: 'Sin servicio desde ayer en la tarde.',
      ...body,
    });
    expect(response.statusCode, response.body).toBe(201);
    return response.json() as { folio: string; id: string; customer: { id: string } };
  }
  const reply = (folio: string, body: Record<string, unknown>) =>
    admin.request('POST', `/api/v1/cases/${folio}/messages`, { kind: 'saliente', ...body });
  const sendsTo = (to: string) =>
    graph.sent.filter((s) => s.path.endsWith('/messages') && (s.body as { to?: string })?.to === to);
  const messageOf = async (id: string) => {
    const [row] = await app.atiende.ctx.db.select().from(messages).where(eq(messages.id, id));
    return row;
  };
  const messageCount = async (caseId: string) =>
    (await app.atiende.ctx.db.select().from(messages).where(eq(messages.caseId, caseId))).length;

  /** A customer who wrote on WhatsApp a moment ago (so its window is open), and their phone case. */
  async function phoneCaseOfWhatsAppCustomer() {
    const phone = number();
    const chat = await openCase({
      channel: 'whatsapp',
      contact: { kind: 'whatsapp', address: `52${phone}` },
    });
    const call = await openCase({ channel: 'telefono', customerId: chat.customer.id });
    return { phone, call };
  }

  it('answers a phone case on WhatsApp: the text, then the file uploaded and sent as media', async () => {
    const { phone, call } = await phoneCaseOfWhatsAppCustomer();
    const answer = await reply(call.folio, {
      body: 'Le enviamos el reporte de la visita técnica.',
      replyVia: { kind: 'whatsapp', address: `521${phone}` },
      attachments: [file('visita.pdf', 'application/pdf', PDF), file('antena.png', 'image/png', PNG)],
    });
    expect(answer.statusCode, answer.body).toBe(201);
    const { messageId } = answer.json() as { messageId: string };

    await waitUntil(() => sendsTo(`52${phone}`).some((s) => (s.body as { type: string }).type === 'image'));
    const sent = sendsTo(`52${phone}`).map((s) => s.body as Record<string, unknown>);
    const own = sent.slice(
      sent.findIndex((b) => (b.text as { body?: string })?.body?.startsWith('Le enviamos')),
    );
    expect(own.map((b) => b.type)).toEqual(['text', 'document', 'image']);
    const document = own[1]?.document as { id: string; filename: string };
    const image = own[2]?.image as { id: string };
    expect(document.filename).toBe('visita.pdf');
    expect(graph.uploads.get(document.id)).toMatchObject({ type: 'application/pdf', size: PDF.length });
    expect(graph.uploads.get(image.id)).toMatchObject({ type: 'image/png', size: PNG.length });
    const uploads = graph.sent.filter((s) => s.path.endsWith('/media') && s.method === 'POST');
    expect(
      uploads.every((u) => (u.body as { messaging_product?: string }).messaging_product === 'whatsapp'),
    ).toBe(true);

    await waitUntil(async () => (await messageOf(messageId))?.deliveryStatus === 'enviado');
    const stored = await messageOf(messageId);
    expect(stored?.channel).toBe('whatsapp');
    expect(stored?.metadata).toMatchObject({ to: { kind: 'whatsapp', address: `+52${phone}` } });
  });

  it('sends a single picture with the reply as its caption', async () => {
    const { phone, call } = await phoneCaseOfWhatsAppCustomer();
    const answer = await reply(call.folio, {
      body: 'Así debe verse la luz del módem.',
      replyVia: { kind: 'whatsapp', address: `+52${phone}` },
      attachments: [file('modem.jpg', 'image/jpeg', PNG)],
    });
    expect(answer.statusCode, answer.body).toBe(201);
    await waitUntil(() => sendsTo(`52${phone}`).some((s) => (s.body as { type: string }).type === 'image'));
    const image = sendsTo(`52${phone}`).find((s) => (s.body as { type: string }).type === 'image')?.body as {
      image: { caption: string };
    };
    expect(image.image.caption).toBe('Así debe verse la luz del módem.');
    expect(
      sendsTo(`52${phone}`).some(
        (s) => (s.body as { text?: { body: string } }).text?.body === 'Así debe verse la luz del módem.',
      ),
    ).toBe(false);
  });

  it('refuses before sending a file WhatsApp cannot carry, naming the file', async () => {
    const { phone, call } = await phoneCaseOfWhatsAppCustomer();
    const before = await messageCount(call.id);
    const refused = await reply(call.folio, {
      body: 'Le mando la animación.',
      replyVia: { kind: 'whatsapp', address: `+52${phone}` },
      attachments: [file('a.png', 'image/png', PNG), file('animacion.gif', 'image/gif', GIF)],
    });
    expect(refused.statusCode).toBe(422);
    expect(refused.json()).toMatchObject({
      code: 'attachment.channel_type',
      field: 'attachments.1.contentType',
      channel: 'whatsapp',
      contentType: 'image/gif',
      filename: 'animacion.gif',
    });
    expect(await messageCount(call.id)).toBe(before);
    // The same file by e-mail is fine: every channel has its own rules.
    const email = `cliente${n}@example.test`;
    const other = await openCase({ channel: 'telefono', contact: { kind: 'email', address: email } });
    const byMail = await reply(other.folio, {
      body: 'Le mando la animación.',
      replyVia: { kind: 'email', address: email.toUpperCase() },
      attachments: [file('animacion.gif', 'image/gif', GIF)],
    });
    expect(byMail.statusCode, byMail.body).toBe(201);
    const stored = await messageOf((byMail.json() as { messageId: string }).messageId);
    expect(stored?.channel).toBe('email');
  });

  it('offers only an approved template outside the 24-hour window, and no files with it', async () => {
    const phone = number();
    const call = await openCase({
      channel: 'telefono',
      contact: { kind: 'whatsapp', address: `+52${phone}` },
    });
    const via = { kind: 'whatsapp', address: `+52${phone}` };
    const free = await reply(call.folio, { body: '¿Ya tiene servicio?', replyVia: via });
    expect(free.statusCode).toBe(409);
    expect(free.json()).toMatchObject({
      code: 'channel.window_closed',
      channel: 'whatsapp',
      templates: expect.arrayContaining([expect.objectContaining({ name: 'seguimiento_folio' })]),
    });
    const withFile = await reply(call.folio, {
      body: 'x',
      replyVia: via,
      template: { name: 'seguimiento_folio' },
      attachments: [file('a.png', 'image/png', PNG)],
    });
    expect(withFile.statusCode).toBe(422);
    expect(withFile.json()).toMatchObject({ code: 'attachment.with_template', field: 'attachments' });
    const template = await reply(call.folio, {
      body: 'x',
      replyVia: via,
      template: { name: 'seguimiento_folio' },
    });
    expect(template.statusCode, template.body).toBe(201);
    await waitUntil(() =>
      sendsTo(`52${phone}`).some((s) => (s.body as { type: string }).type === 'template'),
    );
  });

  it("refuses an address that is not the case's customer's, even another customer's", async () => {
    const stranger = await openCase({
      channel: 'telefono',
      contact: { kind: 'email', address: 'otra@example.test' },
    });
    const { call } = await phoneCaseOfWhatsAppCustomer();
    for (const replyVia of [
      { kind: 'email', address: 'otra@example.test' },
      { kind: 'whatsapp', address: '+528100000000' },
    ]) {
      const refused = await reply(call.folio, { body: 'Hola', replyVia });
      expect(refused.statusCode).toBe(422);
      expect(refused.json()).toMatchObject({ code: 'case.reply_via_unknown', field: 'replyVia.address' });
    }
    expect(stranger.customer.id).not.toBe(call.customer.id);
    const malformed = await reply(call.folio, { body: 'Hola', replyVia: { kind: 'telefono', address: '1' } });
    expect(malformed.statusCode).toBe(400);
  });

  it('sends files on Messenger as attachments uploaded with their own messages', async () => {
    const psid = `7${String(Date.now()).slice(-9)}${n}`;
    const chat = await openCase({ channel: 'facebook', contact: { kind: 'messenger', address: psid } });
    const answer = await reply(chat.folio, {
      body: 'Aquí está su estado de cuenta.',
      attachments: [file('estado.pdf', 'application/pdf', PDF), file('a.gif', 'image/gif', GIF)],
    });
    expect(answer.statusCode, answer.body).toBe(201);
    const toPsid = (s: RecordedRequest) =>
      s.path.startsWith('/me/messages') && (s.body as { recipient?: { id: string } })?.recipient?.id === psid;
    await waitUntil(
      () => graph.sent.filter(toPsid).filter((s) => (s.body as { filedata?: unknown }).filedata).length >= 2,
    );
    const parts = graph.sent.filter(toPsid).map((s) => s.body as Record<string, unknown>);
    const own = parts.slice(
      parts.findIndex((b) => (b.message as { text?: string })?.text?.startsWith('Aquí')),
    );
    expect(
      own.map((b) => (b.message as { attachment?: { type: string } }).attachment?.type ?? 'text'),
    ).toEqual(['text', 'file', 'image']);
    expect(own[1]?.filedata as ReceivedFile).toMatchObject({
      filename: 'estado.pdf',
      type: 'application/pdf',
    });
    expect(own[2]?.messaging_type).toBe('RESPONSE');
  });
});
