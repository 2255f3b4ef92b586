// Where an org's API lives, and the test-only transport override (I3): production talks HTTPS to
// the org's own host with real DNS; tests talk plain HTTP to the simulator, which picks the org
// by the Host header while every hostname resolves to loopback.
import type { LookupAddress, LookupOptions } from 'node:dns';
import { AppError } from '@appgov/errors';
import { Agent } from 'undici';
import { publicOnlyLookup } from './address-guard.js';
import { OktaErrorCode } from './errors.js';

/** Maps an org's domain to its API base URL. */
export interface OktaBaseUrlResolver {
  /** Base URL (origin) of the org's API, e.g. `https://acme.okta.com`. */
  baseUrl(domain: string): string;
  /** Test only: resolve every hostname to this address (needs `allowInsecureForTests`). */
  resolveAllTo?: string;
}

/** Production: `https://{domain}` and real DNS. */
export function productionResolver(): OktaBaseUrlResolver {
  return { baseUrl: (domain) => `https://${domain}` };
}

/** Tests: `http://{domain}:{port}` with every hostname resolved to `address` (default 127.0.0.1). */
export function testResolver(options: { port: number; address?: string }): OktaBaseUrlResolver {
  return {
    baseUrl: (domain) => `http://${domain}:${options.port}`,
    resolveAllTo: options.address ?? '127.0.0.1',
  };
}

/**
 * The resolver a service's environment asks for: production unless both test variables are set
 * (`OKTA_BASE_URL_TEMPLATE` like `http://{domain}:7070` and `OKTA_TEST_RESOLVE_TO_LOOPBACK`), which
 * only tests and the demo do; `allowInsecureForTests` must then be passed to the client factory (I3).
 */
export function resolverFromEnv(env: {
  OKTA_BASE_URL_TEMPLATE?: string | undefined;
  OKTA_TEST_RESOLVE_TO_LOOPBACK: boolean;
}): { resolver: OktaBaseUrlResolver; allowInsecureForTests: boolean } {
  const template = env.OKTA_BASE_URL_TEMPLATE;
  if (env.OKTA_TEST_RESOLVE_TO_LOOPBACK && template) {
    return {
      resolver: { baseUrl: (domain) => template.replace('{domain}', domain), resolveAllTo: '127.0.0.1' },
      allowInsecureForTests: true,
    };
  }
  return { resolver: productionResolver(), allowInsecureForTests: false };
}

const HOSTNAME =
  /^(?=.{4,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/;

/** Lower-cases and checks an org domain: a bare hostname, nothing else (no scheme, port, path). */
export function normaliseOrgDomain(domain: string): string {
  const d = domain.trim().toLowerCase();
  if (!HOSTNAME.test(d)) {
    throw new AppError(
      OktaErrorCode.InvalidDomain,
      'An Okta org domain must be a hostname such as acme.okta.com',
      {
        retryable: false,
      },
    );
  }
  return d;
}

/** Resolves and checks the org's base URL: its host must be the domain; http only in tests. */
export function resolveOrgBaseUrl(
  resolver: OktaBaseUrlResolver,
  domain: string,
  allowInsecureForTests: boolean,
): URL {
  const url = new URL(resolver.baseUrl(domain));
  const insecure = url.protocol !== 'https:';
  if ((insecure && !allowInsecureForTests) || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    throw new AppError(OktaErrorCode.InsecureUrl, `Okta is reached over HTTPS only (got ${url.protocol})`, {
      retryable: false,
      details: { domain },
    });
  }
  if (url.hostname !== domain) {
    // The credential may only ever be sent to its own org's host.
    throw new AppError(OktaErrorCode.InsecureUrl, `The base URL for ${domain} points at another host`, {
      retryable: false,
      details: { domain },
    });
  }
  return new URL(url.origin);
}

/** Options of the shared HTTP agent. */
export interface TransportOptions {
  resolveAllTo?: string | undefined;
  allowInsecureForTests: boolean;
  connectTimeoutMs: number;
}

/** The undici Agent every org's client shares; with `resolveAllTo` (tests only) DNS is bypassed. */
export function createAgent(options: TransportOptions): Agent {
  if (options.resolveAllTo && !options.allowInsecureForTests) {
    throw new AppError(OktaErrorCode.InsecureUrl, 'A DNS override is allowed only in test configuration', {
      retryable: false,
    });
  }
  const address = options.resolveAllTo;
  // Real DNS: only public addresses (finding 8), whatever the org's host is.
  if (!address)
    return new Agent({ connect: { timeout: options.connectTimeoutMs, lookup: publicOnlyLookup() } });
  const family = address.includes(':') ? 6 : 4;
  const lookup = (
    _hostname: string,
    opts: LookupOptions,
    cb: (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void,
  ) => {
    if (opts?.all) cb(null, [{ address, family }]);
    else cb(null, address, family);
  };
  return new Agent({ connect: { timeout: options.connectTimeoutMs, lookup } });
}
