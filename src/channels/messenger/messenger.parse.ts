import { z } from 'zod';
import { asRequestType } from '../../cases/request-types.ts';
import type { InboundBatch, IncomingMessage, StatusUpdate } from '../adapter.ts';
import { ExternalId, externalIdOf, isPlausibleInstant, unusableReason } from '../unusable.ts';

const Instant = z.number().refine(isPlausibleInstant);
const Attachment = z.object({
  type: z.string(),
  payload: z
    .object({
      url: z.string().optional(),
      coordinates: z
        .object({ lat: z.number().min(-90).max(90), long: z.number().min(-180).max(180) })
        .optional(),
    })
    .passthrough()
    .nullish(),
});
const Event = z
  .object({
    // A page-scoped id is digits; anything else could never be answered nor recognised again.
    sender: z.object({ id: z.string().regex(/^\d{1,32}$/) }),
    recipient: z.object({ id: z.string() }),
    timestamp: Instant,
    message: z
      .object({
        mid: ExternalId,
        text: z.string().optional(),
        is_echo: z.boolean().optional(),
        quick_reply: z.object({ payload: z.string() }).optional(),
        attachments: z.array(Attachment).optional(),
        reply_to: z.object({ mid: z.string() }).optional(),
      })
      .optional(),
    postback: z
      .object({ title: z.string().optional(), payload: z.string().optional(), mid: ExternalId.optional() })
      .optional(),
    delivery: z.object({ mids: z.array(z.string()).optional(), watermark: Instant }).optional(),
    read: z.object({ watermark: Instant }).optional(),
  })
  .passthrough();
type Event = z.infer<typeof Event>;
const Payload = z.object({
  object: z.literal('page'),
  entry: z.array(z.object({ id: z.string(), messaging: z.array(z.unknown()).default([]) })),
});

/**
 * Every `messaging` event of a page webhook, oldest first (Messenger does not promise order), each with
 * a webhook holding it alone (the same event re-batched gives the same bytes). `unreadable` gets the
 * customer messages and postbacks that cannot be read.
 */
function events(
  raw: unknown,
  unreadable?: (item: { raw: unknown; reason: string; externalId?: string }) => void,
): Array<{ event: Event; raw: unknown }> {
  const payload = Payload.safeParse(raw);
  if (!payload.success) return [];
  const all: Array<{ event: Event; raw: unknown }> = [];
  for (const entry of payload.data.entry) {
    for (const item of entry.messaging) {
      const single = { object: 'page', entry: [{ id: entry.id, messaging: [item] }] };
      const event = Event.safeParse(item);
      if (event.success) all.push({ event: event.data, raw: single });
      else {
        const { message, postback } = (item ?? {}) as { message?: { is_echo?: unknown }; postback?: unknown };
        if ((message === undefined || message?.is_echo === true) && postback === undefined) continue;
        const externalId = externalIdOf(message, 'mid') ?? externalIdOf(postback, 'mid');
        unreadable?.({
          raw: single,
          reason: unusableReason(event.error),
          ...(externalId ? { externalId } : {}),
        });
      }
    }
  }
  return all.sort((a, b) => a.event.timestamp - b.event.timestamp);
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
 * (they are ours); a quick reply or postback whose payload names a request type carries it. One that
 * cannot be read (a sender that is no page-scoped id, an impossible instant or place, an oversized mid)
 * is reported unusable without affecting the others.
 */
export function parseMessengerInbound(raw: unknown): InboundBatch {
  const batch: InboundBatch = { messages: [], unusable: [] };
  for (const { event, raw: single } of events(raw, (item) => batch.unusable.push(item))) {
    const sender = { kind: 'messenger' as const, address: event.sender.id, conversationKey: event.sender.id };
    const sentAt = new Date(event.timestamp);
    if (event.message && !event.message.is_echo) {
      const attachments = event.message.attachments ?? [];
      const text =
        event.message.text ?? attachments.map((a) => `[${ATTACHMENT_LABELS[a.type] ?? a.type}]`).join(' ');
      const place = attachments.find((a) => a.payload?.coordinates)?.payload?.coordinates;
      batch.messages.push({
        raw: single,
        message: {
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
            ...(place ? { location: { latitude: place.lat, longitude: place.long } } : {}),
          },
        },
      });
    } else if (event.postback) {
      batch.messages.push({
        raw: single,
        message: {
          channel: 'facebook',
          // Older postbacks carry no mid; the sender and the instant identify them just as well.
          externalId: event.postback.mid ?? `postback:${event.sender.id}:${event.timestamp}`,
          sender,
          sentAt,
          text: event.postback.title ?? event.postback.payload ?? '',
          contentType: 'button',
          requestType: asRequestType(event.postback.payload),
          metadata: { pageId: event.recipient.id, postback: event.postback.payload ?? null },
        },
      });
    }
  }
  return batch;
}

/**
 * Delivery and read receipts. A delivery names the messages it covers; a read only gives a watermark,
 * so it is reported for the reader's conversation as "everything sent before this instant".
 */
export function parseMessengerStatuses(raw: unknown): StatusUpdate[] {
  const out: StatusUpdate[] = [];
  for (const { event } of events(raw)) {
    if (event.delivery) {
      for (const mid of (event.delivery.mids ?? []).filter((m) => ExternalId.safeParse(m).success)) {
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
