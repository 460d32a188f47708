import { AppError } from '../../http/errors.ts';
import {
  type ChannelAdapter,
  type ChannelHealth,
  type OutgoingMessage,
  type SendResult,
  sendInParts,
} from '../adapter.ts';
import { verifyMetaSignature } from './signature.ts';
import { WhatsAppClient } from './whatsapp.client.ts';
import { CAPTIONED, WHATSAPP_MEDIA } from './whatsapp.media.ts';
import { parseWhatsAppInbound, parseWhatsAppStatuses } from './whatsapp.parse.ts';

export interface WhatsAppSettings {
  /** Graph API root including the version (GRAPH_BASE_URL). */
  baseUrl: string;
  accessToken?: string;
  phoneNumberId?: string;
  appSecret?: string;
  verifyToken?: string;
  /** Where media may be downloaded from (ATIENDE_MEDIA_HOSTS). */
  mediaHosts: string[];
  fetch?: typeof fetch;
}

export type WhatsAppAdapter = ChannelAdapter & {
  enabled: boolean;
  verifyToken?: string;
  client?: WhatsAppClient;
  verifySignature(raw: Buffer, header?: string): boolean;
  /** Reports the channel as down (a refused token) until a send succeeds again. */
  markDown(reason: string): void;
};

/**
 * A reply with files: every file is uploaded first (nothing reaches the customer if one upload fails, so
 * the whole send can be retried), then the text and one media message per file, in order. The first
 * message's id stands for the reply. A part refused after the first went out is not retried, since that
 * would repeat what the customer already has: the reply is reported failed with what went out.
 */
async function sendWithFiles(
  client: WhatsAppClient,
  to: string,
  text: string,
  files: NonNullable<OutgoingMessage['files']>,
): Promise<SendResult> {
  const uploaded = [];
  for (const file of files) {
    const rule = WHATSAPP_MEDIA[file.contentType];
    // The reply path refuses these before queueing; a message stored before that check cannot go.
    if (!rule)
      return { ok: false, retryable: false, reason: `WhatsApp cannot carry ${file.contentType} files` };
    const upload = await client.uploadMedia(file);
    if (!upload.ok) return upload;
    uploaded.push({ ...rule, id: upload.id, filename: file.filename });
  }
  // A single captioned file says it all in one message, as people send them on WhatsApp.
  const [only] = uploaded;
  const parts: Array<() => Promise<SendResult>> =
    uploaded.length === 1 && only && CAPTIONED.has(only.type) && text.length <= 1024
      ? [() => client.sendMedia(to, { ...only, caption: text })]
      : [() => client.sendText(to, text), ...uploaded.map((media) => () => client.sendMedia(to, media))];
  return sendInParts(parts, 'WhatsApp');
}

/**
 * WhatsApp through Meta's Cloud API. Sends what it is told (a template when the message names one, else
 * free text): whether the 24-hour window allows free text is the caller's decision. A refused token
 * (190) marks the channel down until a later send succeeds.
 */
export function createWhatsAppAdapter(settings: WhatsAppSettings): WhatsAppAdapter {
  const missing = [
    ...(settings.accessToken ? [] : ['WHATSAPP_ACCESS_TOKEN']),
    ...(settings.phoneNumberId ? [] : ['WHATSAPP_PHONE_NUMBER_ID']),
    ...(settings.appSecret ? [] : ['WHATSAPP_APP_SECRET']),
    ...(settings.verifyToken ? [] : ['WHATSAPP_VERIFY_TOKEN']),
  ];
  const client =
    settings.accessToken && settings.phoneNumberId
      ? new WhatsAppClient({
          baseUrl: settings.baseUrl,
          accessToken: settings.accessToken,
          phoneNumberId: settings.phoneNumberId,
          mediaHosts: settings.mediaHosts,
          ...(settings.fetch ? { fetch: settings.fetch } : {}),
        })
      : undefined;
  const notConfigured = `Not configured: set ${missing.join(', ')}`;
  let downReason: string | undefined;

  async function send(message: OutgoingMessage): Promise<SendResult> {
    if (!client) {
      return { ok: false, retryable: false, reason: notConfigured };
    }
    const result = message.template
      ? await client.sendTemplate(message.to.address, message.template)
      : message.files?.length
        ? await sendWithFiles(client, message.to.address, message.text, message.files)
        : message.choices?.options.length
          ? await client.sendInteractive(message.to.address, message.text, message.choices)
          : await client.sendText(message.to.address, message.text);
    if (result.ok) downReason = undefined;
    else if (result.channelDown) downReason = result.reason;
    return result;
  }

  return {
    channel: 'whatsapp',
    enabled: missing.length === 0,
    verifyToken: settings.verifyToken,
    client,
    parseInbound: parseWhatsAppInbound,
    parseStatuses: parseWhatsAppStatuses,
    send,
    verifySignature: (raw, header) => verifyMetaSignature(raw, header, settings.appSecret ?? ''),
    async fetchMedia(mediaId) {
      if (!client) throw new AppError('channel.off', { status: 503, detail: notConfigured });
      const { url, mimeType } = await client.mediaUrl(mediaId);
      const { bytes, contentType } = await client.downloadMedia(url);
      return { bytes, contentType: mimeType ?? contentType };
    },
    markDown(reason) {
      downReason = reason;
    },
    health(): ChannelHealth {
      if (missing.length > 0) return { status: 'off', detail: notConfigured };
      return downReason ? { status: 'error', detail: downReason } : { status: 'ok' };
    },
  };
}
