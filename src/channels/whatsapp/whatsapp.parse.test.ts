import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseWhatsAppInbound, parseWhatsAppStatuses } from './whatsapp.parse.ts';

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(path.join(import.meta.dirname, 'fixtures', `${name}.json`), 'utf8'));

const messagesOf = (payload: unknown) => parseWhatsAppInbound(payload).messages.map((m) => m.message);

const SENDER = {
  kind: 'whatsapp',
  address: '+525500000001',
  name: 'Cliente Prueba',
  conversationKey: '5215500000001',
};

/** A webhook carrying `messages` from the fixtures' customer, for shapes Meta's samples do not cover. */
const payloadWith = (messages: unknown[]) => ({
  object: 'whatsapp_business_account',
  entry: [
    {
      id: '100000000000001',
      changes: [
        {
          field: 'messages',
          value: {
            messaging_product: 'whatsapp',
            metadata: { display_phone_number: '525500000100', phone_number_id: '200000000000001' },
            contacts: [{ profile: { name: 'Cliente Prueba' }, wa_id: '5215500000001' }],
            messages: messages.map((m, i) => ({
              from: '5215500000001',
              id: `wamid.TEST-${i}`,
              timestamp: '1785000000',
              ...(m as object),
            })),
          },
        },
      ],
    },
  ],
});

describe('parseWhatsAppInbound', () => {
  it('reads a text from a 521 id as the +52 contact, keeping the wa_id as the conversation key', () => {
    expect(messagesOf(fixture('wa-text'))).toEqual([
      {
        channel: 'whatsapp',
        externalId: 'wamid.FAKE-IN-TEXT-0001',
        sender: SENDER,
        sentAt: new Date(1785000000 * 1000),
        contentType: 'text',
        text: 'Hola, ¿tienen cita disponible el martes?',
        inReplyTo: undefined,
        metadata: { phoneNumberId: '200000000000001', displayPhoneNumber: '525500000100' },
      },
    ]);
  });

  it.each([
    ['wa-image', 'image', 'Foto del recibo', { mediaId: '300000000000001', mimeType: 'image/jpeg' }],
    [
      'wa-audio',
      'audio',
      '[Nota de voz]',
      { mediaId: '300000000000002', mimeType: 'audio/ogg; codecs=opus' },
    ],
    [
      'wa-document',
      'document',
      'Mi identificación',
      { mediaId: '300000000000003', mimeType: 'application/pdf', filename: 'identificacion.pdf' },
    ],
  ])('reads %s with its media id for the download job', (name, contentType, text, media) => {
    const [message] = messagesOf(fixture(name));
    expect(message).toMatchObject({ contentType, text, media: [media], sender: SENDER });
  });

  it('reads video and sticker media, describing them when there is no caption', () => {
    const messages = messagesOf(
      payloadWith([
        {
          type: 'video',
          video: { id: '300000000000010', mime_type: 'video/mp4', sha256: 'x', caption: 'Así parpadea' },
        },
        {
          type: 'sticker',
          sticker: { id: '300000000000011', mime_type: 'image/webp', sha256: 'x', animated: false },
        },
        {
          type: 'document',
          document: { id: '300000000000012', mime_type: 'application/pdf', filename: 'recibo.pdf' },
        },
        { type: 'image', image: { id: '300000000000013', mime_type: 'image/jpeg' } },
      ]),
    );
    expect(messages.map((m) => [m.contentType, m.text, m.media?.[0]?.mediaId])).toEqual([
      ['video', 'Así parpadea', '300000000000010'],
      ['sticker', '[Sticker]', '300000000000011'],
      ['document', '[Documento: recibo.pdf]', '300000000000012'],
      ['image', '[Imagen]', '300000000000013'],
    ]);
  });

  it('describes a location with its name, address and coordinates', () => {
    const [message] = messagesOf(fixture('wa-location'));
    expect(message).toMatchObject({
      contentType: 'location',
      text: '📍 Ubicación: Sucursal Centro (ficticia), Av. Ficticia 123, Col. Centro, Ciudad de México (19.4326077, -99.133208)',
      metadata: { location: { latitude: 19.4326077, longitude: -99.133208 } },
    });
    const [pin] = messagesOf(
      payloadWith([{ type: 'location', location: { latitude: 25.67, longitude: -100.31 } }]),
    );
    expect(pin?.text).toBe('📍 Ubicación: (25.67, -100.31)');
  });

  it('reads button and list replies as their title, answering the message that offered them', () => {
    expect(messagesOf(fixture('wa-interactive-button-reply'))).toMatchObject([
      {
        contentType: 'interactive',
        text: 'Confirmar',
        inReplyTo: 'wamid.FAKE-OUT-BUTTONS-0001',
        requestType: undefined,
        metadata: { replyId: 'confirmar_cita' },
      },
    ]);
    expect(messagesOf(fixture('wa-interactive-list-reply'))).toMatchObject([
      {
        contentType: 'interactive',
        text: '10:30',
        inReplyTo: 'wamid.FAKE-OUT-LIST-0001',
        metadata: { replyId: 'horario_1030' },
      },
    ]);
  });

  it('takes the request type from a reply whose id names one', () => {
    expect(messagesOf(fixture('wa-interactive-request-type'))).toMatchObject([
      { text: 'Reportar una falla', requestType: 'falla', inReplyTo: 'wamid.FAKE-OUT-MENU-0001' },
      { text: 'Cancelar mi servicio', requestType: 'cancelacion' },
    ]);
    const [button] = messagesOf(
      payloadWith([{ type: 'button', button: { text: 'Tengo una queja', payload: 'QUEJA' } }]),
    );
    expect(button).toMatchObject({ contentType: 'button', requestType: 'queja' });
  });

  it("reads a template's quick-reply button as the text the customer pressed", () => {
    expect(messagesOf(fixture('wa-button'))).toMatchObject([
      {
        contentType: 'button',
        text: 'Reagendar',
        inReplyTo: 'wamid.FAKE-OUT-TEMPLATE-0001',
        metadata: { buttonPayload: 'REAGENDAR' },
      },
    ]);
  });

  it('describes a reaction and points at the message reacted to; a removed one too', () => {
    expect(messagesOf(fixture('wa-reaction'))).toMatchObject([
      { contentType: 'reaction', text: 'Reaccionó 👍 a un mensaje', inReplyTo: 'wamid.FAKE-OUT-0001' },
    ]);
    const removed = messagesOf(
      payloadWith([
        { type: 'reaction', reaction: { message_id: 'wamid.FAKE-OUT-0001', emoji: '' } },
        { type: 'reaction', reaction: { message_id: 'wamid.FAKE-OUT-0002' } },
      ]),
    );
    expect(removed.map((m) => [m.text, m.inReplyTo])).toEqual([
      ['Quitó su reacción a un mensaje', 'wamid.FAKE-OUT-0001'],
      ['Quitó su reacción a un mensaje', 'wamid.FAKE-OUT-0002'],
    ]);
  });

  it("stores Meta's unsupported message as such, naming what it was", () => {
    expect(messagesOf(fixture('wa-unsupported'))).toMatchObject([
      {
        externalId: 'wamid.FAKE-IN-UNSUPPORTED-0001',
        contentType: 'unsupported',
        text: '[Mensaje no compatible: edit]',
        metadata: { unsupportedType: 'edit', errors: [{ code: 131051 }] },
      },
    ]);
  });

  it('keeps reading after an unknown type, a malformed body or an unreadable message', () => {
    const batch = parseWhatsAppInbound(
      payloadWith([
        { type: 'hologram', hologram: { id: '1' } },
        { type: 'text', text: { body: '¿Me ayudan?' } },
        { type: 'text', text: 'not an object' },
        { type: 'interactive', interactive: { type: 'nfm_reply', nfm_reply: { response_json: '{}' } } },
        { id: undefined, type: 'text', text: { body: 'sin id' } },
        { from: 'not-a-number', type: 'text', text: { body: 'sin remitente' } },
        { type: 'text', text: { body: 'Sigo aquí' } },
      ]),
    );
    expect(batch.unusable.map((u) => [u.externalId, u.reason])).toEqual([
      [undefined, 'parse:id'],
      ['wamid.TEST-5', 'parse:from'],
    ]);
    const messages = batch.messages.map((m) => m.message);
    expect(messages.map((m) => [m.externalId, m.contentType, m.text])).toEqual([
      ['wamid.TEST-0', 'unsupported', '[Mensaje no compatible: hologram]'],
      ['wamid.TEST-1', 'text', '¿Me ayudan?'],
      ['wamid.TEST-2', 'unsupported', '[Mensaje no compatible: text]'],
      ['wamid.TEST-3', 'unsupported', '[Mensaje no compatible: interactive/nfm_reply]'],
      ['wamid.TEST-6', 'text', 'Sigo aquí'],
    ]);
  });

  it('reads every entry of a batch', () => {
    const messages = messagesOf(fixture('wa-batch-two-entries'));
    expect(messages).toMatchObject([
      { externalId: 'wamid.FAKE-IN-TEXT-0002', text: 'Gracias', sender: SENDER },
    ]);
    expect(parseWhatsAppStatuses(fixture('wa-batch-two-entries'))).toMatchObject([
      { externalId: 'wamid.FAKE-OUT-0003', status: 'entregado' },
    ]);

    const twoEntries = fixture('wa-text') as {
      entry: Array<{ changes: Array<{ value: { messages: Array<{ id: string }> } }> }>;
    };
    const second = structuredClone(twoEntries.entry[0]);
    const change = second?.changes[0];
    if (!second || !change?.value.messages[0]) throw new Error('fixture changed');
    change.value.messages[0].id = 'wamid.FAKE-IN-TEXT-SECOND';
    twoEntries.entry.push(second);
    expect(messagesOf(twoEntries).map((m) => m.externalId)).toEqual([
      'wamid.FAKE-IN-TEXT-0001',
      'wamid.FAKE-IN-TEXT-SECOND',
    ]);
  });

  it('decodes text and names sent as \\u00f1 escapes, every message of the batch', () => {
    const messages = messagesOf(fixture('wa-batch-escaped-spanish'));
    expect(messages.map((m) => m.text)).toEqual([
      'Señal intermitente desde el miércoles 😞',
      '¿Pueden revisar la antena? Gracias, señorita',
    ]);
    expect(messages[0]?.sender).toEqual({
      kind: 'whatsapp',
      address: '+525500000002',
      name: 'Nuño Peña',
      conversationKey: '5215500000002',
    });
  });

  it('reports impossible values as unusable, each alone, and reads the rest', () => {
    const batch = parseWhatsAppInbound(
      payloadWith([
        { type: 'text', text: { body: 'Antes' } },
        { timestamp: '99999999999999999999', type: 'text', text: { body: 'a' } },
        { timestamp: 1e20, type: 'text', text: { body: 'b' } },
        { timestamp: '1e20', type: 'text', text: { body: 'c' } },
        { id: `wamid.${'x'.repeat(1_000_000)}`, type: 'text', text: { body: 'd' } },
        { type: 'location', location: { latitude: 1e308, longitude: -100.31 } },
        { type: 'text', text: { body: 'Después' } },
      ]),
    );
    expect(batch.messages.map((m) => m.message.text)).toEqual(['Antes', 'Después']);
    expect(batch.unusable.map((u) => u.reason)).toEqual([
      'parse:timestamp',
      'parse:timestamp',
      'parse:timestamp',
      'parse:id',
      'parse:location',
    ]);
    expect(batch.unusable[3]?.externalId).toBeUndefined();
  });

  it('gives each message a payload of its own, the same in any batch, that reads back as that message', () => {
    const [first, second] = parseWhatsAppInbound(
      payloadWith([
        { type: 'text', text: { body: 'uno' } },
        { type: 'text', text: { body: 'dos' } },
      ]),
    ).messages;
    const alone = parseWhatsAppInbound(payloadWith([{ type: 'text', text: { body: 'uno' } }])).messages[0];
    expect(JSON.stringify(alone?.raw)).toBe(JSON.stringify(first?.raw));
    expect(parseWhatsAppInbound(second?.raw).messages.map((m) => m.message)).toEqual([second?.message]);
  });

  it('ignores what is not a WhatsApp messages webhook', () => {
    expect(messagesOf(null)).toEqual([]);
    expect(messagesOf('hola')).toEqual([]);
    expect(messagesOf({ object: 'page', entry: [] })).toEqual([]);
    expect(
      messagesOf({
        object: 'whatsapp_business_account',
        entry: [{ changes: [{ field: 'account_update', value: {} }] }],
      }),
    ).toEqual([]);
    expect(messagesOf(fixture('wa-status-sent'))).toEqual([]);
    expect(parseWhatsAppStatuses(fixture('wa-text'))).toEqual([]);
  });
});

describe('parseWhatsAppStatuses', () => {
  it.each([
    ['wa-status-sent', 'enviado', 1785000100],
    ['wa-status-delivered', 'entregado', 1785000102],
    ['wa-status-read', 'leido', 1785000160],
  ])('maps %s', (name, status, seconds) => {
    expect(parseWhatsAppStatuses(fixture(name))).toEqual([
      { channel: 'whatsapp', externalId: 'wamid.FAKE-OUT-0001', status, at: new Date(seconds * 1000) },
    ]);
  });

  it("maps a failure with Meta's first error", () => {
    expect(parseWhatsAppStatuses(fixture('wa-status-failed'))).toEqual([
      {
        channel: 'whatsapp',
        externalId: 'wamid.FAKE-OUT-0002',
        status: 'fallido',
        at: new Date(1785090000 * 1000),
        error: {
          code: 131047,
          title: 'Re-engagement message',
          detail:
            'Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
        },
      },
    ]);
  });

  it('skips statuses it does not know and keeps the rest', () => {
    const payload = fixture('wa-status-read') as {
      entry: Array<{ changes: Array<{ value: { statuses: unknown[] } }> }>;
    };
    payload.entry[0]?.changes[0]?.value.statuses.unshift(
      { id: 'wamid.X', status: 'deleted', timestamp: '1785000150' },
      { status: 'read' },
    );
    expect(parseWhatsAppStatuses(payload).map((s) => s.status)).toEqual(['leido']);
  });
});
