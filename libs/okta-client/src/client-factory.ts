// The entry point services use: one factory per process, one breaker and pacer per org shared by
// every client of that org, one HTTP agent for all of them.
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Registry } from 'prom-client';
import { createAgent, normaliseOrgDomain, type OktaBaseUrlResolver, resolveOrgBaseUrl } from './base-url.js';
import { type BreakerOptions, DEFAULT_BREAKER, OrgBreaker } from './breaker.js';
import { type BudgetStore, MemoryBudgetStore } from './budget.js';
import type { CeilingMode } from './ceiling.js';
import { assertCredentialFormat } from './credential-format.js';
import type { OktaLogger } from './logger.js';
import { createOktaMetrics, recordBreakerTransition } from './metrics.js';
import { parseServiceAppKey } from './oauth-key.js';
import { OAuthTokenProvider, OKTA_READ_SCOPES } from './oauth-token-provider.js';
import {
  DEFAULT_PAGE_SIZES,
  type HttpTimeouts,
  type OAuthServiceAppCredential,
  OktaClient,
  type OktaCredential,
  type PageSizes,
} from './okta-client.js';
import { OrgRegistry, type OrgRegistryOptions } from './org-registry.js';
import { DEFAULT_PACER, OrgPacer, type PacerOptions, Semaphore } from './pacer.js';
import { RedisBudgetStore } from './redis-budget-store.js';
import { DEFAULT_RETRY, type RetryOptions } from './retry.js';

/** Options of {@link createOktaClientFactory}. */
export interface OktaClientFactoryOptions {
  /** Where each org's API lives (`productionResolver()` or, in tests, `testResolver({port})`). */
  resolver: OktaBaseUrlResolver;
  /** Shares rate-limit budgets across replicas; without it budgets are per process. */
  redis?: Redis;
  /** Per-deployment prefix of the Redis budget keys (default `appgov`). */
  redisKeyPrefix?: string;
  /** Registry for the appgov_okta_* metrics (default: prom-client's global registry). */
  registry?: Registry;
  /** Largest share of each rate-limit bucket to use (default 0.5). */
  share?: number;
  /** Requests in flight per org in this process (default 10). */
  maxInFlight?: number;
  /** Requests in flight in this process, all orgs together (default: unbounded); bounds pages in memory. */
  maxInFlightTotal?: number;
  /** How X-Rate-Limit-Limit is read (ceiling.ts; default auto: per-token unless a published org-wide value). */
  ceiling?: CeilingMode;
  /** Finer pacer tuning. */
  pacer?: Partial<Omit<PacerOptions, 'share' | 'maxInFlight'>>;
  retry?: Partial<RetryOptions>;
  breaker?: Partial<BreakerOptions>;
  pageSizes?: Partial<PageSizes>;
  timeouts?: Partial<HttpTimeouts> & { connectTimeoutMs?: number };
  logger?: OktaLogger;
  /** Allows http:// base URLs and the resolver's DNS override (tests and the simulator only, I3). */
  allowInsecureForTests?: boolean;
  /** Bounds the per-org state kept (default 1000 orgs, idle ones dropped after 10 min). */
  orgRegistry?: Partial<OrgRegistryOptions>;
}

/** Creates clients per org; reuses one breaker and pacer per org. */
export interface OktaClientFactory {
  /**
   * A client of `domain` using `credential`; the org's breaker and budget are shared. `share`, a
   * connection's own lower share of each org-wide bucket, applies to this client's calls.
   */
  forOrg(domain: string, credential: OktaCredential, options?: { share?: number }): OktaClient;
  /** The org's breaker state (`closed` for an org never called). */
  breakerState(domain: string): 'closed' | 'open' | 'half_open';
  /** Stops breaker timers and closes idle connections (does not quit the given Redis). */
  close(): Promise<void>;
}

interface OrgShared {
  baseUrl: URL;
  pacer: OrgPacer;
  breaker: OrgBreaker;
  lastUsedAt(): number;
  evictable(): boolean;
  dispose(): void;
}

/** Token providers kept per process; a connection's clients (one per sync) share its cached token. */
const MAX_TOKEN_PROVIDERS = 1000;

// Keyed by a hash, so the map holds no key material in its keys; a new key or scope set is a new entry.
function providerKey(domain: string, c: OAuthServiceAppCredential): string {
  const key = typeof c.privateKey === 'string' ? c.privateKey : JSON.stringify(c.privateKey);
  return createHash('sha256')
    .update(JSON.stringify([domain, c.clientId, c.keyId ?? '', [...(c.scopes ?? [])], key]))
    .digest('hex');
}

/** Builds the Okta client factory a service keeps for its lifetime. */
export function createOktaClientFactory(options: OktaClientFactoryOptions): OktaClientFactory {
  const allowInsecure = options.allowInsecureForTests === true;
  const dispatcher = createAgent({
    resolveAllTo: options.resolver.resolveAllTo,
    allowInsecureForTests: allowInsecure,
    connectTimeoutMs: options.timeouts?.connectTimeoutMs ?? 10_000,
  });
  const metrics = createOktaMetrics(options.registry);
  const store: BudgetStore = options.redis
    ? new RedisBudgetStore(options.redis, { keyPrefix: options.redisKeyPrefix ?? 'appgov' })
    : new MemoryBudgetStore();
  const pacerOptions: PacerOptions = {
    ...DEFAULT_PACER,
    ...options.pacer,
    share: options.share ?? DEFAULT_PACER.share,
    ceiling: options.ceiling ?? options.pacer?.ceiling ?? DEFAULT_PACER.ceiling,
    maxInFlight: options.maxInFlight ?? DEFAULT_PACER.maxInFlight,
  };
  if (!(pacerOptions.share > 0 && pacerOptions.share <= 1)) throw new RangeError('share must be in (0, 1]');
  const retry: RetryOptions = { ...DEFAULT_RETRY, ...options.retry };
  const breakerOptions: BreakerOptions = { ...DEFAULT_BREAKER, ...options.breaker };
  const pageSizes: PageSizes = { ...DEFAULT_PAGE_SIZES, ...options.pageSizes };
  const timeouts: HttpTimeouts = {
    headersTimeoutMs: options.timeouts?.headersTimeoutMs ?? 30_000,
    bodyTimeoutMs: options.timeouts?.bodyTimeoutMs ?? 60_000,
    ...(options.timeouts?.maxResponseBytes ? { maxResponseBytes: options.timeouts.maxResponseBytes } : {}),
  };
  const orgs = new OrgRegistry<OrgShared>(options.orgRegistry);
  const total = options.maxInFlightTotal ? new Semaphore(options.maxInFlightTotal) : undefined;
  const providers = new Map<string, OAuthTokenProvider>();

  const tokenProvider = (domain: string, baseUrl: URL, c: OAuthServiceAppCredential): OAuthTokenProvider => {
    const id = providerKey(domain, c);
    let provider = providers.get(id);
    if (provider) {
      providers.delete(id); // re-inserted below: the map's order is least recently used first
    } else {
      provider = new OAuthTokenProvider({
        domain,
        baseUrl,
        clientId: c.clientId,
        key: parseServiceAppKey(c.privateKey, c.keyId),
        scopes: c.scopes && c.scopes.length > 0 ? c.scopes : OKTA_READ_SCOPES,
        dispatcher,
        timeouts,
        metrics,
        logger: options.logger,
      });
    }
    providers.set(id, provider);
    while (providers.size > MAX_TOKEN_PROVIDERS) providers.delete(providers.keys().next().value as string);
    return provider;
  };

  const shared = (domain: string): OrgShared =>
    orgs.get(domain, () => {
      const baseUrl = resolveOrgBaseUrl(options.resolver, domain, allowInsecure);
      const breaker = new OrgBreaker(domain, breakerOptions, (from, to) => {
        recordBreakerTransition(metrics, from, to);
        options.logger?.warn({ domain, from, to }, 'okta circuit breaker changed state');
      });
      recordBreakerTransition(metrics, undefined, 'closed');
      return {
        baseUrl,
        breaker,
        pacer: new OrgPacer(domain, store, pacerOptions, options.logger, undefined, total),
        lastUsedAt: () => breaker.lastUsedAt,
        evictable: () => breaker.state === 'closed',
        dispose: () => {
          metrics.circuitState.dec({ state: breaker.state });
          breaker.shutdown();
        },
      };
    });

  return {
    forOrg(domain, credential, clientOptions) {
      const d = normaliseOrgDomain(domain);
      assertCredentialFormat(d, credential);
      const org = shared(d);
      return new OktaClient({
        domain: d,
        baseUrl: org.baseUrl,
        credential,
        tokenProvider: credential.type === 'oauth' ? tokenProvider(d, org.baseUrl, credential) : undefined,
        dispatcher,
        pacer: clientOptions?.share === undefined ? org.pacer : org.pacer.withShare(clientOptions.share),
        breaker: org.breaker,
        retry,
        pageSizes,
        timeouts,
        metrics,
        logger: options.logger,
      });
    },
    breakerState(domain) {
      return orgs.peek(domain.trim().toLowerCase())?.breaker.state ?? 'closed';
    },
    async close() {
      for (const org of orgs.values()) org.dispose();
      orgs.clear();
      providers.clear();
      await dispatcher.close();
    },
  };
}
