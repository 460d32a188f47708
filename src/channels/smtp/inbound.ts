import { and, eq } from 'drizzle-orm';
import type { CaseDeps } from '../../cases/cases.service.ts';
import type { AppContext } from '../../context.ts';
import { messages } from '../../db/schema.ts';
import { appendEvent } from '../../events/events.service.ts';
import { AppError } from '../../http/errors.ts';
import { toIncomingMessage } from '../email/email.incoming.ts';
import { parseEmail } from '../email/email.parse.ts';
import { verifyEmailTrust } from '../email/email.trust.ts';
import { type Received, receiveMessages } from '../intake.service.ts';

export type EmailTrust = Awaited<ReturnType<typeof verifyEmailTrust>>;

export interface SmtpEnvelope {
  /** The connecting server's address and greeting, for SPF. */
  remoteAddress: string;
  helo: string;
  mailFrom?: string;
}

export type EmailOutcome =
  | { kind: 'received'; received: Received }
  | { kind: 'bounce'; originalMessageId?: string; marked: boolean }
  | { kind: 'ignored'; reason: string };

/**
 * Marks the outbound message a delivery-status notification refers to as failed, on its case. Returns
 * whether one was found (a bounce for a message we never sent is ignored).
 */
async function markBounced(
  deps: Pick<AppContext, 'db' | 'clock'>,
  originalMessageId: string,
  reason: string,
): Promise<boolean> {
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    const [sent] = await tx
      .update(messages)
      .set({ deliveryStatus: 'fallido', deliveryError: reason })
      .where(
        and(
          eq(messages.channel, 'email'),
          eq(messages.kind, 'saliente'),
          eq(messages.externalId, originalMessageId),
        ),
      )
      .returning({ id: messages.id, caseId: messages.caseId });
    if (!sent) return false;
    // The diagnostic text quotes the recipient's address: it stays on the message, out of the audit trail.
    await appendEvent(
      tx,
      {
        kind: 'delivery_failed',
        actor: { kind: 'sistema' },
        caseId: sent.caseId,
        after: { messageId: sent.id, code: 'bounce' },
      },
      now,
    );
    return true;
  });
}

/**
 * One e-mail, as received by SMTP or taken from a mailbox: auto-replies and bulk mail never open cases
 * (no reply loops), a bounce marks the message it refers to as failed, and everything else goes through
 * the common intake path, marked unverified when SPF/DKIM/DMARC do not vouch for the sender. Throws when
 * storing fails, so the SMTP server answers a temporary error and the sender retries.
 */
export async function receiveEmail(
  deps: CaseDeps,
  raw: Buffer,
  envelope: SmtpEnvelope,
  options: {
    resolver?: (name: string, rrtype: string) => Promise<unknown>;
    mta: string;
    /** For mail taken from a mailbox: the verdict its own server stamped, instead of checking again. */
    trust?: EmailTrust;
  },
): Promise<EmailOutcome> {
  const parsed = await parseEmail(raw);
  if (parsed.autoReason) {
    if (parsed.bounce) {
      // A delay notice (4.x.x) is a warning; only a final failure marks our message failed.
      if (!parsed.bounce.failed) return { kind: 'ignored', reason: 'delivery_delayed' };
      const original = parsed.bounce.originalMessageId;
      const reason = `Rebotado: ${[parsed.bounce.status, parsed.bounce.diagnostic].filter(Boolean).join(' ') || 'entrega fallida'}`;
      const marked = original ? await markBounced(deps, original, reason) : false;
      return { kind: 'bounce', originalMessageId: original, marked };
    }
    return { kind: 'ignored', reason: parsed.autoReason };
  }
  const trust =
    options.trust ??
    (await verifyEmailTrust(raw, {
      ip: envelope.remoteAddress,
      helo: envelope.helo,
      mta: options.mta,
      sender: envelope.mailFrom,
      resolver: options.resolver,
    }));
  const message = {
    ...toIncomingMessage(parsed, trust),
    thread: {
      references: [
        ...new Set([parsed.inReplyTo, ...parsed.references].filter((id): id is string => Boolean(id))),
      ],
      folio: parsed.folioInSubject ?? undefined,
    },
    subject: parsed.subject
      .replace(/^\s*((re|fw|fwd|rv|res)\s*:\s*)+/i, '')
      .replace(/\[Folio [^\]]+\]\s*/i, ''),
    unverified: !trust.verified,
    files: parsed.attachments.map((a) => ({
      filename: a.filename ?? 'adjunto',
      contentType: a.contentType,
      content: a.content,
    })),
  };
  const [received] = await receiveMessages(deps, [message]);
  if (!received) throw new Error('intake returned nothing for an e-mail');
  return { kind: 'received', received };
}

/**
 * Whether a failure to take a message is about the message itself (no sender, an address that cannot be
 * one, a Message-ID already used by another message): retrying will never help, so it is refused for good.
 */
export function isPermanentRejection(error: unknown): boolean {
  if (error instanceof AppError) return error.status < 500;
  const cause = (error as { cause?: { code?: string }; code?: string }).cause ?? (error as { code?: string });
  return cause?.code === '23505';
}
