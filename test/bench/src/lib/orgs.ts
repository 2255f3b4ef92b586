import {
  type Bucket,
  bucketOf,
  type MinimumCalls,
  type OktaSimulator,
  type OrgHandle,
  RATE_LIMIT_PROFILES,
  type RequestCounts,
} from '@appgov/okta-simulator';
import type { OrgSpec } from './scale.js';

/** The nine datasets of a sync (SPEC section 1) and how many records each holds in the org. */
export type DatasetCountsMap = Record<string, number>;

/** Ground truth of an org: records per dataset as the Okta API lists them (snapshot of the simulator). */
export function expectedCounts(org: OrgHandle): DatasetCountsMap {
  const s = org.snapshot();
  const sum = (m: Record<string, unknown[]>) => Object.values(m).reduce((a, l) => a + l.length, 0);
  return {
    // Every user: ingest reads them with a filter, which includes DEPROVISIONED ones.
    users: s.users.length,
    'user-roles': s.admins.reduce((a, x) => a + x.roles.length, 0),
    groups: s.groups.length,
    'group-members': sum(s.groupMembers),
    'group-apps': sum(s.groupApps),
    apps: s.apps.length,
    'app-users': sum(s.appUsers),
    'app-grants': sum(s.grants),
    'api-tokens': s.apiTokens.length,
  };
}

export const total = (c: DatasetCountsMap): number => Object.values(c).reduce((a, b) => a + b, 0);

/** Creates the orgs of a run in a simulator; returns how long seeded generation took. */
export function createOrgs(
  sim: OktaSimulator,
  specs: readonly OrgSpec[],
  latencyMs: number,
  tokenSharePercent: number | null = 50,
): number {
  const t0 = Date.now();
  const rateLimits =
    tokenSharePercent === null ? { perTokenShare: false } : { perTokenShare: true, tokenSharePercent };
  for (const spec of specs) {
    const org = sim.createOrg({ domain: spec.domain, seed: spec.seed, counts: spec.counts, rateLimits });
    if (latencyMs > 0) org.setFaults({ latencyMs });
  }
  return Date.now() - t0;
}

/** Okta calls of a run split into the sync's listing calls and anything else (token checks). */
export interface CallFigures {
  /** Every request the org answered, 429s included. */
  total: number;
  /** Of which: to the endpoints a full sync must read (those `minimumCalls` counts). */
  sync: number;
  minimum: number;
  rateLimited: number;
  concurrencyLimited: number;
  byEndpoint: Record<string, number>;
}

export function callFigures(counts: RequestCounts, minimum: MinimumCalls): CallFigures {
  const syncEndpoints = new Set(Object.keys(minimum.byEndpoint));
  let sync = 0;
  for (const [endpoint, n] of Object.entries(counts.byEndpoint)) if (syncEndpoints.has(endpoint)) sync += n;
  return {
    total: counts.total,
    sync,
    minimum: minimum.total,
    rateLimited: counts.rateLimited,
    concurrencyLimited: counts.concurrencyLimited,
    byEndpoint: counts.byEndpoint,
  };
}

/**
 * The least time the rate limits allow for reading an org with its minimum calls, when a client may use
 * `share` of each bucket: per bucket, ceil(calls / (share × limit)) windows, of which the last need not
 * run out (so minus one window); the slowest bucket sets the bound. Latency and paging order are ignored.
 */
export function rateLimitLowerBoundMs(minimum: MinimumCalls, windowMs: number, share: number): number {
  const perBucket = new Map<string, number>();
  for (const [endpoint, n] of Object.entries(minimum.byEndpoint)) {
    const [method, template] = endpoint.split(' ') as [string, string];
    const bucket = bucketOf(method, template.replace(/\{[^}]+\}/g, 'x'));
    perBucket.set(bucket, (perBucket.get(bucket) ?? 0) + n);
  }
  let windows = 0;
  for (const [bucket, n] of perBucket) {
    const capacity = Math.max(1, Math.floor(share * RATE_LIMIT_PROFILES.workforce.limits[bucket as Bucket]));
    windows = Math.max(windows, Math.ceil(n / capacity) - 1);
  }
  return windows * windowMs;
}
