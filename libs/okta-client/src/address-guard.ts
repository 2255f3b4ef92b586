// Finding 8 (SPEC S3): with custom domains allowed, a tenant names the host Appgov connects to. A
// host that resolves to a private, loopback, link-local, CGNAT or otherwise non-public address is
// refused before any connection, and refused exactly as a name that does not resolve, so the error
// tells nothing about what (if anything) answers inside the network.
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { BlockList, isIP } from 'node:net';

const blocked = new BlockList();
for (const [net, prefix] of [
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
] as const) {
  blocked.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96],
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  blocked.addSubnet(net, prefix, 'ipv6');
}

/** True when `address` is a public unicast address Appgov may connect to. */
export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  if (family === 6 && address.toLowerCase().startsWith('::ffff:')) {
    // An IPv4-mapped address is judged as the IPv4 address it carries.
    const v4 = address.slice(7);
    if (isIP(v4) === 4) return !blocked.check(v4, 'ipv4');
  }
  return !blocked.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

type LookupCallback = (
  err: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/** The error a name that does not resolve gives; a refused address gives the same. */
function notFound(hostname: string): NodeJS.ErrnoException {
  const err: NodeJS.ErrnoException = new Error(`getaddrinfo ENOTFOUND ${hostname}`);
  err.code = 'ENOTFOUND';
  err.syscall = 'getaddrinfo';
  return err;
}

/** A `lookup` for undici's connector that answers only with public addresses. */
export function publicOnlyLookup(resolve: typeof dnsLookup = dnsLookup) {
  return (hostname: string, options: LookupOptions, cb: LookupCallback): void => {
    resolve(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return cb(err, []);
      const list = (addresses as LookupAddress[]).filter((a) => isPublicAddress(a.address));
      // Any non-public answer refuses the name: a host that mixes both is not a plain Okta org.
      if (list.length === 0 || list.length !== (addresses as LookupAddress[]).length) {
        return cb(notFound(hostname), []);
      }
      if (options?.all) return cb(null, list);
      const first = list[0] as LookupAddress;
      cb(null, first.address, first.family);
    });
  };
}
