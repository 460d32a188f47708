import { createHmac } from 'node:crypto';

/**
 * The `X-Atiende-Signature` value: HMAC-SHA256 with the subscription's secret over the timestamp, a dot
 * and the raw body. Signing the timestamp lets a receiver refuse an old delivery replayed later.
 */
export const signatureOf = (secret: string, timestamp: number, rawBody: string) =>
  `sha256=${createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex')}`;
