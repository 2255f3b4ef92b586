// Finding 5 (SPEC S3): mail carries domains, links and error texts of a tenant's identity
// provider. It leaves over TLS (implicit, or STARTTLS required) unless the relay is on loopback
// (the local catcher, a sidecar) or plaintext is explicitly allowed.
import { isIP } from 'node:net';

export interface SmtpTransportPolicy {
  SMTP_HOST: string;
  SMTP_SECURE: boolean;
  SMTP_REQUIRE_TLS: boolean;
  SMTP_ALLOW_PLAINTEXT: boolean;
}

function isLoopback(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  if (h === 'localhost' || h === '::1') return true;
  return isIP(h) === 4 && h.startsWith('127.');
}

/** Throws (the service refuses to start) when mail would leave in plaintext without leave to. */
export function assertSmtpTransportSecure(config: SmtpTransportPolicy): void {
  if (config.SMTP_SECURE || config.SMTP_REQUIRE_TLS || config.SMTP_ALLOW_PLAINTEXT) return;
  if (isLoopback(config.SMTP_HOST)) return;
  throw new Error(
    `SMTP to ${config.SMTP_HOST} without TLS: set SMTP_SECURE=true (port 465) or SMTP_REQUIRE_TLS=true (STARTTLS), or SMTP_ALLOW_PLAINTEXT=true to accept plaintext`,
  );
}
