import { isIP } from 'node:net';

/** The hostname of a Host header (`acme.okta.com:7000` → `acme.okta.com`, `[::1]:80` → `::1`). */
export function hostnameOf(host: string | undefined): string {
  if (!host) return '';
  if (host.startsWith('[')) return host.slice(1, host.indexOf(']'));
  const colon = host.lastIndexOf(':');
  return (colon >= 0 ? host.slice(0, colon) : host).toLowerCase();
}

/** IPs and localhost select the simulator's default org: clients like the SDK only take a base URL. */
export function isAnonymousHost(hostname: string): boolean {
  return hostname === '' || hostname === 'localhost' || isIP(hostname) !== 0;
}
