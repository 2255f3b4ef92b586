/** Okta's rate-limit buckets (okta/README.md, "Rate limits"). */
export type Bucket = 'apps' | 'groups' | 'users' | 'logs' | 'other';

export type RateLimitProfileName = 'workforce' | 'one-app' | 'integrator-free';

export interface RateLimitProfile {
  limits: Record<Bucket, number>;
  /** Requests in flight per org. */
  concurrency: number;
}

export const RATE_LIMIT_PROFILES: Record<RateLimitProfileName, RateLimitProfile> = {
  workforce: { limits: { apps: 100, groups: 500, users: 600, logs: 120, other: 1200 }, concurrency: 75 },
  'one-app': { limits: { apps: 100, groups: 600, users: 600, logs: 50, other: 1200 }, concurrency: 75 },
  'integrator-free': {
    limits: { apps: 20, groups: 100, users: 100, logs: 100, other: 100 },
    concurrency: 35,
  },
};

/** Okta's default per-token ceiling, percent of a bucket. */
export const DEFAULT_TOKEN_SHARE_PERCENT = 50;

export interface RateLimitSettings {
  profile: RateLimitProfileName;
  /** Per-bucket overrides on top of the profile (tests use tiny limits). */
  limits?: Partial<Record<Bucket, number>>;
  concurrency?: number;
  /**
   * Okta's default: one API token or OAuth app may use at most a percentage (50% unless an org
   * admin changes it) of each bucket, and X-Rate-Limit-Limit reports that ceiling. On unless
   * turned off (`false`), as in Okta.
   */
  perTokenShare?: boolean;
  /** The per-token ceiling in percent of the bucket (Okta: 5–100, default 50). */
  tokenSharePercent?: number;
  windowMs?: number;
}

/** The bucket a request counts against; `/groups/{id}` itself is outside the groups bucket, as Okta says. */
export function bucketOf(method: string, path: string): Bucket {
  if (path === '/api/v1/apps' || path.startsWith('/api/v1/apps/')) return 'apps';
  if (path === '/api/v1/groups') return 'groups';
  if (path.startsWith('/api/v1/groups/'))
    return /^\/api\/v1\/groups\/[^/]+\/?$/.test(path) ? 'other' : 'groups';
  if (method === 'GET' && path === '/api/v1/users') return 'users';
  if (path === '/api/v1/logs' || path.startsWith('/api/v1/logs/')) return 'logs';
  return 'other';
}

interface Window {
  start: number;
  count: number;
}

export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Epoch seconds at which the window resets (rounded up, so waiting until it always suffices). */
  reset: number;
}

/**
 * Fixed windows per bucket that open at the bucket's first request (not aligned to the minute), like Okta.
 * With the per-token share (on by default), a token also has its own window holding its share of the
 * bucket, and the headers show that share: the ceiling applicable to the request, as Okta documents.
 */
export class RateLimiter {
  private windows = new Map<string, Window>();
  settings: RateLimitSettings;

  constructor(
    settings: RateLimitSettings,
    private readonly defaultWindowMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.settings = settings;
  }

  configure(settings: Partial<RateLimitSettings>): void {
    this.settings = { ...this.settings, ...settings };
    this.windows.clear();
  }

  get windowMs(): number {
    return this.settings.windowMs ?? this.defaultWindowMs;
  }

  limitOf(bucket: Bucket): number {
    return this.settings.limits?.[bucket] ?? RATE_LIMIT_PROFILES[this.settings.profile].limits[bucket];
  }

  get concurrency(): number {
    return this.settings.concurrency ?? RATE_LIMIT_PROFILES[this.settings.profile].concurrency;
  }

  private window(key: string, at: number): Window {
    let w = this.windows.get(key);
    if (!w || at >= w.start + this.windowMs) {
      w = { start: at, count: 0 };
      this.windows.set(key, w);
    }
    return w;
  }

  /** Whether the per-token ceiling is enforced (Okta's default: yes). */
  get perTokenShare(): boolean {
    return this.settings.perTokenShare !== false;
  }

  /** The per-token ceiling as a fraction of the bucket. */
  get tokenShare(): number {
    const pct = this.settings.tokenSharePercent ?? DEFAULT_TOKEN_SHARE_PERCENT;
    return Math.min(100, Math.max(5, pct)) / 100;
  }

  /** The ceiling one token meets in a bucket: the bucket itself, or the token's share of it. */
  ceilingOf(bucket: Bucket): number {
    const limit = this.limitOf(bucket);
    return this.perTokenShare ? Math.max(1, Math.floor(limit * this.tokenShare)) : limit;
  }

  take(bucket: Bucket, token: string): RateDecision {
    const at = this.now();
    const limit = this.limitOf(bucket);
    const org = this.window(bucket, at);
    const resetOf = (w: Window) => Math.ceil((w.start + this.windowMs) / 1000);
    if (!this.perTokenShare) {
      const allowed = org.count < limit;
      if (allowed) org.count++;
      return { allowed, limit, remaining: Math.max(0, limit - org.count), reset: resetOf(org) };
    }
    const share = this.ceilingOf(bucket);
    const mine = this.window(`${bucket}\u0000${token}`, at);
    const allowed = org.count < limit && mine.count < share;
    if (allowed) {
      org.count++;
      mine.count++;
    }
    const remaining = Math.max(0, Math.min(share - mine.count, limit - org.count));
    const reset = org.count >= limit ? Math.max(resetOf(org), resetOf(mine)) : resetOf(mine);
    return { allowed, limit: share, remaining, reset };
  }
}
