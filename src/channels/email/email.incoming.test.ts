import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { toIncomingMessage } from './email.incoming.ts';
import { type ParsedEmail, parseEmail } from './email.parse.ts';

const fixture = (name: string) => parseEmail(readFileSync(new URL(`./fixtures/${name}`, import.meta.url)));
const trusted = {
  verified: true,
  spf: 'pass',
  dkim: 'pass',
  dmarc: 'pass',
  reason: 'DMARC pass for icloud.com',
};

describe('toIncomingMessage', () => {
  it('carries the trimmed text, the threading ids and the trust verdict', async () => {
    const incoming = toIncomingMessage(await fixture('iphone-reply.eml'), trusted, new Date());
    expect(incoming).toEqual({
      channel: 'email',
      externalId: '7D1E3A9C-5B2F-4C8E-A1D6-9F0B2E4C6A81@icloud.com',
      sender: { kind: 'email', address: 'jorge.ramirez@icloud.com', name: 'Jorge Ramírez' },
      sentAt: new Date('2026-11-24T15:03:11.000Z'),
      text: 'Ya les mando la foto del módem, así se ve desde anoche: la luz de PON parpadea en rojo.',
      contentType: 'text',
      inReplyTo: 'ack-061@atiende.monetmovil.com',
      metadata: {
        subject: 'Re: [Folio MON-2026-000061-9] Recibimos su reporte de falla',
        inReplyTo: 'ack-061@atiende.monetmovil.com',
        references: ['ack-061@atiende.monetmovil.com'],
        folioInSubject: 'MON-2026-000061-9',
        verified: true,
        spf: 'pass',
        dkim: 'pass',
        dmarc: 'pass',
        hasInlineImages: true,
      },
    });
  });

  it('marks an unverified first message and has no thread ids', async () => {
    const incoming = toIncomingMessage(await fixture('new-request.eml'), { verified: false }, new Date());
    expect(incoming.inReplyTo).toBeUndefined();
    expect(incoming.metadata).toEqual({
      subject: 'Sin internet desde el 21 de noviembre',
      inReplyTo: null,
      references: [],
      folioInSubject: null,
      verified: false,
      spf: null,
      dkim: null,
      dmarc: null,
      hasInlineImages: false,
    });
  });

  it('does not count an attached PDF as an inline image', async () => {
    const incoming = toIncomingMessage(await fixture('with-attachment.eml'), trusted, new Date());
    expect(incoming.metadata?.hasInlineImages).toBe(false);
  });

  const base = (): Promise<ParsedEmail> => fixture('gmail-reply.eml');

  it('falls back to the full text when trimming leaves nothing', async () => {
    const parsed = {
      ...(await base()),
      text: '',
      fullText: 'El lun, 23 nov 2026, Soporte escribió:\n> Hola',
    };
    expect(toIncomingMessage(parsed, trusted, new Date()).text).toBe(
      'El lun, 23 nov 2026, Soporte escribió:\n> Hola',
    );
  });

  it('shows the subject of a message without a body', async () => {
    const parsed = { ...(await base()), text: '', fullText: '', subject: 'Foto del módem' };
    expect(toIncomingMessage(parsed, trusted, new Date()).text).toBe('Foto del módem');
  });

  it('dates a message without a Date header when it was received', async () => {
    const receivedAt = new Date('2026-11-25T08:00:00Z');
    const parsed = { ...(await base()), date: null };
    expect(toIncomingMessage(parsed, trusted, receivedAt).sentAt).toEqual(receivedAt);
  });
});
