import { createHash } from 'node:crypto';
import {
  type AddressObject,
  type Attachment,
  type Headers,
  type HeaderValue,
  type StructuredHeader,
  simpleParser,
} from 'mailparser';
import { normalizeContactAddress } from '../../customers/contact-points.ts';
import { AppError } from '../../http/errors.ts';
import { cleanText } from '../../text/clean-text.ts';
import { htmlToText } from './html-text.ts';
import { trimQuotedReply } from './reply-trim.ts';

export interface EmailAttachment {
  filename?: string;
  contentType: string;
  content: Buffer;
  /** Shown in the body (an image pasted into the message) rather than attached beside it. */
  inline: boolean;
  /** The `Content-ID` without angle brackets, which the HTML body refers to as `cid:…`. */
  contentId?: string;
}

/** Why a message was written by a machine: such messages never open a case nor get an answer. */
export type AutoReason =
  | 'auto_submitted'
  | 'precedence'
  | 'x_autoreply'
  | 'delivery_report'
  | 'mailer_daemon'
  | 'out_of_office';

/** What a non-delivery report says about one of our messages. */
export interface BounceDetails {
  /** The Message-ID (without `<>`) of the message that could not be delivered. */
  originalMessageId?: string;
  recipient?: string;
  /** The enhanced status code, e.g. `5.1.1`. */
  status?: string;
  /** The remote server's own words, e.g. `550 5.1.1 … User unknown`. */
  diagnostic?: string;
  /** The DSN `Action`: `failed`, or `delayed` for a warning that delivery is still being tried. */
  action?: string;
  /** Delivery has been given up: not a `delayed` warning nor a 4.x.x (transient) status. */
  failed: boolean;
}

export interface EmailAddressee {
  /** Lower-case, as contact points are stored. */
  address: string;
  name?: string;
}

export interface ParsedEmail {
  /** Without `<>`; a message that carries none gets `sha256-<hex of the raw bytes>@atiende.invalid`. */
  messageId: string;
  from: EmailAddressee;
  to: EmailAddressee[];
  subject: string;
  /** The `Date` header, or null when it is missing or unreadable. */
  date: Date | null;
  inReplyTo?: string;
  references: string[];
  /** What the sender wrote in this message: the quoted reply and signature trimmed. May be empty. */
  text: string;
  /** The whole body as text, quotes included (HTML-only mail converted). */
  fullText: string;
  hasHtml: boolean;
  attachments: EmailAttachment[];
  /** A folio as written in the subject (`MON-2026-000042-6`), unchecked. */
  folioInSubject?: string;
  autoReason: AutoReason | null;
  /** Set for non-delivery reports (DSNs and mailer-daemon messages). */
  bounce?: BounceDetails;
}

const FOLIO = /\b[A-Z]{2,6}-\d{4}-\d{6,12}-\d\b/;
const DELIVERY_STATUS_TYPES = new Set(['message/delivery-status', 'message/global-delivery-status']);
const ORIGINAL_MESSAGE_TYPES = new Set([
  'message/rfc822',
  'text/rfc822-headers',
  'message/global',
  'message/global-headers',
]);
const DAEMON_LOCAL_PARTS = new Set(['mailer-daemon', 'postmaster']);
// Only at the start of the subject, where clients put them, and with the colon (or as the whole
// subject), so a customer's "Fuera de la oficina no tengo señal" still opens a case.
const OUT_OF_OFFICE_SUBJECT =
  /^\s*(?:(?:respuesta autom[aá]tica|automatic reply|auto(?:matic)?[- ]?reply|autorespuesta|out of (?:the )?office|fuera de (?:la )?oficina)\s*:|(?:out of (?:the )?office|fuera de (?:la )?oficina)\s*$)/i;

function headerValues(headers: Headers, name: string): string[] {
  const value = headers.get(name);
  const values = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return values.flatMap((v) => (typeof v === 'string' ? [v] : []));
}

const isStructured = (header: HeaderValue | undefined): header is StructuredHeader =>
  typeof header === 'object' &&
  !Array.isArray(header) &&
  !(header instanceof Date) &&
  typeof (header as StructuredHeader).value === 'string' &&
  typeof (header as StructuredHeader).params === 'object';

function contentType(headers: Headers): StructuredHeader {
  const header = headers.get('content-type');
  return isStructured(header)
    ? { value: header.value.toLowerCase(), params: header.params }
    : { value: 'text/plain', params: {} };
}

function detectAutoReason(headers: Headers, fromAddress: string, subject: string): AutoReason | null {
  if (contentType(headers).value === 'multipart/report') return 'delivery_report';
  if (DAEMON_LOCAL_PARTS.has(fromAddress.split('@')[0] ?? '')) return 'mailer_daemon';
  // RFC 3834: anything but `no` means a program wrote it.
  if (headerValues(headers, 'auto-submitted').some((v) => !/^\s*no\s*(?:;|$)/i.test(v))) {
    return 'auto_submitted';
  }
  if (headerValues(headers, 'x-autoreply').length > 0 || headerValues(headers, 'x-autorespond').length > 0) {
    return 'x_autoreply';
  }
  // Exchange stamps its out-of-office replies (and other automatic mail) asking that nobody answer them.
  if (headerValues(headers, 'x-auto-response-suppress').some((v) => /\b(?:all|oof)\b/i.test(v))) {
    return 'x_autoreply';
  }
  if (headerValues(headers, 'precedence').some((v) => /^\s*(?:bulk|junk|list)\b/i.test(v))) {
    return 'precedence';
  }
  if (OUT_OF_OFFICE_SUBJECT.test(subject)) return 'out_of_office';
  return null;
}

/** `<a@b> <c@d>` (or ids without brackets) → `['a@b', 'c@d']`. */
function messageIds(dirty: string): string[] {
  const value = cleanText(dirty);
  const bracketed = [...value.matchAll(/<([^<>\s]+)>/g)].map((m) => m[1] as string);
  return bracketed.length > 0 ? bracketed : value.split(/\s+/).filter((id) => id.includes('@'));
}

/** Header fields of a MIME header block, folded lines joined, names lower-cased. */
function headerFields(block: string): Array<{ name: string; value: string }> {
  const fields: Array<{ name: string; value: string }> = [];
  for (const line of block.split(/\r?\n/)) {
    const last = fields.at(-1);
    if (/^[ \t]/.test(line) && last) last.value += ` ${line.trim()}`;
    else {
      const match = /^([^:\s]+)\s*:\s*(.*)$/.exec(line);
      if (match)
        fields.push({ name: (match[1] as string).toLowerCase(), value: (match[2] as string).trim() });
    }
  }
  return fields;
}

const fieldValue = (fields: Array<{ name: string; value: string }>, name: string) =>
  fields.find((f) => f.name === name)?.value;

/** `rfc822; ana@example.com` → `ana@example.com`: DSN fields name their address or code type first. */
const withoutTypePrefix = (value: string | undefined) =>
  value?.replace(/^[\w-]+\s*;\s*/, '').trim() || undefined;

function parseBounce(attachments: Attachment[], headers: Headers, fullText: string): BounceDetails {
  const report = attachments.find((a) => DELIVERY_STATUS_TYPES.has(a.contentType.toLowerCase()));
  // The per-message block comes first, then one block per recipient; the failed one is the news.
  const recipients = (report?.content.toString('utf8') ?? '')
    .split(/\r?\n[ \t]*\r?\n/)
    .slice(1)
    .map(headerFields)
    .filter((fields) => fields.length > 0);
  const recipient =
    recipients.find((f) => fieldValue(f, 'action')?.toLowerCase() === 'failed') ?? recipients[0] ?? [];

  const original = attachments.find((a) => ORIGINAL_MESSAGE_TYPES.has(a.contentType.toLowerCase()));
  const originalHeaders = original
    ? headerFields(original.content.toString('utf8').split(/\r?\n\r?\n/)[0] ?? '')
    : [];
  // Bounces that are not DSNs (qmail, old Exim) quote the original headers in their text instead.
  const originalMessageId =
    messageIds(fieldValue(originalHeaders, 'message-id') ?? '')[0] ??
    messageIds(/^\s*Message-ID:\s*(<[^>]+>)/im.exec(fullText)?.[1] ?? '')[0];

  const action = fieldValue(recipient, 'action')?.toLowerCase();
  const status = /\b[245]\.\d{1,3}\.\d{1,3}\b/.exec(fieldValue(recipient, 'status') ?? '')?.[0];
  const address =
    withoutTypePrefix(fieldValue(recipient, 'original-recipient')) ??
    withoutTypePrefix(fieldValue(recipient, 'final-recipient')) ??
    headerValues(headers, 'x-failed-recipients')[0]?.split(',')[0]?.trim();
  return {
    originalMessageId,
    recipient: address === undefined ? undefined : cleanText(address.toLowerCase()),
    status,
    diagnostic: withoutTypePrefix(cleanText(fieldValue(recipient, 'diagnostic-code') ?? '')),
    action,
    failed: action ? action === 'failed' : !status?.startsWith('4'),
  };
}

function addressees(field: AddressObject | AddressObject[] | undefined): EmailAddressee[] {
  const objects = Array.isArray(field) ? field : field ? [field] : [];
  return objects
    .flatMap((o) => o.value)
    .flatMap((a) => (a.group ? a.group : [a]))
    .flatMap((a) => {
      const address = a.address?.trim().toLowerCase();
      const name = cleanText(a.name ?? '');
      return address?.includes('@') ? [{ address: cleanText(address), ...(name ? { name } : {}) }] : [];
    });
}

function parseDate(headers: Headers, raw: string | undefined): Date | null {
  // mailparser turns an unreadable Date header into "now"; the raw header tells the two apart.
  if (!raw) return null;
  const date = headers.get('date');
  return date instanceof Date && !Number.isNaN(Date.parse(raw.replace(/\([^)]*\)/g, ''))) ? date : null;
}

/**
 * Reads a raw RFC 5322 message (any charset and transfer encoding mailparser knows) into what the
 * e-mail intake needs: who wrote, the new text separated from the quoted reply, threading ids, the
 * folio in the subject, attachments, and whether a machine wrote it (auto-reply, bounce) — with the
 * failed recipient and our original Message-ID for bounces. Every text it returns is cleaned (no NUL
 * nor lone surrogate, which PostgreSQL would refuse). Throws `email.no_sender` (422) for a message
 * without a From address and `email.unreadable` (422) for one mailparser cannot read.
 */
export async function parseEmail(raw: Buffer): Promise<ParsedEmail> {
  const mail = await simpleParser(raw, {
    keepDeliveryStatus: true,
    keepCidLinks: true,
    skipHtmlToText: true,
    skipTextToHtml: true,
    skipTextLinks: true,
  }).catch((error: unknown) => {
    throw new AppError('email.unreadable', {
      status: 422,
      detail: `The message cannot be parsed: ${(error as Error).message}`,
    });
  });
  const headers = mail.headers;

  const sender = addressees(mail.from)[0];
  if (!sender) {
    throw new AppError('email.no_sender', {
      status: 422,
      field: 'from',
      detail: 'The message has no From address',
    });
  }
  const from = { ...sender, address: normalizeContactAddress('email', sender.address, 'from') };
  const subject = cleanText(mail.subject ?? '');

  const html = typeof mail.html === 'string' && mail.html.trim() !== '' ? mail.html : undefined;
  const plain = mail.text?.trim() ? mail.text : undefined;
  const fullText = cleanText(plain ?? (html ? htmlToText(html) : ''))
    .replace(/\r\n?/g, '\n')
    .trim();

  const autoReason = detectAutoReason(headers, from.address, subject);
  const type = contentType(headers);
  const isDeliveryReport =
    type.value === 'multipart/report' && type.params['report-type']?.toLowerCase() === 'delivery-status';
  const bounce =
    isDeliveryReport || autoReason === 'mailer_daemon'
      ? parseBounce(mail.attachments, headers, fullText)
      : undefined;
  // The report's machine-readable parts were read into `bounce`; they are not files anyone sent.
  const reportParts = isDeliveryReport
    ? new Set([...DELIVERY_STATUS_TYPES, ...ORIGINAL_MESSAGE_TYPES])
    : DELIVERY_STATUS_TYPES;

  const rawDate = mail.headerLines.find((h) => h.key === 'date')?.line.replace(/^date\s*:/i, '');
  const rawMessageId = messageIds(mail.messageId ?? '')[0];
  const inReplyTo = messageIds(mail.inReplyTo ?? '')[0];
  const folio = FOLIO.exec(subject)?.[0];

  return {
    messageId: rawMessageId ?? `sha256-${createHash('sha256').update(raw).digest('hex')}@atiende.invalid`,
    from,
    to: addressees(mail.to),
    subject,
    date: parseDate(headers, rawDate),
    ...(inReplyTo ? { inReplyTo } : {}),
    references: [mail.references ?? []].flat().flatMap(messageIds),
    text: trimQuotedReply(fullText),
    fullText,
    hasHtml: html !== undefined,
    attachments: mail.attachments
      .filter((a) => !reportParts.has(a.contentType.toLowerCase()))
      .map((a) => ({
        ...(a.filename ? { filename: cleanText(a.filename) } : {}),
        contentType: cleanText(a.contentType),
        content: a.content,
        inline: a.contentDisposition === 'inline' || a.related === true,
        ...(a.cid ? { contentId: cleanText(a.cid) } : {}),
      })),
    ...(folio ? { folioInSubject: folio } : {}),
    autoReason,
    ...(bounce ? { bounce } : {}),
  };
}
