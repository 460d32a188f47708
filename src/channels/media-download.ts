import { type LookupAddress, lookup } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { BlockList, isIP } from 'node:net';
import { MAX_ATTACHMENT_BYTES } from '../attachments/attachments.service.ts';
import { AppError } from '../http/errors.ts';

export interface MediaDownloadOptions {
  /** Host names, `*.domain` for any subdomain, or addresses: `ATIENDE_MEDIA_HOSTS`. */
  allowedHosts: string[];
  /** Sent to the URL's own origin only, never along a redirect to another one (the access token). */
  headers?: Record<string, string>;
  timeoutMs: number;
}

export interface MediaResponse {
  status: number;
  contentType: string;
  bytes: Buffer;
}

const MAX_REDIRECTS = 3;

// Loopback, private, link-local (cloud metadata lives at 169.254.169.254), shared, reserved and
// multicast ranges. IPv4-mapped IPv6 addresses are checked against the IPv4 ranges by BlockList itself.
const PRIVATE = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 3],
] as const)
  PRIVATE.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const)
  PRIVATE.addSubnet(network, prefix, 'ipv6');

const refused = (detail: string) => new AppError('channel.media_refused', { status: 422, detail });

// A wildcard names subdomains, never addresses: an address is allowed only when listed as itself.
const hostAllowed = (host: string, allowed: string[]) =>
  allowed.some((entry) =>
    entry.startsWith('*.') ? isIP(host) === 0 && host.endsWith(entry.slice(1)) : host === entry,
  );

/**
 * Downloads media from a URL a transport gave (Meta's media step, a Messenger payload), which is not to
 * be trusted blindly: only from the allowed hosts, over HTTPS unless the host is listed by name, and
 * never from a private or loopback address unless that address itself is listed — checked on the
 * address actually connected to, so a name cannot be re-pointed between the check and the connection.
 * Redirects are followed only onto allowed hosts, and nothing over the attachment size limit is read.
 * Refusals are `channel.media_refused` (422); the transport's own answers come back with their status.
 */
export async function downloadAllowedMedia(
  url: string,
  options: MediaDownloadOptions,
): Promise<MediaResponse> {
  let target = new URL(url);
  const origin = target.origin;
  const signal = AbortSignal.timeout(options.timeoutMs);
  for (let hop = 0; ; hop++) {
    const answer = await get(
      target,
      target.origin === origin ? (options.headers ?? {}) : {},
      options,
      signal,
    );
    if (!('location' in answer)) return answer;
    if (hop === MAX_REDIRECTS) throw refused(`More than ${MAX_REDIRECTS} redirects`);
    target = new URL(answer.location, target);
  }
}

function get(
  target: URL,
  headers: Record<string, string>,
  options: MediaDownloadOptions,
  signal: AbortSignal,
): Promise<MediaResponse | { location: string }> {
  const host = target.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const listed = options.allowedHosts.includes(host);
  if (!hostAllowed(host, options.allowedHosts)) throw refused(`${host} is not an allowed media host`);
  if (target.protocol !== 'https:' && !(target.protocol === 'http:' && listed)) {
    throw refused(`${target.protocol} is not allowed for ${host}`);
  }
  return new Promise((resolve, reject) => {
    const client = target.protocol === 'https:' ? https : http;
    const request = client.get(
      target,
      { headers, signal, lookup: publicOnly(options.allowedHosts) },
      (response) => {
        const status = response.statusCode ?? 0;
        const location = response.headers.location;
        if (status >= 300 && status < 400 && location) {
          response.resume();
          return resolve({ location });
        }
        if (Number(response.headers['content-length']) > MAX_ATTACHMENT_BYTES) {
          response.destroy();
          return reject(refused(`The media is larger than ${MAX_ATTACHMENT_BYTES} bytes`));
        }
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_ATTACHMENT_BYTES)
            response.destroy(refused(`The media is larger than ${MAX_ATTACHMENT_BYTES} bytes`));
          else chunks.push(chunk);
        });
        response.on('error', reject);
        response.on('end', () =>
          resolve({
            status,
            contentType: response.headers['content-type'] ?? 'application/octet-stream',
            bytes: Buffer.concat(chunks),
          }),
        );
      },
    );
    request.on('error', reject);
  });
}

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/** dns.lookup for the connection itself, refusing private addresses the allow-list does not name. */
function publicOnly(allowed: string[]) {
  return (hostname: string, options: { all?: boolean }, callback: LookupCallback) => {
    lookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, []);
      const hidden = addresses.find(
        (a) => PRIVATE.check(a.address, a.family === 6 ? 'ipv6' : 'ipv4') && !allowed.includes(a.address),
      );
      if (hidden) return callback(refused(`${hostname} resolves to a private address`), []);
      const [first] = addresses;
      if (options.all || !first) return callback(null, addresses);
      callback(null, first.address, first.family);
    });
  };
}
