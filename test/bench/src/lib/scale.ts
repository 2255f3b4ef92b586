import { SIZE_PRESETS } from '@appgov/okta-simulator';
import type { Args } from './args.js';

/** One simulated org of a benchmark run: the same spec gives the same org (seeded generation). */
export interface OrgSpec {
  domain: string;
  kind: 'small' | 'large';
  seed: number;
  counts: { users: number; groups: number; apps: number };
}

/** The scale of a run, shared by the pipeline and the SDK baseline so both see identical orgs. */
export interface Scale {
  orgs: OrgSpec[];
  windowMs: number;
  /** Simulated network latency per Okta request (0: loopback speed). */
  latencyMs: number;
  /** Okta's per-token ceiling in the simulator, percent of a bucket (Okta's default 50); null = off. */
  tokenSharePercent: number | null;
}

/** What the run's rate limits are, for the printed header. */
export function describeCeiling(scale: Scale): string {
  return scale.tokenSharePercent === null
    ? 'per-token ceiling off (each token may use the whole bucket)'
    : `per-token ceiling on at ${scale.tokenSharePercent}% of each bucket (Okta's default is 50%)`;
}

/**
 * The share of each org-wide bucket a client may use under the run's ceiling: its own share
 * (Appgov's OKTA_BUCKET_SHARE; 1 for a script that paces nothing) capped by the per-token ceiling.
 */
export function shareInForce(scale: Scale, clientShare: number): number {
  return scale.tokenSharePercent === null
    ? clientShare
    : Math.min(clientShare, scale.tokenSharePercent / 100);
}

export const SCALE_USAGE = `  --small N            small orgs (default 20; preset ${SIZE_PRESETS.small.users} users, ${SIZE_PRESETS.small.groups} groups, ${SIZE_PRESETS.small.apps} apps)
  --small-users/--small-groups/--small-apps N   scale the small orgs
  --large M            large orgs (default 1; preset ${SIZE_PRESETS.large.users} users, ${SIZE_PRESETS.large.groups} groups, ${SIZE_PRESETS.large.apps} apps)
  --large-users/--large-groups/--large-apps N   scale the large orgs down
  --window-ms MS       rate-limit window (Okta: 60000; shorter windows make runs fit in minutes)
  --latency-ms MS      added latency per Okta response (default 0)
  --seed S             base seed (default 1)
  --token-share P|off  Okta's per-token ceiling in the simulator (default 50, Okta's default; off = none)`;

/** Reads the scale flags; defaults are 20 small orgs and 1 large one with Okta's 60 s windows. */
export function scaleFromArgs(args: Args): Scale {
  const small = args.int('small', 20);
  const large = args.int('large', 1);
  const seed = args.int('seed', 1);
  const smallCounts = {
    users: args.int('small-users', SIZE_PRESETS.small.users),
    groups: args.int('small-groups', SIZE_PRESETS.small.groups),
    apps: args.int('small-apps', SIZE_PRESETS.small.apps),
  };
  const largeCounts = {
    users: args.int('large-users', SIZE_PRESETS.large.users),
    groups: args.int('large-groups', SIZE_PRESETS.large.groups),
    apps: args.int('large-apps', SIZE_PRESETS.large.apps),
  };
  const orgs: OrgSpec[] = [];
  for (let i = 1; i <= small; i++)
    orgs.push({
      domain: `bench-small-${String(i).padStart(2, '0')}.okta.com`,
      kind: 'small',
      seed: seed * 1000 + i,
      counts: { ...smallCounts },
    });
  for (let i = 1; i <= large; i++)
    orgs.push({
      domain: `bench-large-${String(i).padStart(2, '0')}.okta.com`,
      kind: 'large',
      seed: seed * 1000 + 500 + i,
      counts: { ...largeCounts },
    });
  const tokenShare: string = args.str<string>('token-share', '50');
  const tokenSharePercent = tokenShare === 'off' ? null : Number(tokenShare);
  if (tokenSharePercent !== null && !(tokenSharePercent >= 5 && tokenSharePercent <= 100))
    throw new Error('--token-share takes off or a percentage 5-100');
  return {
    orgs,
    windowMs: args.int('window-ms', 60_000),
    latencyMs: args.int('latency-ms', 0),
    tokenSharePercent,
  };
}

export function describeScale(scale: Scale): string {
  const byKind = (kind: OrgSpec['kind']) => scale.orgs.filter((o) => o.kind === kind);
  const part = (kind: OrgSpec['kind']) => {
    const list = byKind(kind);
    const c = list[0]?.counts;
    return list.length && c
      ? `${list.length} ${kind} (${c.users} users, ${c.groups} groups, ${c.apps} apps each)`
      : `0 ${kind}`;
  };
  return `${part('small')} + ${part('large')}; rate-limit window ${scale.windowMs} ms (workforce limits per window); latency ${scale.latencyMs} ms; ${describeCeiling(scale)}`;
}
