import { BlockList, isIP } from 'node:net';

/**
 * Addresses an outbound webhook must not reach unless the provider allows private networks: loopback,
 * private ranges, link-local (cloud metadata lives at 169.254.169.254), carrier-grade NAT, multicast and
 * reserved blocks, in IPv4 and IPv6.
 */
const NON_PUBLIC = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  NON_PUBLIC.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of [
  // '::/96' also covers '::' and '::1', and the old IPv4-compatible form of every IPv4 address.
  ['::', 96],
  ['64:ff9b::', 96],
  ['64:ff9b:1::', 48],
  // 6to4 and Teredo carry an IPv4 address inside; it could be a private one.
  ['2002::', 16],
  ['2001::', 32],
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const)
  NON_PUBLIC.addSubnet(network, prefix, 'ipv6');

/** Whether an IP address (v4, v6 or v4-mapped v6) is one on the public internet. */
export function isPublicAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, '');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(bare)?.[1];
  if (mapped) return isPublicAddress(mapped);
  const family = isIP(bare);
  if (family === 4) return !NON_PUBLIC.check(bare, 'ipv4');
  if (family === 6) return !NON_PUBLIC.check(bare, 'ipv6');
  return false;
}

export type UrlProblem = 'not_http' | 'has_credentials' | 'private_address';

/**
 * What is wrong with a subscription's URL, if anything: only http(s), no user:password (it would travel
 * in logs and the console), and, unless allowed, no host that is itself a non-public address. A name is
 * checked again when each delivery resolves it, so DNS cannot point it inward later.
 */
export function urlProblem(raw: string, options: { allowPrivateNetworks: boolean }): UrlProblem | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'not_http';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'not_http';
  if (url.username || url.password) return 'has_credentials';
  if (options.allowPrivateNetworks) return undefined;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host)) return isPublicAddress(host) ? undefined : 'private_address';
  if (host === 'localhost' || host.endsWith('.localhost') || !host.includes('.')) return 'private_address';
  return undefined;
}
