import type { IncomingMessage } from '../adapter.ts';
import type { ParsedEmail } from './email.parse.ts';
import type { EmailTrust } from './email.trust.ts';

/**
 * The intake's view of a parsed e-mail. The sender is the From address whether or not it was verified;
 * `metadata.verified` tells the intake whether it may link the message to the account holding that
 * address. A message without a usable Date header is dated `receivedAt`. Attachments are not carried
 * here: the intake stores `parsed.attachments` itself.
 */
export function toIncomingMessage(
  parsed: ParsedEmail,
  trust: Pick<EmailTrust, 'verified'> & Partial<EmailTrust>,
  receivedAt: Date,
): IncomingMessage {
  return {
    channel: 'email',
    externalId: parsed.messageId,
    sender: {
      kind: 'email',
      address: parsed.from.address,
      ...(parsed.from.name ? { name: parsed.from.name } : {}),
    },
    sentAt: parsed.date ?? receivedAt,
    // A message that is all quote (a bare forward, a reply typed below the quote) keeps its full text;
    // one with no body at all (a photo with a subject) shows the subject.
    text: parsed.text || parsed.fullText || parsed.subject,
    contentType: 'text',
    ...(parsed.inReplyTo ? { inReplyTo: parsed.inReplyTo } : {}),
    metadata: {
      subject: parsed.subject,
      inReplyTo: parsed.inReplyTo ?? null,
      references: parsed.references,
      folioInSubject: parsed.folioInSubject ?? null,
      verified: trust.verified,
      spf: trust.spf ?? null,
      dkim: trust.dkim ?? null,
      dmarc: trust.dmarc ?? null,
      hasInlineImages: parsed.attachments.some((a) => a.inline && a.contentType.startsWith('image/')),
    },
  };
}
