// Which ceiling an X-Rate-Limit-Limit header reports, and how many calls per window that allows.
//
// What we rely on (../shared/okta/README.md, Okta's "Token and OAuth 2.0 app rate limits"):
// - X-Rate-Limit-Limit is "the rate limit ceiling that is applicable for the current request". With
//   Okta's per-token ceiling in force (the default: each API token or OAuth app may use up to 50%
//   of a bucket, an org admin may set 5–100%), that is the token's ceiling, not the org's bucket.
// - Okta enforces that ceiling itself, so the token may use all of it; other integrations keep the
//   rest of the bucket. Appgov's own share (OKTA_BUCKET_SHARE, default 50%) protects them only
//   when the header reports the org-wide limit.
// - No header says which of the two it is. A header equal to one of Okta's published org-wide
//   limits for that bucket (any org type) is taken as org-wide, the cautious reading; any other
//   value as the token's ceiling, whose org-wide bucket is ceiling ÷ the per-token percentage
//   (Okta's default 50% unless configured). Orgs with bought or DynamicScale limits whose admin
//   turned the per-token ceiling off are misread as per-token: a tenant admin lowers the
//   connection's share for them, or the operator sets OKTA_CEILING=org.
import type { OktaBucket } from './buckets.js';

/** How a reported limit is read: guessed from its value, or fixed by configuration. */
export type CeilingMode = 'auto' | 'token' | 'org';

/** Okta's published org-wide limits per bucket, per minute (Workforce, One-App/Enterprise, Integrator-free). */
export const PUBLISHED_ORG_LIMITS: Record<OktaBucket, readonly number[]> = {
  apps: [100, 20],
  groups: [500, 600, 100],
  users: [600, 100],
  logs: [120, 50, 100],
  other: [1200, 100],
};

/** Whether `limit` (X-Rate-Limit-Limit of a `bucket` answer) is this token's own ceiling. */
export function isTokenCeiling(bucket: OktaBucket, limit: number, mode: CeilingMode = 'auto'): boolean {
  if (mode !== 'auto') return mode === 'token';
  return !PUBLISHED_ORG_LIMITS[bucket].includes(limit);
}

/** The pacing parameters that turn a limit into calls per window. */
export interface CeilingParams {
  /** Largest share of the org-wide bucket to use (0 < share ≤ 1). */
  share: number;
  /** Kept free below a per-token ceiling (fraction of it; default 0.05). */
  tokenMargin?: number;
  /** The token's ceiling as a fraction of the org-wide bucket (Okta's default 0.5). */
  tokenPercent?: number;
}

/** Okta's default per-token ceiling, as a fraction of a bucket. */
export const OKTA_DEFAULT_TOKEN_PERCENT = 0.5;
/** Calls left unused below a per-token ceiling, as a fraction of it. */
export const DEFAULT_TOKEN_MARGIN = 0.05;

// floor() of a product of decimals (0.29 × 100 = 28.999…) must not lose a call.
const EPS = 1e-9;

/**
 * Calls per window: for an org-wide limit, `share` of it; for a token's ceiling, the ceiling less
 * the margin, and never more than `share` of the org-wide bucket behind it.
 * budget.ts's acquireDecision and the Redis script compute the same.
 */
export function callsPerWindow(limit: number, tokenCeiling: boolean, p: CeilingParams): number {
  if (!tokenCeiling) return Math.max(1, Math.floor(limit * p.share + EPS));
  const ceiling = limit - Math.floor(limit * (p.tokenMargin ?? DEFAULT_TOKEN_MARGIN) + EPS);
  const ofOrg = Math.floor((limit / (p.tokenPercent ?? OKTA_DEFAULT_TOKEN_PERCENT)) * p.share + EPS);
  return Math.max(1, Math.min(ceiling, ofOrg));
}
