import type { Faults } from './faults.js';
import { createRng, deriveSeed, type Rng } from './generate/prng.js';
import type { OrgStore } from './org-store.js';
import { RateLimiter, type RateLimitSettings } from './rate-limit.js';

export interface RequestCounts {
  /** Requests per endpoint template, e.g. `GET /api/v1/apps/{id}/users` (429s included). */
  byEndpoint: Record<string, number>;
  total: number;
  /** Requests answered 429 by the rate limiter, a storm or the concurrency limit. */
  rateLimited: number;
  /** Of which: over the concurrency limit. */
  concurrencyLimited: number;
}

/** One org as the server sees it: its data plus rate limiting, faults and request accounting. */
export class OrgRuntime {
  readonly limiter: RateLimiter;
  faults: Faults = {};
  inFlight = 0;
  readonly faultRng: Rng;
  private counts = new Map<string, number>();
  private limited = 0;
  private concurrencyLimited = 0;

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

  countLimited(concurrency: boolean): void {
    this.limited++;
    if (concurrency) this.concurrencyLimited++;
  }

  requestCounts(): RequestCounts {
    const byEndpoint = Object.fromEntries([...this.counts].sort(([a], [b]) => a.localeCompare(b)));
    const total = [...this.counts.values()].reduce((a, b) => a + b, 0);
    return { byEndpoint, total, rateLimited: this.limited, concurrencyLimited: this.concurrencyLimited };
  }

  resetRequestCounts(): void {
    this.counts.clear();
    this.limited = 0;
    this.concurrencyLimited = 0;
  }
}
