import { lookup as dnsLookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { InvalidInputError } from '@appgov/errors';

// SSRF guard (N3): addresses a tenant's webhook may never reach in production.
const blocked = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, cloud metadata
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const) {
  blocked.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128], // unspecified
  ['::1', 128], // loopback
  ['fc00::', 7], // unique-local
  ['fe80::', 10], // link-local
  ['ff00::', 8], // multicast
  ['64:ff9b::', 96], // NAT64 can map onto private IPv4
] as const) {
  blocked.addSubnet(net, prefix, 'ipv6');
}

/** True when an IP literal is loopback, private, link-local, unique-local or otherwise internal. */
export function isBlockedAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return blocked.check(address, 'ipv4');
  if (family === 6) {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
    if (mapped?.[1]) return blocked.check(mapped[1], 'ipv4');
    return blocked.check(address, 'ipv6');
  }
  return true;
}

/** Options of the target checks. */
export interface TargetPolicy {
  /** TEST-ONLY (`WEBHOOK_ALLOW_PRIVATE_TARGETS`): permits http:// and internal addresses. */
  allowPrivate: boolean;
  lookup?: (host: string) => Promise<{ address: string; family: number }[]>;
}

const defaultLookup = (host: string) => dnsLookup(host, { all: true, verbatim: true });

/**
 * Validates a webhook URL at creation: http(s) only, https unless the test allowance is on, no
 * credentials in the URL, and every address the host resolves to must be public.
 */
export async function validateWebhookUrl(raw: string, policy: TargetPolicy): Promise<URL> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new InvalidInputError(
      'NOTIFICATION_WEBHOOK_URL_INVALID',
      'The webhook URL is not a valid absolute URL.',
    );
  }
  if (url.protocol !== 'https:' && !(policy.allowPrivate && url.protocol === 'http:')) {
    throw new InvalidInputError('NOTIFICATION_WEBHOOK_URL_INSECURE', 'Webhook URLs must use https://.');
  }
  if (url.username || url.password) {
    throw new InvalidInputError(
      'NOTIFICATION_WEBHOOK_URL_INVALID',
      'Webhook URLs may not carry credentials; use the signing secret to authenticate deliveries.',
    );
  }
  if (policy.allowPrivate) return url;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: string[];
  if (isIP(host)) addresses = [host];
  else {
    try {
      addresses = (await (policy.lookup ?? defaultLookup)(host)).map((a) => a.address);
    } catch {
      throw new InvalidInputError(
        'NOTIFICATION_WEBHOOK_URL_UNRESOLVABLE',
        `The host ${host} does not resolve.`,
      );
    }
  }
  if (addresses.length === 0 || addresses.some(isBlockedAddress)) {
    throw new InvalidInputError(
      'NOTIFICATION_WEBHOOK_TARGET_FORBIDDEN',
      'Webhook URLs may not point at loopback, private, link-local or unique-local addresses.',
    );
  }
  return url;
}
