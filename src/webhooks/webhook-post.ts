import { type LookupAddress, lookup } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { isPublicAddress, urlProblem } from './url-safety.ts';

export const WEBHOOK_TIMEOUT_MS = 10_000;

export interface PostOutcome {
  /** The receiver's HTTP status, when it answered at all. */
  statusCode: number | null;
  /** 2xx: delivered. */
  delivered: boolean;
  /** A short code of what went wrong (`http_500`, `timeout`, `ECONNREFUSED`, `private_address`…). */
  error: string | null;
}

/**
 * A lookup that refuses names resolving to non-public addresses: checked when connecting, so a name that
 * was public when the subscription was saved cannot be pointed inward afterwards (DNS rebinding).
 */
export const publicOnlyLookup: LookupFunction = (hostname, options, callback) => {
  lookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, '', 0);
    const list = addresses as unknown as LookupAddress[];
    if (list.length === 0 || list.some((a) => !isPublicAddress(a.address))) {
      return callback(Object.assign(new Error('private_address'), { code: 'private_address' }), '', 0);
    }
    if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, list);
    const first = list[0] as LookupAddress;
    callback(null, first.address, first.family);
  });
};

/**
 * POSTs a signed JSON body, following no redirect (a 3xx is a failure: the integrator fixes its URL) and
 * reading none of the answer but its status, within {@link WEBHOOK_TIMEOUT_MS}.
 */
export function postWebhook(
  url: string,
  body: string,
  headers: Record<string, string>,
  options: { allowPrivateNetworks: boolean },
): Promise<PostOutcome> {
  const problem = urlProblem(url, options);
  if (problem) return Promise.resolve({ statusCode: null, delivered: false, error: problem });
  const target = new URL(url);
  const client = target.protocol === 'https:' ? https : http;
  return new Promise((resolve) => {
    let settled = false;
    const settle = (outcome: PostOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(outcome);
    };
    const request = client.request(
      target,
      {
        method: 'POST',
        headers: { ...headers, 'Content-Length': String(Buffer.byteLength(body)) },
        ...(options.allowPrivateNetworks ? {} : { lookup: publicOnlyLookup }),
      },
      (response) => {
        const statusCode = response.statusCode ?? 0;
        response.resume();
        response.on('error', () => {});
        const delivered = statusCode >= 200 && statusCode < 300;
        settle({ statusCode, delivered, error: delivered ? null : `http_${statusCode}` });
        response.destroy();
      },
    );
    const timer = setTimeout(() => {
      settle({ statusCode: null, delivered: false, error: 'timeout' });
      request.destroy();
    }, WEBHOOK_TIMEOUT_MS);
    request.on('error', (error: NodeJS.ErrnoException) => {
      settle({ statusCode: null, delivered: false, error: (error.code ?? 'network_error').slice(0, 100) });
    });
    request.end(body);
  });
}
