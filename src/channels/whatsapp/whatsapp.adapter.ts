import { AppError } from '../../http/errors.ts';
import type { ChannelAdapter, ChannelHealth, OutgoingMessage, SendResult } from '../adapter.ts';
import { verifyMetaSignature } from './signature.ts';
import { WhatsAppClient } from './whatsapp.client.ts';
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
