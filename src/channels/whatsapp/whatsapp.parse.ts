import { z } from 'zod';
import { asRequestType } from '../../cases/request-types.ts';
import { normalizeContactAddress } from '../../customers/contact-points.ts';
import type { DeliveryStatus, InboundBatch, IncomingMessage, StatusUpdate } from '../adapter.ts';
import {
  ExternalId,
  externalIdOf,
  isPlausibleInstant,
  UnusableMessage,
  unusableReason,
} from '../unusable.ts';

// Only the envelope is checked strictly enough to reject what is not a WhatsApp webhook; every change,
// message and status inside is parsed on its own so one odd item never costs the rest of a batch.
const Envelope = z.object({
  object: z.literal('whatsapp_business_account'),
  entry: z.array(z.object({ id: z.string().optional(), changes: z.array(z.unknown()).default([]) })),
});

const Contact = z.object({
  wa_id: z.string().optional(),
  profile: z.object({ name: z.string().optional() }).optional(),
});
const Change = z.object({
  field: z.literal('messages'),
  value: z.object({
    metadata: z.object({ phone_number_id: z.string(), display_phone_number: z.string().optional() }),
    contacts: z.array(Contact).default([]),
    messages: z.array(z.unknown()).default([]),
    statuses: z.array(z.unknown()).default([]),
  }),
});
type ChangeValue = z.infer<typeof Change>['value'];

// Meta documents the timestamp as a string of unix seconds; a number is accepted all the same.
const UnixSeconds = z
  .union([z.string().regex(/^\d+$/), z.number().int().nonnegative()])
  .transform((s) => Number(s) * 1000)
  .refine(isPlausibleInstant)
  .transform((ms) => new Date(ms));

const MetaError = z.object({
  code: z.union([z.number(), z.string()]),
  title: z.string().optional(),
  message: z.string().optional(),
  error_data: z.object({ details: z.string().optional() }).optional(),
});

const Message = z.object({
  from: z.string(),
  id: ExternalId,
  timestamp: UnixSeconds,
  type: z.string(),
  context: z.object({ id: z.string().optional() }).optional(),
  errors: z.array(MetaError).optional(),
});
type Message = z.infer<typeof Message>;

const Media = z.object({
  id: z.string(),
  mime_type: z.string().optional(),
  caption: z.string().optional(),
  filename: z.string().optional(),
  voice: z.boolean().optional(),
});
const Bodies = {
  text: z.object({ body: z.string() }),
  location: z.object({
    latitude: z.number().min(-90).max(90),
    longitude: z.number().min(-180).max(180),
    name: z.string().optional(),
    address: z.string().optional(),
    url: z.string().optional(),
  }),
  interactive: z.object({
    type: z.string(),
    button_reply: z.object({ id: z.string(), title: z.string() }).optional(),
    list_reply: z
      .object({ id: z.string(), title: z.string(), description: z.string().optional() })
      .optional(),
  }),
  button: z.object({ text: z.string(), payload: z.string().optional() }),
  reaction: z.object({ message_id: z.string(), emoji: z.string().optional() }),
  unsupported: z.object({ type: z.string().optional() }),
};

const Status = z.object({
  id: ExternalId,
  status: z.string(),
  timestamp: UnixSeconds,
  errors: z.array(MetaError).optional(),
});

const STATUSES: Record<string, DeliveryStatus> = {
  sent: 'enviado',
  delivered: 'entregado',
  read: 'leido',
  failed: 'fallido',
};

const MEDIA_TYPES = ['image', 'audio', 'video', 'document', 'sticker'] as const;
type MediaType = (typeof MEDIA_TYPES)[number];
const isMediaType = (type: string): type is MediaType => (MEDIA_TYPES as readonly string[]).includes(type);

const MEDIA_LABELS: Record<MediaType, string> = {
  image: 'Imagen',
  audio: 'Audio',
  video: 'Video',
  document: 'Documento',
  sticker: 'Sticker',
};

interface MessagesChange {
  entryId?: string;
  value: ChangeValue;
}

/** The `messages` changes of a webhook; `unreadable` gets those that say they are but cannot be read. */
function changesOf(payload: unknown, unreadable?: (raw: unknown) => void): MessagesChange[] {
  const envelope = Envelope.safeParse(payload);
  if (!envelope.success) return [];
  return envelope.data.entry.flatMap(({ id, changes }) =>
    changes.flatMap((raw) => {
      const change = Change.safeParse(raw);
      if (change.success) return [{ ...(id ? { entryId: id } : {}), value: change.data.value }];
      if ((raw as { field?: unknown } | null)?.field === 'messages') unreadable?.(raw);
      return [];
    }),
  );
}

type Content = Pick<IncomingMessage, 'text' | 'contentType' | 'media' | 'requestType' | 'inReplyTo'> & {
  extra?: Record<string, unknown>;
};

function unsupported(type: string): Content {
  return {
    contentType: 'unsupported',
    text: `[Mensaje no compatible: ${type}]`,
    extra: { unsupportedType: type },
  };
}

function contentOf(message: Message, raw: Record<string, unknown>): Content {
  const type = message.type;
  if (isMediaType(type)) {
    const media = Media.safeParse(raw[type]);
    if (!media.success) return unsupported(type);
    const { id, mime_type: mimeType, caption, filename } = media.data;
    const label = media.data.voice ? 'Nota de voz' : MEDIA_LABELS[type];
    return {
      contentType: type,
      text: caption ?? (filename ? `[${label}: ${filename}]` : `[${label}]`),
      media: [{ mediaId: id, ...(mimeType ? { mimeType } : {}), ...(filename ? { filename } : {}) }],
    };
  }
  switch (type) {
    case 'text': {
      const text = Bodies.text.safeParse(raw.text);
      return text.success ? { contentType: 'text', text: text.data.body } : unsupported(type);
    }
    case 'location': {
      const location = Bodies.location.safeParse(raw.location);
      // Coordinates off the globe are not a place anyone can go to: refused rather than shown.
      if (!location.success) throw new UnusableMessage('parse:location');
      const { latitude, longitude, name, address, url } = location.data;
      const place = [name, address].filter(Boolean).join(', ');
      return {
        contentType: 'location',
        text: `📍 Ubicación: ${place ? `${place} ` : ''}(${latitude}, ${longitude})`,
        extra: { location: { latitude, longitude, name, address, url } },
      };
    }
    case 'interactive': {
      // Only replies to our buttons and lists carry a choice; flows (nfm_reply) and the like are shown as such.
      const interactive = Bodies.interactive.safeParse(raw.interactive);
      if (!interactive.success) return unsupported(type);
      const reply = interactive.data.button_reply ?? interactive.data.list_reply;
      if (!reply) return unsupported(`interactive/${interactive.data.type}`);
      return {
        contentType: 'interactive',
        text: reply.title,
        requestType: asRequestType(reply.id),
        extra: { replyId: reply.id },
      };
    }
    case 'button': {
      // A quick-reply button of a template we sent: the payload is ours, the text is what the customer saw.
      const button = Bodies.button.safeParse(raw.button);
      if (!button.success) return unsupported(type);
      return {
        contentType: 'button',
        text: button.data.text,
        requestType: asRequestType(button.data.payload),
        extra: { buttonPayload: button.data.payload ?? null },
      };
    }
    case 'reaction': {
      const reaction = Bodies.reaction.safeParse(raw.reaction);
      if (!reaction.success) return unsupported(type);
      // A removed reaction omits the emoji in Meta's reference but arrives as "" in some examples.
      const emoji = reaction.data.emoji;
      return {
        contentType: 'reaction',
        text: emoji ? `Reaccionó ${emoji} a un mensaje` : 'Quitó su reacción a un mensaje',
        inReplyTo: reaction.data.message_id,
      };
    }
    case 'unsupported': {
      // Meta names what it could not deliver (an edit, a poll…) inside the `unsupported` object.
      const inner = Bodies.unsupported.safeParse(raw.unsupported);
      return unsupported((inner.success ? inner.data.type : undefined) ?? type);
    }
    default:
      return unsupported(type);
  }
}

function parseMessage(value: ChangeValue, raw: unknown): IncomingMessage {
  const message = Message.parse(raw);
  const { extra, ...content } = contentOf(message, raw as Record<string, unknown>);
  const contact = value.contacts.find((c) => c.wa_id === message.from);
  return {
    channel: 'whatsapp',
    externalId: message.id,
    sender: {
      kind: 'whatsapp',
      // Mexican ids often keep the pre-2019 mobile `1` (521…): the address drops it, the key keeps wa_id.
      address: normalizeContactAddress('whatsapp', message.from, 'from'),
      ...(contact?.profile?.name ? { name: contact.profile.name } : {}),
      conversationKey: contact?.wa_id ?? message.from,
    },
    sentAt: message.timestamp,
    ...content,
    inReplyTo: content.inReplyTo ?? message.context?.id,
    metadata: {
      phoneNumberId: value.metadata.phone_number_id,
      ...(value.metadata.display_phone_number
        ? { displayPhoneNumber: value.metadata.display_phone_number }
        : {}),
      ...extra,
      ...(message.errors ? { errors: message.errors } : {}),
    },
  };
}

/**
 * A webhook holding one message alone, with its sender's contact: the same message re-batched by Meta
 * gives the same bytes, and it reads back through this parser when replayed.
 */
function alone(change: MessagesChange, raw: unknown) {
  const from = (raw as { from?: unknown } | null)?.from;
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        ...(change.entryId ? { id: change.entryId } : {}),
        changes: [
          {
            field: 'messages',
            value: {
              metadata: change.value.metadata,
              contacts: change.value.contacts.filter((c) => c.wa_id === from),
              messages: [raw],
            },
          },
        ],
      },
    ],
  };
}

/**
 * Every customer message of a WhatsApp Cloud API webhook, across all its entries and changes, in the
 * order Meta sent them. Types Atiende does not show arrive as `unsupported` with their type in the text;
 * a message that cannot be read (no id, a sender that is no number, an impossible timestamp or place)
 * is reported unusable without affecting the others.
 */
export function parseWhatsAppInbound(payload: unknown): InboundBatch {
  const batch: InboundBatch = { messages: [], unusable: [] };
  const changes = changesOf(payload, (raw) =>
    batch.unusable.push({
      raw: { object: 'whatsapp_business_account', entry: [{ changes: [raw] }] },
      reason: 'parse:change',
    }),
  );
  for (const change of changes) {
    for (const raw of change.value.messages) {
      const single = alone(change, raw);
      try {
        batch.messages.push({ message: parseMessage(change.value, raw), raw: single });
      } catch (error) {
        const externalId = externalIdOf(raw, 'id');
        batch.unusable.push({
          raw: single,
          reason: unusableReason(error),
          ...(externalId ? { externalId } : {}),
        });
      }
    }
  }
  return batch;
}

function statusError(error: z.infer<typeof MetaError>): NonNullable<StatusUpdate['error']> {
  const detail = error.error_data?.details ?? error.message;
  return {
    code: error.code,
    title: error.title ?? error.message ?? `Error ${error.code}`,
    ...(detail ? { detail } : {}),
  };
}

/** Delivery reports (sent, delivered, read, failed with Meta's first error) of a WhatsApp webhook. */
export function parseWhatsAppStatuses(payload: unknown): StatusUpdate[] {
  const out: StatusUpdate[] = [];
  for (const { value } of changesOf(payload)) {
    for (const raw of value.statuses) {
      const parsed = Status.safeParse(raw);
      if (!parsed.success) continue;
      const status = STATUSES[parsed.data.status];
      if (!status) continue;
      const error = parsed.data.errors?.[0];
      out.push({
        channel: 'whatsapp',
        externalId: parsed.data.id,
        status,
        at: parsed.data.timestamp,
        ...(error ? { error: statusError(error) } : {}),
      });
    }
  }
  return out;
}
