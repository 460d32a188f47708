import { and, eq } from 'drizzle-orm';
import { systemActor } from '../../auth/system-rules.ts';
import type { AppContext } from '../../context.ts';
import { messages } from '../../db/schema.ts';
import { appendEvent } from '../../events/events.service.ts';
import { toIncomingMessage } from '../email/email.incoming.ts';
import { parseEmail } from '../email/email.parse.ts';
import { type EmailTrust, verifyEmailTrust } from '../email/email.trust.ts';
import { type IntakeDeps, type Received, receiveMessages } from '../intake.service.ts';

/** Where an e-mail came from, which decides how its sender can be checked. */
export type EmailSource =
  | {
      kind: 'smtp';
      /** The connecting server's address and greeting, for SPF. */
      remoteAddress: string;
      helo: string;
      mailFrom?: string;
    }
  | { kind: 'mailbox' };

/**
 * The verdict the mailbox's own server stamped (the first Authentication-Results header is the one it
 * added): mail read from a mailbox no longer carries the sending server's address, so SPF cannot be
 * checked again here.
 */
export function trustFromAuthenticationResults(raw: Buffer): EmailTrust {
  const head = raw.toString('latin1').split(/\r?\n\r?\n/, 1)[0] ?? '';
  const unfolded = head.replace(/\r?\n[ \t]+/g, ' ');
  const header = /^authentication-results:(.*)$/im.exec(unfolded)?.[1] ?? '';
  const result = (name: string) =>
    new RegExp(`\\b${name}=(\\w+)`, 'i').exec(header)?.[1]?.toLowerCase() ?? 'none';
  const dmarc = result('dmarc');
  return {
    verified: dmarc === 'pass',
    spf: result('spf'),
    dkim: result('dkim'),
    dmarc,
    reason: header
      ? `Authentication-Results: ${header.trim().slice(0, 200)}`
      : 'no Authentication-Results header',
  };
}

/**
 * How far an e-mail's sender can be trusted: SPF/DKIM/DMARC for mail taken by SMTP, the mailbox server's
 * verdict for mail taken from a mailbox, and nothing at all when the source is unknown (a message
 * replayed from quarantine), so such a message is never linked to an account by its From line.
 */
export function emailTrust(raw: Buffer, source: EmailSource | undefined): Promise<EmailTrust> {
  if (source?.kind === 'smtp') {
    return verifyEmailTrust(raw, {
      ip: source.remoteAddress,
      helo: source.helo,
      mta: 'atiende',
      ...(source.mailFrom ? { sender: source.mailFrom } : {}),
    });
  }
  if (source?.kind === 'mailbox') return Promise.resolve(trustFromAuthenticationResults(raw));
  return Promise.resolve({
    verified: false,
    spf: 'none',
    dkim: 'none',
    dmarc: 'none',
    reason: 'source unknown: not checked',
  });
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
        actor: systemActor('reporte_de_entrega'),
        caseId: sent.caseId,
        after: { messageId: sent.id, code: 'bounce' },
      },
      now,
    );
    return true;
  });
}

/**
 * One e-mail, stored raw by the SMTP server or the mailbox poller: auto-replies and bulk mail never
 * open cases (no reply loops), a bounce marks the message it refers to as failed, and everything else
 * goes through the common intake path, marked unverified when `trust` (asked only for such mail, since
 * it may need DNS) does not vouch for the sender.
 */
export async function receiveEmail(
  deps: IntakeDeps,
  raw: Buffer,
  trustOf: () => Promise<EmailTrust>,
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
  const trust = await trustOf();
  const message = {
    ...toIncomingMessage(parsed, trust, deps.clock.now()),
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
