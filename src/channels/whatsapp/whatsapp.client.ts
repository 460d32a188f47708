import { z } from 'zod';
import { AppError } from '../../http/errors.ts';
import type { SendResult } from '../adapter.ts';
import { downloadAllowedMedia } from '../media-download.ts';
import type { WhatsAppMediaRule } from './whatsapp.media.ts';

export interface WhatsAppClientOptions {
  /** Graph API root including the version, e.g. `https://graph.facebook.com/v26.0`. */
  baseUrl: string;
  accessToken: string;
  phoneNumberId: string;
  /** Where media may be downloaded from (ATIENDE_MEDIA_HOSTS): the token goes nowhere else. */
  mediaHosts: string[];
  fetch?: typeof fetch;
}

export interface WhatsAppTemplate {
  name: string;
  /** Meta's language code of the approved template, e.g. `es_MX`. */
  language: string;
  /** The body's `{{1}}`, `{{2}}`… in order. */
  parameters: string[];
}

const API_TIMEOUT_MS = 10_000;
// Media bytes can be up to 100 MB (documents), far more than an API answer.
const DOWNLOAD_TIMEOUT_MS = 30_000;

const TOKEN_INVALID = 190;
const WINDOW_CLOSED = 131047;
// Throughput (130429), pair rate (131056), app (4) and account (80007) limits: the same send works later.
const RATE_LIMITED = new Set([4, 80007, 130429, 131056]);

const SendResponse = z.object({ messages: z.tuple([z.object({ id: z.string() })], z.unknown()) });
const ErrorResponse = z.object({
  error: z.object({
    code: z.number().optional(),
    message: z.string().optional(),
    error_data: z.object({ details: z.string().optional() }).optional(),
  }),
});
const MediaUrlResponse = z.object({ url: z.string(), mime_type: z.string().optional() });
const UploadResponse = z.object({ id: z.string().min(1) });

/** A file to send: its bytes go up first (`uploadMedia`), then a media message names the id Meta gave. */
export interface WhatsAppFile {
  filename: string;
  contentType: string;
  content: Buffer;
}

/**
 * The number to send to. Many Mexican WhatsApp ids keep the `1` Mexico dropped in 2019 (`521…`), and
 * sends to that form are reported to fail on test numbers: Meta is given `52` + the 10-digit number.
 */
export function toWhatsAppRecipient(address: string): string {
  const digits = address.replace(/\D/g, '');
  return /^521\d{10}$/.test(digits) ? `52${digits.slice(3)}` : digits;
}

/** A small WhatsApp Cloud API client: text and template sends, and the two-step media download. */
export class WhatsAppClient {
  readonly #options: WhatsAppClientOptions;
  readonly #fetch: typeof fetch;

  constructor(options: WhatsAppClientOptions) {
    this.#options = options;
    this.#fetch = options.fetch ?? fetch;
  }

  /** Free text: Meta only accepts it within 24 h of the customer's last message (else 131047). */
  sendText(to: string, body: string): Promise<SendResult> {
    return this.#send({ to: toWhatsAppRecipient(to), type: 'text', text: { preview_url: false, body } });
  }

  /**
   * An interactive message (within the window, like free text): up to 3 options as reply buttons, more
   * as a list of up to 10 rows behind `button`. Meta caps button titles at 20 characters, row titles at
   * 24 and descriptions at 72, and refuses longer ones: they are cut here.
   */
  sendInteractive(
    to: string,
    body: string,
    choices: { button: string; options: Array<{ id: string; title: string; description?: string }> },
  ): Promise<SendResult> {
    const cut = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
    const interactive =
      choices.options.length <= 3
        ? {
            type: 'button',
            body: { text: cut(body, 1024) },
            action: {
              buttons: choices.options.map((o) => ({
                type: 'reply',
                reply: { id: o.id, title: cut(o.title, 20) },
              })),
            },
          }
        : {
            type: 'list',
            body: { text: cut(body, 4096) },
            action: {
              button: cut(choices.button, 20),
              sections: [
                {
                  rows: choices.options.slice(0, 10).map((o) => ({
                    id: o.id,
                    title: cut(o.title, 24),
                    ...(o.description ? { description: cut(o.description, 72) } : {}),
                  })),
                },
              ],
            },
          };
    return this.#send({ to: toWhatsAppRecipient(to), type: 'interactive', interactive });
  }

  /** An approved template, the only thing Meta accepts outside the customer-service window. */
  sendTemplate(to: string, template: WhatsAppTemplate): Promise<SendResult> {
    const components =
      template.parameters.length > 0
        ? [{ type: 'body', parameters: template.parameters.map((text) => ({ type: 'text', text })) }]
        : undefined;
    return this.#send({
      to: toWhatsAppRecipient(to),
      type: 'template',
      template: {
        name: template.name,
        language: { code: template.language },
        ...(components ? { components } : {}),
      },
    });
  }

  /**
   * Uploads a file to the phone number's media store; the id it answers is what a media message sends.
   * A refusal is a failed send result, so the caller treats it like any other (retry, give up, token).
   */
  async uploadMedia(
    file: WhatsAppFile,
  ): Promise<{ ok: true; id: string } | Extract<SendResult, { ok: false }>> {
    const url = `${this.#options.baseUrl}/${encodeURIComponent(this.#options.phoneNumberId)}/media`;
    const form = new FormData();
    form.append('messaging_product', 'whatsapp');
    form.append('type', file.contentType);
    form.append('file', new Blob([new Uint8Array(file.content)], { type: file.contentType }), file.filename);
    let response: Response;
    let json: unknown;
    try {
      response = await this.#request(url, DOWNLOAD_TIMEOUT_MS, { method: 'POST', body: form });
      json = await response.json().catch(() => undefined);
    } catch (error) {
      return { ok: false, retryable: true, reason: `WhatsApp unreachable: ${(error as Error).message}` };
    }
    const uploaded = UploadResponse.safeParse(json);
    if (response.ok && uploaded.success) return { ok: true, id: uploaded.data.id };
    const result = sendResult(response.ok ? 502 : response.status, json);
    return result.ok
      ? { ok: false, retryable: true, reason: 'WhatsApp answered the upload without an id' }
      : result;
  }

  /** A media message for an uploaded file; pictures, videos and documents may carry a caption. */
  sendMedia(
    to: string,
    media: { type: WhatsAppMediaRule['type']; id: string; filename: string; caption?: string },
  ): Promise<SendResult> {
    const object: Record<string, string> = { id: media.id };
    if (media.caption) object.caption = media.caption;
    if (media.type === 'document') object.filename = media.filename;
    return this.#send({ to: toWhatsAppRecipient(to), type: media.type, [media.type]: object });
  }

  /**
   * Step one of a media download: Meta's short-lived URL (about 5 minutes) for a media id from a
   * webhook. Throws `channel.media_unavailable` when Meta refuses.
   */
  async mediaUrl(mediaId: string): Promise<{ url: string; mimeType?: string }> {
    const response = await this.#request(
      `${this.#options.baseUrl}/${encodeURIComponent(mediaId)}`,
      API_TIMEOUT_MS,
    );
    const json: unknown = await response.json().catch(() => undefined);
    const parsed = MediaUrlResponse.safeParse(json);
    if (!response.ok || !parsed.success) throw mediaError(`media ${mediaId}`, response.status, json);
    return { url: parsed.data.url, ...(parsed.data.mime_type ? { mimeType: parsed.data.mime_type } : {}) };
  }

  /**
   * Step two: the bytes behind a URL from `mediaUrl`, which Meta serves only with the access token — so
   * the URL must be on an allowed media host before the token is sent (`channel.media_refused`).
   */
  async downloadMedia(url: string): Promise<{ bytes: Buffer; contentType: string }> {
    const response = await downloadAllowedMedia(url, {
      allowedHosts: this.#options.mediaHosts,
      headers: { authorization: `Bearer ${this.#options.accessToken}` },
      timeoutMs: DOWNLOAD_TIMEOUT_MS,
    });
    if (response.status < 200 || response.status >= 300) {
      throw mediaError('the media download', response.status, jsonOf(response.bytes));
    }
    return { bytes: response.bytes, contentType: response.contentType };
  }

  #request(
    url: string,
    timeoutMs: number,
    init: { method?: string; headers?: Record<string, string>; body?: string | FormData } = {},
  ): Promise<Response> {
    return this.#fetch(url, {
      ...init,
      headers: { authorization: `Bearer ${this.#options.accessToken}`, ...init.headers },
      signal: AbortSignal.timeout(timeoutMs),
    });
  }

  async #send(message: Record<string, unknown>): Promise<SendResult> {
    const url = `${this.#options.baseUrl}/${encodeURIComponent(this.#options.phoneNumberId)}/messages`;
    let response: Response;
    let json: unknown;
    try {
      response = await this.#request(url, API_TIMEOUT_MS, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ messaging_product: 'whatsapp', recipient_type: 'individual', ...message }),
      });
      json = await response.json().catch(() => undefined);
    } catch (error) {
      return { ok: false, retryable: true, reason: `WhatsApp unreachable: ${(error as Error).message}` };
    }
    return sendResult(response.status, json);
  }
}

function sendResult(status: number, json: unknown): SendResult {
  if (status >= 200 && status < 300) {
    const sent = SendResponse.safeParse(json);
    if (sent.success) return { ok: true, externalId: sent.data.messages[0].id };
    // Accepted without a message id: sending again could deliver it twice, so it is not retried.
    return { ok: false, retryable: false, reason: `WhatsApp answered ${status} without a message id` };
  }
  const error = ErrorResponse.safeParse(json).data?.error;
  const code = error?.code;
  const reason = describe(status, error);
  if (code === TOKEN_INVALID) {
    return {
      ok: false,
      retryable: false,
      channelDown: true,
      code,
      reason: `Access token refused (190): ${reason}`,
    };
  }
  if (code === WINDOW_CLOSED) return { ok: false, retryable: false, needsTemplate: true, code, reason };
  const retryable = status >= 500 || status === 429 || (code !== undefined && RATE_LIMITED.has(code));
  return { ok: false, retryable, ...(code !== undefined ? { code } : {}), reason };
}

function describe(status: number, error: z.infer<typeof ErrorResponse>['error'] | undefined): string {
  const message = error?.message ?? `HTTP ${status}`;
  const details = error?.error_data?.details;
  return details && details !== message ? `${message}: ${details}` : message;
}

function jsonOf(bytes: Buffer): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    return undefined;
  }
}

function mediaError(what: string, status: number, json: unknown): AppError {
  const error = ErrorResponse.safeParse(json).data?.error;
  return new AppError('channel.media_unavailable', {
    status: 502,
    detail: `WhatsApp refused ${what}: ${describe(status, error)}`,
    extra: { httpStatus: status, ...(error?.code !== undefined ? { metaCode: error.code } : {}) },
  });
}
