import { z } from 'zod';
import { asRequestType } from '../../cases/request-types.ts';
import type { IncomingMessage, StatusUpdate } from '../adapter.ts';

const Attachment = z.object({
  type: z.string(),
  payload: z.object({ url: z.string().optional() }).passthrough().nullish(),
});
const Event = z
  .object({
    sender: z.object({ id: z.string() }),
    recipient: z.object({ id: z.string() }),
    timestamp: z.number(),
    message: z
      .object({
        mid: z.string(),
        text: z.string().optional(),
        is_echo: z.boolean().optional(),
        quick_reply: z.object({ payload: z.string() }).optional(),
        attachments: z.array(Attachment).optional(),
        reply_to: z.object({ mid: z.string() }).optional(),
      })
      .optional(),
    postback: z
      .object({ title: z.string().optional(), payload: z.string().optional(), mid: z.string().optional() })
      .optional(),
    delivery: z.object({ mids: z.array(z.string()).optional(), watermark: z.number() }).optional(),
    read: z.object({ watermark: z.number() }).optional(),
  })
  .passthrough();
const Payload = z.object({
  object: z.literal('page'),
  entry: z.array(z.object({ id: z.string(), messaging: z.array(z.unknown()).default([]) })),
});

/** Every `messaging` event of a page webhook, oldest first: Messenger does not promise order. */
function events(raw: unknown): Array<z.infer<typeof Event>> {
  const payload = Payload.safeParse(raw);
  if (!payload.success) return [];
  const all: Array<z.infer<typeof Event>> = [];
  for (const entry of payload.data.entry) {
    for (const item of entry.messaging) {
      const event = Event.safeParse(item);
      if (event.success) all.push(event.data);
    }
  }
  return all.sort((a, b) => a.timestamp - b.timestamp);
}

const CONTENT_TYPES: Record<string, IncomingMessage['contentType']> = {
  image: 'image',
  audio: 'audio',
  video: 'video',
  file: 'document',
  location: 'location',
};

const ATTACHMENT_LABELS: Record<string, string> = {
  image: 'Imagen',
  audio: 'Audio',
  video: 'Video',
  file: 'Archivo',
  location: 'Ubicación',
  fallback: 'Enlace',
};

/**
 * Customer messages and postbacks of a Messenger webhook. Echoes of the page's own sends are left out
 * (they are ours); a quick reply or postback whose payload names a request type carries it.
 */
export function parseMessengerInbound(raw: unknown): IncomingMessage[] {
  const out: IncomingMessage[] = [];
  for (const event of events(raw)) {
    const sender = { kind: 'messenger' as const, address: event.sender.id, conversationKey: event.sender.id };
    const sentAt = new Date(event.timestamp);
    if (event.message && !event.message.is_echo) {
      const attachments = event.message.attachments ?? [];
      const text =
        event.message.text ?? attachments.map((a) => `[${ATTACHMENT_LABELS[a.type] ?? a.type}]`).join(' ');
      out.push({
        channel: 'facebook',
        externalId: event.message.mid,
        sender,
        sentAt,
        text,
        contentType: attachments[0] ? (CONTENT_TYPES[attachments[0].type] ?? 'unsupported') : 'text',
        media: attachments.flatMap((a) =>
          a.payload?.url && a.type !== 'fallback' && a.type !== 'location'
            ? [{ mediaId: a.payload.url }]
            : [],
        ),
        requestType: asRequestType(event.message.quick_reply?.payload),
        inReplyTo: event.message.reply_to?.mid,
        metadata: {
          pageId: event.recipient.id,
          ...(event.message.quick_reply ? { quickReply: event.message.quick_reply.payload } : {}),
        },
      });
    } else if (event.postback) {
      out.push({
        channel: 'facebook',
        // Older postbacks carry no mid; the sender and the instant identify them just as well.
        externalId: event.postback.mid ?? `postback:${event.sender.id}:${event.timestamp}`,
        sender,
        sentAt,
        text: event.postback.title ?? event.postback.payload ?? '',
        contentType: 'button',
        requestType: asRequestType(event.postback.payload),
        metadata: { pageId: event.recipient.id, postback: event.postback.payload ?? null },
      });
    }
  }
  return out;
}

/**
 * Delivery and read receipts. A delivery names the messages it covers; a read only gives a watermark,
 * so it is reported for the reader's conversation as "everything sent before this instant".
 */
export function parseMessengerStatuses(raw: unknown): StatusUpdate[] {
  const out: StatusUpdate[] = [];
  for (const event of events(raw)) {
    if (event.delivery) {
      for (const mid of event.delivery.mids ?? []) {
        out.push({
          channel: 'facebook',
          externalId: mid,
          status: 'entregado',
          at: new Date(event.delivery.watermark),
        });
      }
    }
    if (event.read) {
      out.push({
        channel: 'facebook',
        externalId: '',
        status: 'leido',
        at: new Date(event.read.watermark),
        readUpTo: { address: event.sender.id },
      });
    }
  }
  return out;
}
