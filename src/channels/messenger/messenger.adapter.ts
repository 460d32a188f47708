import {
  type ChannelAdapter,
  type ChannelHealth,
  type OutgoingMessage,
  type SendResult,
  sendInParts,
} from '../adapter.ts';
import { downloadAllowedMedia } from '../media-download.ts';
import { verifyMetaSignature } from '../whatsapp/signature.ts';
import { messengerAttachmentType } from './messenger.media.ts';
import { parseMessengerInbound, parseMessengerStatuses } from './messenger.parse.ts';

export interface MessengerSettings {
  baseUrl: string;
  pageAccessToken?: string;
  appSecret?: string;
  verifyToken?: string;
  /** Where attachments may be downloaded from (ATIENDE_MEDIA_HOSTS). */
  mediaHosts: string[];
  fetch?: typeof fetch;
}

// Meta's error codes that mean "try again later" (rate limits) rather than "this will never work".
const RATE_LIMITED = new Set([4, 17, 32, 613, 80006]);
const WINDOW_CLOSED = 1545041;
const TOKEN_INVALID = 190;

/** Options as quick replies: Meta takes up to 13, titles up to 20 characters; the payload comes back. */
function quickReplies(message: OutgoingMessage) {
  const options = message.choices?.options ?? [];
  if (options.length === 0) return {};
  return {
    quick_replies: options.slice(0, 13).map((o) => ({
      content_type: 'text',
      title: o.title.length > 20 ? `${o.title.slice(0, 19)}…` : o.title,
      payload: o.id,
    })),
  };
}

/**
 * Facebook Messenger through the page's Send API. Replies inside the 24-hour window go as RESPONSE;
 * a human agent's reply after it, within 7 days, carries the HUMAN_AGENT tag (decided by the caller,
 * who knows the window); Meta's refusals are mapped to retry, give up, or channel down.
 */
export function createMessengerAdapter(settings: MessengerSettings) {
  const doFetch = settings.fetch ?? fetch;
  let downReason: string | undefined;
  const missing = [
    ...(settings.pageAccessToken ? [] : ['MESSENGER_PAGE_ACCESS_TOKEN']),
    ...(settings.appSecret ? [] : ['MESSENGER_APP_SECRET']),
    ...(settings.verifyToken ? [] : ['MESSENGER_VERIFY_TOKEN']),
  ];
  const enabled = missing.length === 0;

  const sendUrl = () =>
    `${settings.baseUrl}/me/messages?access_token=${encodeURIComponent(settings.pageAccessToken ?? '')}`;

  /** One Send API call: JSON for text, multipart when a file is uploaded with it (`filedata`). */
  async function post(body: string | FormData): Promise<SendResult> {
    let response: Response;
    try {
      response = await doFetch(sendUrl(), {
        method: 'POST',
        ...(typeof body === 'string' ? { headers: { 'content-type': 'application/json' } } : {}),
        body,
        signal: AbortSignal.timeout(typeof body === 'string' ? 10_000 : 30_000),
      });
    } catch (error) {
      return { ok: false, retryable: true, reason: `Messenger unreachable: ${(error as Error).message}` };
    }
    const json = (await response.json().catch(() => ({}))) as {
      message_id?: string;
      error?: { code?: number; message?: string; error_subcode?: number };
    };
    if (response.ok && json.message_id) {
      // A send that goes through shows the token works again.
      downReason = undefined;
      return { ok: true, externalId: json.message_id };
    }
    const code = json.error?.code;
    const reason = json.error?.message ?? `HTTP ${response.status}`;
    if (code === TOKEN_INVALID) {
      downReason = `Page access token refused (190): ${reason}`;
      return { ok: false, retryable: false, channelDown: true, code, reason: downReason };
    }
    if (code === WINDOW_CLOSED) return { ok: false, retryable: false, needsTemplate: true, code, reason };
    if (response.status >= 500 || (code !== undefined && RATE_LIMITED.has(code)))
      return { ok: false, retryable: true, code, reason };
    return { ok: false, retryable: false, code, reason };
  }

  /**
   * The text, then each file as an attachment uploaded with its own message (Messenger carries no text
   * and attachment together). The first message's id stands for the reply; a part refused after the
   * first went out is not retried, which would repeat what the customer already has.
   */
  async function send(message: OutgoingMessage): Promise<SendResult> {
    const envelope = {
      recipient: { id: message.to.conversationKey ?? message.to.address },
      ...(message.messagingTag
        ? { messaging_type: 'MESSAGE_TAG', tag: message.messagingTag }
        : { messaging_type: 'RESPONSE' }),
    };
    const parts: Array<() => Promise<SendResult>> = [
      () => post(JSON.stringify({ ...envelope, message: { text: message.text, ...quickReplies(message) } })),
      ...(message.files ?? []).map((file) => () => {
        const form = new FormData();
        for (const [key, value] of Object.entries(envelope))
          form.append(key, typeof value === 'string' ? value : JSON.stringify(value));
        const type = messengerAttachmentType(file.contentType);
        form.append('message', JSON.stringify({ attachment: { type, payload: { is_reusable: false } } }));
        form.append(
          'filedata',
          new Blob([new Uint8Array(file.content)], { type: file.contentType }),
          file.filename,
        );
        return post(form);
      }),
    ];
    return sendInParts(parts, 'Messenger');
  }

  return {
    channel: 'facebook',
    enabled,
    verifyToken: settings.verifyToken,
    parseInbound: parseMessengerInbound,
    parseStatuses: parseMessengerStatuses,
    send,
    verifySignature: (raw: Buffer, header: string | undefined) =>
      verifyMetaSignature(raw, header, settings.appSecret ?? ''),
    // Messenger attachment URLs are plain CDN links, fetched without the token — but they come from the
    // payload, so only from Meta's hosts.
    async fetchMedia(url: string) {
      const response = await downloadAllowedMedia(url, {
        allowedHosts: settings.mediaHosts,
        timeoutMs: 30_000,
      });
      if (response.status < 200 || response.status >= 300)
        throw new Error(`media download failed: HTTP ${response.status}`);
      return { bytes: response.bytes, contentType: response.contentType };
    },
    health(): ChannelHealth {
      if (!enabled) return { status: 'off', detail: `Not configured: set ${missing.join(', ')}` };
      return downReason ? { status: 'error', detail: downReason } : { status: 'ok' };
    },
  } satisfies ChannelAdapter & Record<string, unknown>;
}
