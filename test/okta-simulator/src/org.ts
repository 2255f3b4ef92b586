import type { Faults } from './faults.js';
import { createRng, deriveSeed, type Rng } from './generate/prng.js';
import type { OAuthStats } from './oauth.js';
import type { OrgStore } from './org-store.js';
import { type Bucket, RateLimiter, type RateLimitSettings } from './rate-limit.js';

export interface RequestCounts {
  /** Requests per endpoint template, e.g. `GET /api/v1/apps/{id}/users` (429s included). */
  byEndpoint: Record<string, number>;
  total: number;
  /** Requests answered 429 by the rate limiter, a storm or the concurrency limit. */
  rateLimited: number;
  /** Of which: over the concurrency limit. */
  concurrencyLimited: number;
}

/** One /api/v1 request as the server saw it (for timing assertions such as "nothing before Reset"). */
export interface RequestLogEntry {
  /** Epoch ms the request arrived. */
  at: number;
  /** Epoch ms its response was sent (or its socket closed). */
  doneAt: number;
  endpoint: string;
  bucket: Bucket;
  /** HTTP status; 0 when the socket was closed without a response. */
  status: number;
  /** X-Rate-Limit-Reset sent (epoch seconds), if any. */
  reset?: number;
  /** X-Rate-Limit-Limit sent, if any (0 on a concurrency 429). */
  limit?: number;
}

/** The log keeps the latest entries only, so a long-running simulator stays small. */
export const REQUEST_LOG_MAX = 100_000;

/** One org as the server sees it: its data plus rate limiting, faults and request accounting. */
export class OrgRuntime {
  readonly limiter: RateLimiter;
  faults: Faults = {};
  inFlight = 0;
  readonly faultRng: Rng;
  private counts = new Map<string, number>();
  private limited = 0;
  private concurrencyLimited = 0;
  private log: RequestLogEntry[] = [];
  oauth: OAuthStats = { tokenRequests: 0, issued: 0, errors: {} };
  /** Statuses the next token requests answer with, oldest first (fault injection for the token endpoint). */
  private tokenFailures: number[] = [];

  constructor(
    readonly store: OrgStore,
    seed: number,
    rateLimits: RateLimitSettings,
    windowMs: number,
  ) {
    this.limiter = new RateLimiter(rateLimits, windowMs);
    this.faultRng = createRng(deriveSeed(seed, 'faults'));
  }

  count(template: string): void {
    this.counts.set(template, (this.counts.get(template) ?? 0) + 1);
  }

  logRequest(entry: RequestLogEntry): void {
    if (this.log.length >= REQUEST_LOG_MAX) this.log = this.log.slice(REQUEST_LOG_MAX / 2);
    this.log.push(entry);
  }

  /** Requests in order of completion (cleared with the counts). */
  requestLog(): RequestLogEntry[] {
    return [...this.log];
  }

  countLimited(concurrency: boolean): void {
    this.limited++;
    if (concurrency) this.concurrencyLimited++;
  }

  requestCounts(): RequestCounts {
    const byEndpoint = Object.fromEntries([...this.counts].sort(([a], [b]) => a.localeCompare(b)));
    const total = [...this.counts.values()].reduce((a, b) => a + b, 0);
    return { byEndpoint, total, rateLimited: this.limited, concurrencyLimited: this.concurrencyLimited };
  }

  /** The next `count` token requests answer `status` (e.g. 503) before anything is checked; 0 clears. */
  failTokenRequests(count: number, status = 503): void {
    this.tokenFailures = Array.from({ length: count }, () => status);
  }

  takeTokenFailure(): number | undefined {
    return this.tokenFailures.shift();
  }

  resetRequestCounts(): void {
    this.oauth = { tokenRequests: 0, issued: 0, errors: {} };
    this.counts.clear();
    this.log = [];
    this.limited = 0;
    this.concurrencyLimited = 0;
  }
}
