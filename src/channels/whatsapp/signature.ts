import { createHmac, timingSafeEqual } from 'node:crypto';

const PREFIX = 'sha256=';
const HEX_DIGEST = /^[0-9a-f]{64}$/i;

const hmac = (rawBody: Buffer | string, secret: string) =>
  createHmac('sha256', secret).update(rawBody).digest();

/**
 * The `X-Hub-Signature-256` value Meta (WhatsApp and Messenger alike) puts on a webhook: `sha256=` and the
 * hex HMAC-SHA256 of the body with the app secret.
 */
export function signMetaPayload(rawBody: Buffer | string, secret: string): string {
  return `${PREFIX}${hmac(rawBody, secret).toString('hex')}`;
}

/**
 * True only when `header` is Meta's signature of these exact bytes. Meta signs its own serialisation
 * (non-ASCII escaped as `\u00f1`), so the body must be the raw bytes received: JSON parsed and
 * stringified again no longer matches. Missing or malformed headers, and an empty secret, are false.
 */
export function verifyMetaSignature(rawBody: Buffer, header: string | undefined, appSecret: string): boolean {
  if (!header || !appSecret) return false;
  const value = header.trim();
  if (!value.startsWith(PREFIX)) return false;
  const given = value.slice(PREFIX.length);
  if (!HEX_DIGEST.test(given)) return false;
  const expected = hmac(rawBody, appSecret);
  const received = Buffer.from(given, 'hex');
  return received.length === expected.length && timingSafeEqual(received, expected);
}
