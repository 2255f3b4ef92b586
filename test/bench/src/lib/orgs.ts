import type { MinimumCalls, OktaSimulator, OrgHandle, RequestCounts } from '@appgov/okta-simulator';
import type { OrgSpec } from './scale.js';

/** The nine datasets of a sync (SPEC section 1) and how many records each holds in the org. */
export type DatasetCountsMap = Record<string, number>;

/** Ground truth of an org: records per dataset as the Okta API lists them (snapshot of the simulator). */
export function expectedCounts(org: OrgHandle): DatasetCountsMap {
  const s = org.snapshot();
  const sum = (m: Record<string, unknown[]>) => Object.values(m).reduce((a, l) => a + l.length, 0);
  return {
    users: s.users.filter((u) => u.status !== 'DEPROVISIONED').length,
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
export function createOrgs(sim: OktaSimulator, specs: readonly OrgSpec[], latencyMs: number): number {
  const t0 = Date.now();
  for (const spec of specs) {
    const org = sim.createOrg({ domain: spec.domain, seed: spec.seed, counts: spec.counts });
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
