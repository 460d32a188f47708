import type { RequestType } from '../cases/request-types.ts';
import type { Channel, ContactKind } from './channel.ts';

/** A message a customer sent through some door, in the one shape the intake path understands. */
export interface IncomingMessage {
  channel: Channel;
  /** The transport's id for this message (WhatsApp wamid, e-mail Message-ID, …): redeliveries repeat it. */
  externalId: string;
  sender: {
    kind: ContactKind;
    /** Normalised as contact points are (E.164 for phones and WhatsApp, lower-case e-mail, …). */
    address: string;
    name?: string;
    /** The transport's own key for the conversation (WhatsApp `wa_id`), kept to reply on the same thread. */
    conversationKey?: string;
  };
  sentAt: Date;
  /** What agents read: the text, a caption, or a description of what arrived (a location, a reaction…). */
  text: string;
  /** A subject line, where the transport has one (e-mail): it names the case. */
  subject?: string;
  contentType:
    | 'text'
    | 'image'
    | 'audio'
    | 'video'
    | 'document'
    | 'sticker'
    | 'location'
    | 'interactive'
    | 'button'
    | 'reaction'
    | 'unsupported';
  /** Media the transport holds, fetched by a job after the message is stored. */
  media?: Array<{ mediaId: string; mimeType?: string; filename?: string }>;
  /** Files that came with the message itself (e-mail attachments and inline images). */
  files?: Array<{ filename: string; contentType: string; content: Buffer }>;
  /** The type the customer picked (a button, a menu), when they did. */
  requestType?: RequestType;
  /** The transport id of the message this one answers or reacts to. */
  inReplyTo?: string;
  /** Transport details kept for agents and troubleshooting (never used to identify anyone). */
  metadata?: Record<string, unknown>;
  /**
   * E-mail threads explicitly, not by conversation: the ids the message refers to (In-Reply-To,
   * References) and a folio found in its subject. Without a match it opens a new case.
   */
  thread?: { references: string[]; folio?: string };
  /** The sender's address could not be verified (SPF/DKIM/DMARC): it must not be linked to an account. */
  unverified?: boolean;
}

export type DeliveryStatus = 'enviado' | 'entregado' | 'leido' | 'fallido';

/** A transport's report on a message we sent. */
export interface StatusUpdate {
  channel: Channel;
  /** The transport id our send call got back. */
  externalId: string;
  status: DeliveryStatus;
  at: Date;
  error?: { code: number | string; title: string; detail?: string };
  /** Messenger's read receipt names no message: everything sent to this address before `at` was read. */
  readUpTo?: { address: string };
}

/** A message for a customer: free text, or an approved template where the transport requires one. */
export interface OutgoingMessage {
  channel: Channel;
  to: { kind: ContactKind; address: string; conversationKey?: string };
  text: string;
  template?: { name: string; language: string; parameters: string[] };
  /** The case it belongs to, for subjects and references. */
  folio: string;
  /** An automatic acknowledgement or notice rather than an agent's reply. */
  automatic: boolean;
  /** Messenger: a human agent's reply after the 24-hour window, within 7 days of the customer's message. */
  messagingTag?: 'HUMAN_AGENT';
  /**
   * WhatsApp and Messenger, inside the 24-hour window: options the customer taps instead of typing
   * (WhatsApp reply buttons up to 3, else a list of up to 10; Messenger quick replies up to 13). The id
   * of the one tapped comes back in the reply.
   */
  choices?: { button: string; options: Array<{ id: string; title: string; description?: string }> };
  /** E-mail: the case's subject, and the Message-IDs of the thread so far (oldest first). */
  subject?: string;
  references?: string[];
  files?: Array<{ filename: string; contentType: string; content: Buffer }>;
}

export type SendResult =
  | { ok: true; externalId: string }
  | {
      ok: false;
      /** Worth trying again later (rate limit, the transport's server error). */
      retryable: boolean;
      code?: number | string;
      reason: string;
      /** The customer-service window is closed: only a template can go out now. */
      needsTemplate?: boolean;
      /** The channel's credentials are refused: the whole channel is down until an admin fixes them. */
      channelDown?: boolean;
    };

export interface ChannelHealth {
  status: 'ok' | 'error' | 'off';
  detail?: string;
}

/**
 * What one delivery of a transport holds, message by message: each comes with `raw`, the transport's
 * payload cut down to that message alone (what is quarantined and replayed), so one message that
 * cannot be taken in never costs the others.
 */
export interface InboundBatch {
  messages: Array<{ message: IncomingMessage; raw: unknown }>;
  /** Messages that cannot be read; `reason` is a code (`parse:timestamp`), never their content. */
  unusable: Array<{ raw: unknown; reason: string; externalId?: string }>;
}

/** One door of the provider: turns its inbound traffic into messages and sends ours out through it. */
export interface ChannelAdapter {
  channel: Channel;
  /** Webhook channels: the messages of a payload (already parsed from JSON and cleaned). */
  parseInbound?(raw: unknown): InboundBatch;
  parseStatuses?(raw: unknown): StatusUpdate[];
  send(message: OutgoingMessage): Promise<SendResult>;
  /** Downloads media the transport holds for an inbound message (WhatsApp's two-step media fetch). */
  fetchMedia?(mediaId: string): Promise<{ bytes: Buffer; contentType: string }>;
  health(): ChannelHealth;
}

/**
 * Sends a reply made of several transport messages (text, then files) in order. A refusal of the first
 * is the reply's refusal; a later one is final, because retrying would send the customer the earlier
 * parts twice. Answers the first part's id.
 */
export async function sendInParts(
  parts: Array<() => Promise<SendResult>>,
  transport: string,
): Promise<SendResult> {
  let first: string | undefined;
  for (const [index, part] of parts.entries()) {
    const result = await part();
    if (!result.ok) {
      if (index === 0) return result;
      return {
        ...result,
        retryable: false,
        reason: `Only ${index} of ${parts.length} parts reached ${transport}: ${result.reason}`,
      };
    }
    first ??= result.externalId;
  }
  return { ok: true, externalId: first ?? '' };
}
