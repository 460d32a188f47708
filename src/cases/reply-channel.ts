import { and, eq } from 'drizzle-orm';
import type { Actor } from '../auth/actor.ts';
import type { Channel, ContactKind } from '../channels/channel.ts';
import { MESSENGER_MAX_ATTACHMENT_BYTES } from '../channels/messenger/messenger.media.ts';
import {
  CUSTOMER_SERVICE_WINDOW_MS,
  HUMAN_AGENT_WINDOW_MS,
  lastCustomerMessageAt,
  queueOutbound,
  templateSubjectOf,
  templateValues,
  windowOpen,
} from '../channels/outbound-queue.ts';
import { fillWhatsappTemplate } from '../channels/templates.ts';
import { WHATSAPP_MEDIA } from '../channels/whatsapp/whatsapp.media.ts';
import { normalizeContactAddress } from '../customers/contact-points.ts';
import type { Tx } from '../db/database.ts';
import { type cases, contactPoints } from '../db/schema.ts';
import { AppError } from '../http/errors.ts';
import type { CaseDeps } from './case-context.ts';
import type { AddMessageRequest } from './cases.schema.ts';
import type { DecodedAttachment } from './messages.ts';

type CaseRow = typeof cases.$inferSelect;

/** Contact kinds a written reply can travel on, and the channel that carries each. */
export const REPLY_KINDS = ['whatsapp', 'email', 'messenger'] as const;
export type ReplyKind = (typeof REPLY_KINDS)[number];
const CHANNEL_OF: Record<ReplyKind, Channel> = {
  whatsapp: 'whatsapp',
  email: 'email',
  messenger: 'facebook',
};

/** Where a reply goes: a channel, and the customer's address on it when the agent chose one. */
export interface ReplyRoute {
  channel: Channel;
  to?: { kind: ContactKind; address: string };
}

/**
 * The route of an agent's reply. Without a choice it is the case's channel, as before; a chosen address
 * must be one of the case's customer's contact points, or the contact given (unproven) with the case —
 * never anyone else's, so a typo or a forged request cannot send a customer's case to a stranger.
 */
export async function replyRouteOf(
  tx: Tx,
  kase: Pick<CaseRow, 'channel' | 'customerId' | 'claimedContact'>,
  replyVia: AddMessageRequest['replyVia'],
): Promise<ReplyRoute> {
  if (!replyVia) return { channel: kase.channel as Channel };
  const address = normalizeContactAddress(replyVia.kind, replyVia.address, 'replyVia.address');
  const [onFile] = await tx
    .select({ id: contactPoints.id })
    .from(contactPoints)
    .where(
      and(
        eq(contactPoints.customerId, kase.customerId),
        eq(contactPoints.kind, replyVia.kind),
        eq(contactPoints.address, address),
      ),
    )
    .limit(1);
  if (!onFile && !claimedMatches(kase.claimedContact, replyVia.kind, address)) {
    throw new AppError('case.reply_via_unknown', {
      status: 422,
      field: 'replyVia.address',
      detail: 'Replies go only to a contact point of the case’s customer',
    });
  }
  return { channel: CHANNEL_OF[replyVia.kind], to: { kind: replyVia.kind, address } };
}

/** A phone given on the portal may be answered on WhatsApp; anything else only on its own kind. */
function claimedMatches(claimed: CaseRow['claimedContact'], kind: ReplyKind, address: string): boolean {
  if (!claimed) return false;
  const claimedKind = claimed.kind === 'phone' && kind === 'whatsapp' ? 'whatsapp' : claimed.kind;
  if (claimedKind !== kind) return false;
  try {
    return normalizeContactAddress(kind, claimed.address) === address;
  } catch {
    return false;
  }
}

/**
 * Refuses, before anything is stored or sent, a file the reply's channel cannot carry: WhatsApp takes
 * only its media types and sizes, Messenger files up to 25 MB; e-mail and the portal take every file
 * Atiende accepts. The error names the file and says which channel and why.
 */
export function assertChannelCarries(channel: Channel, attachments: DecodedAttachment[]): void {
  for (const [index, { bytes, input }] of attachments.entries()) {
    const contentType = input.contentType;
    if (channel === 'whatsapp') {
      const rule = WHATSAPP_MEDIA[contentType];
      if (!rule) {
        throw new AppError('attachment.channel_type', {
          status: 422,
          field: `attachments.${index}.contentType`,
          detail: `WhatsApp cannot carry ${contentType} files`,
          extra: { channel, contentType, filename: input.filename },
        });
      }
      if (bytes.length > rule.maxBytes) throw tooLarge(channel, index, input.filename, rule.maxBytes);
    }
    if (channel === 'facebook' && bytes.length > MESSENGER_MAX_ATTACHMENT_BYTES)
      throw tooLarge(channel, index, input.filename, MESSENGER_MAX_ATTACHMENT_BYTES);
  }
}

const tooLarge = (channel: Channel, index: number, filename: string, maxBytes: number) =>
  new AppError('attachment.channel_size', {
    status: 422,
    field: `attachments.${index}.data`,
    detail: `${channel} carries files of at most ${maxBytes / 1_048_576} MB`,
    extra: { channel, filename, maxMegabytes: maxBytes / 1_048_576 },
  });

/**
 * An agent's reply, queued on the route the agent chose (by default the case's channel) with the
 * channel's rules: on WhatsApp, outside the 24-hour window only an approved template may go out, so free
 * text is refused up front (409) with the templates to choose from; on Messenger a person may answer
 * up to 7 days after the customer's last message (tagged HUMAN_AGENT after 24 h), never later.
 */
export async function queueAgentReply(
  deps: CaseDeps,
  tx: Tx,
  kase: CaseRow,
  request: AddMessageRequest,
  attachments: DecodedAttachment[],
  actor: Actor,
  now: Date,
): Promise<string> {
  const route = await replyRouteOf(tx, kase, request.replyVia);
  assertChannelCarries(route.channel, attachments);
  let body = request.body;
  let template: { name: string; language: string; parameters: string[] } | undefined;
  if (route.channel === 'whatsapp') {
    const { settings } = await deps.settings.current(tx);
    if (request.template) {
      const chosen = settings.whatsappTemplates.find((t) => t.name === request.template?.name);
      if (!chosen) {
        throw new AppError('channel.unknown_template', {
          status: 422,
          field: 'template.name',
          detail: 'No approved template by that name',
        });
      }
      // A template is the whole message Meta accepts outside the window: files cannot go with it.
      if (attachments.length > 0) {
        throw new AppError('attachment.with_template', {
          status: 422,
          field: 'attachments',
          detail: 'An approved template goes without files',
        });
      }
      const filled = fillWhatsappTemplate(
        chosen,
        templateValues(settings, await templateSubjectOf(tx, kase.id), null),
      );
      template = filled.template;
      body = filled.body;
    } else if (!(await windowOpen(tx, kase.customerId, 'whatsapp', now))) {
      throw new AppError('channel.window_closed', {
        status: 409,
        field: 'body',
        detail:
          'The customer last wrote on WhatsApp more than 24 hours ago: only an approved template can go out',
        extra: {
          channel: 'whatsapp',
          templates: settings.whatsappTemplates.map((t) => ({ name: t.name, preview: t.preview })),
        },
      });
    }
  }
  let messagingTag: 'HUMAN_AGENT' | undefined;
  if (route.channel === 'facebook') {
    const last = await lastCustomerMessageAt(tx, kase.customerId, 'facebook');
    const age = last ? now.getTime() - last.getTime() : Number.POSITIVE_INFINITY;
    if (age > HUMAN_AGENT_WINDOW_MS) {
      const others = await tx
        .select()
        .from(contactPoints)
        .where(eq(contactPoints.customerId, kase.customerId));
      throw new AppError('channel.window_closed', {
        status: 409,
        field: 'body',
        detail:
          'The customer last wrote on Messenger more than 7 days ago: Meta allows no reply there any more. Reach them through another contact point.',
        extra: {
          channel: 'facebook',
          otherContactPoints: others
            .filter((p) => p.kind !== 'messenger')
            .map((p) => ({ kind: p.kind, address: p.address })),
        },
      });
    }
    if (age > CUSTOMER_SERVICE_WINDOW_MS) messagingTag = 'HUMAN_AGENT';
  }
  return queueOutbound(
    deps,
    tx,
    {
      caseId: kase.id,
      channel: route.channel,
      body,
      automatic: false,
      authorAgentId: actor.agentId,
      template,
      messagingTag,
      ...(route.to ? { to: route.to } : {}),
      at: now,
    },
    attachments,
  );
}
