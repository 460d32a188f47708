import type { IncomingMessage } from '../adapter.ts';

/** A WhatsApp text as the adapter hands it to intake (after the webhook is verified and parsed). */
export const whatsappText = (
  from: string,
  text: string,
  externalId: string,
  sentAt: Date,
): IncomingMessage => ({
  channel: 'whatsapp',
  externalId,
  sender: { kind: 'whatsapp', address: from },
  sentAt,
  text,
  contentType: 'text',
});
