import { randomUUID } from 'node:crypto';
import nodemailer from 'nodemailer';
import type { ChannelAdapter, ChannelHealth, OutgoingMessage, SendResult } from '../adapter.ts';
import { escapeHtml } from '../templates.ts';

export interface EmailSettings {
  /** smtp(s)://user:pass@host:port for outbound mail; unset, the channel only receives. */
  smtpUrl?: string;
  /** The From address: the provider's e-mail contact point unless configured. */
  from: string;
  providerName: string;
}

/** Our Message-ID for a reply, under the sender's domain so clients and spam filters accept it. */
export const newMessageId = (from: string) => `${randomUUID()}@${from.split('@')[1] ?? 'atiende.local'}`;

/** The subject of every mail about a case: the folio in brackets first, so replies keep it. */
export const caseSubject = (folio: string, subject: string | undefined) =>
  `[Folio ${folio}] ${subject ?? ''}`.trim();

/**
 * E-mail out through nodemailer: folio in the subject, our own Message-ID, In-Reply-To/References to the
 * thread so clients keep the conversation together, `Auto-Submitted: auto-replied` on automatic mail (so
 * the customer's auto-responder stays quiet), a plain-text and an HTML part, and the files.
 */
export function createEmailAdapter(settings: EmailSettings) {
  const transport = settings.smtpUrl ? nodemailer.createTransport(settings.smtpUrl) : undefined;
  let downReason: string | undefined;

  async function send(message: OutgoingMessage): Promise<SendResult> {
    if (!transport)
      return { ok: false, retryable: false, reason: 'SMTP_URL is not set: Atiende cannot send e-mail' };
    const messageId = newMessageId(settings.from);
    const references = message.references ?? [];
    try {
      await transport.sendMail({
        from: { name: settings.providerName, address: settings.from },
        to: message.to.address,
        subject: caseSubject(message.folio, message.subject),
        messageId: `<${messageId}>`,
        ...(references.length > 0
          ? { inReplyTo: `<${references.at(-1)}>`, references: references.map((r) => `<${r}>`).join(' ') }
          : {}),
        headers: message.automatic
          ? { 'Auto-Submitted': 'auto-replied', 'X-Auto-Response-Suppress': 'All' }
          : {},
        text: message.text,
        html: `<div style="font-family: sans-serif; white-space: pre-wrap">${escapeHtml(message.text)}</div>`,
        attachments: (message.files ?? []).map((f) => ({
          filename: f.filename,
          contentType: f.contentType,
          content: f.content,
        })),
      });
      downReason = undefined;
      return { ok: true, externalId: messageId };
    } catch (error) {
      const err = error as Error & { responseCode?: number; code?: string };
      const reason = err.message;
      if (err.responseCode === 535 || err.code === 'EAUTH') {
        downReason = `SMTP authentication refused: ${reason}`;
        return {
          ok: false,
          retryable: false,
          channelDown: true,
          code: err.responseCode ?? err.code,
          reason: downReason,
        };
      }
      // 4xx answers and connection failures are temporary; 5xx answers are final.
      const permanent = typeof err.responseCode === 'number' && err.responseCode >= 500;
      return { ok: false, retryable: !permanent, code: err.responseCode ?? err.code, reason };
    }
  }

  return {
    channel: 'email',
    send,
    health(): ChannelHealth {
      if (downReason) return { status: 'error', detail: downReason };
      return transport ? { status: 'ok' } : { status: 'off', detail: 'Outbound mail off: set SMTP_URL' };
    },
  } satisfies ChannelAdapter;
}
