// "What a user would otherwise write": a straightforward script on the official @okta/okta-sdk-nodejs
// that lists every dataset of each org, fetches the per-object lists one call per object (roles of
// every user, members and apps of every group, users and grants of every app), paces nothing (the
// SDK only retries a 429 after X-Rate-Limit-Reset, twice) and writes the rows to Postgres with plain
// multi-row INSERTs. The orgs are the ones the pipeline benchmark uses (same seeds and counts).
import { type RunningSimulator, startOktaSimulator } from '@appgov/okta-simulator';
import { testEnv } from '@appgov/testing';
import okta from '@okta/okta-sdk-nodejs';
import pg from 'pg';
import {
  type CallFigures,
  callFigures,
  createOrgs,
  type DatasetCountsMap,
  expectedCounts,
  rateLimitLowerBoundMs,
} from './lib/orgs.js';
import { RssSampler } from './lib/rss.js';
import { type OrgSpec, type Scale, shareInForce } from './lib/scale.js';
import { formatTable, mapLimit } from './lib/table.js';

export interface SdkBaselineOptions {
  scale: Scale;
  /** Unique suffix: the rows go to schema `sdk_baseline_<runId>`. */
  runId: string;
  /** Per-org requests in flight (1: a plain sequential loop). */
  concurrency: number;
  /** Keep the schema after the run (default: dropped). */
  keep?: boolean;
  databaseUrl?: string;
  log?: (line: string) => void;
}

export interface SdkOrgResult {
  domain: string;
  kind: OrgSpec['kind'];
  ms: number;
  /** Rows written per dataset. */
  rows: DatasetCountsMap;
  expected: DatasetCountsMap;
  calls: CallFigures;
  /** Least time the rate limits allow for the minimum calls using whole buckets (the SDK paces nothing). */
  lowerBoundMs: number;
  /** Calls that still failed after the SDK's retries (their rows are missing). */
  failedCalls: number;
  firstError?: string;
}

export interface SdkBaselineResult {
  schema: string;
  concurrency: number;
  wallMs: number;
  orgs: SdkOrgResult[];
  peakRss: number | undefined;
}

const DATASETS = [
  'users',
  'user_roles',
  'groups',
  'group_members',
  'group_apps',
  'apps',
  'app_users',
  'app_grants',
  'api_tokens',
] as const;
type Table = (typeof DATASETS)[number];
const DATASET_NAME: Record<Table, string> = {
  users: 'users',
  user_roles: 'user-roles',
  groups: 'groups',
  group_members: 'group-members',
  group_apps: 'group-apps',
  apps: 'apps',
  app_users: 'app-users',
  app_grants: 'app-grants',
  api_tokens: 'api-tokens',
};

interface Row {
  id: string;
  parent: string | null;
  data: unknown;
}

/** Buffers rows per table and writes them as multi-row INSERTs of up to 500 rows. */
class RowWriter {
  private readonly buffers = new Map<Table, Row[]>();
  readonly written: Record<string, number> = {};

  constructor(
    private readonly pool: pg.Pool,
    private readonly schema: string,
    private readonly org: string,
  ) {}

  async add(table: Table, rows: Row[]): Promise<void> {
    const buf = this.buffers.get(table) ?? [];
    buf.push(...rows);
    this.buffers.set(table, buf);
    if (buf.length >= 500) await this.flush(table);
  }

  async flush(table?: Table): Promise<void> {
    for (const t of table ? [table] : DATASETS) {
      const buf = this.buffers.get(t) ?? [];
      this.buffers.set(t, []);
      for (let i = 0; i < buf.length; i += 500) {
        const chunk = buf.slice(i, i + 500);
        const params: unknown[] = [];
        const values = chunk.map((r, j) => {
          params.push(this.org, r.id, r.parent, JSON.stringify(r.data));
          return `($${j * 4 + 1}, $${j * 4 + 2}, $${j * 4 + 3}, $${j * 4 + 4}::jsonb)`;
        });
        await this.pool.query(
          `INSERT INTO "${this.schema}".${t} (org, id, parent_id, data) VALUES ${values.join(', ')}`,
          params,
        );
        const name = DATASET_NAME[t];
        this.written[name] = (this.written[name] ?? 0) + chunk.length;
      }
    }
  }
}

async function collect<T>(list: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of list) out.push(item);
  return out;
}

const idOf = (x: unknown): string => String((x as { id?: unknown }).id ?? '');

/** The naive sync of one org through the SDK: list, then one call per user / group / app. */
async function syncOrg(
  sim: RunningSimulator,
  spec: OrgSpec,
  writer: RowWriter,
  concurrency: number,
): Promise<{ failed: number; firstError?: string }> {
  const org = sim.sim.org(spec.domain);
  // orgUrl by IP: the simulator serves its default org, and each org has its own simulator here.
  const client = new okta.Client({ orgUrl: sim.url, token: org.token, cacheMiddleware: null });
  let failed = 0;
  let firstError: string | undefined;
  const guarded = async <T>(call: () => Promise<T[]>): Promise<T[]> => {
    try {
      return await call();
    } catch (err) {
      failed++;
      firstError ??= err instanceof Error ? err.message : String(err);
      return [];
    }
  };

  const users = await guarded(async () => collect(await client.userApi.listUsers()));
  await writer.add(
    'users',
    users.map((u) => ({ id: idOf(u), parent: null, data: u })),
  );
  const groups = await guarded(async () => collect(await client.groupApi.listGroups()));
  await writer.add(
    'groups',
    groups.map((g) => ({ id: idOf(g), parent: null, data: g })),
  );
  const apps = await guarded(async () => collect(await client.applicationApi.listApplications()));
  await writer.add(
    'apps',
    apps.map((a) => ({ id: idOf(a), parent: null, data: a })),
  );
  const tokens = await guarded(async () => collect(await client.apiTokenApi.listApiTokens()));
  await writer.add(
    'api_tokens',
    tokens.map((t) => ({ id: idOf(t), parent: null, data: t })),
  );

  await mapLimit(users, concurrency, async (u) => {
    const userId = idOf(u);
    const roles = await guarded(async () =>
      collect(await client.roleAssignmentApi.listAssignedRolesForUser({ userId })),
    );
    await writer.add(
      'user_roles',
      roles.map((r) => ({ id: idOf(r), parent: userId, data: r })),
    );
  });
  await mapLimit(groups, concurrency, async (g) => {
    const groupId = idOf(g);
    const members = await guarded(async () => collect(await client.groupApi.listGroupUsers({ groupId })));
    await writer.add(
      'group_members',
      members.map((m) => ({ id: idOf(m), parent: groupId, data: { id: idOf(m) } })),
    );
    const gapps = await guarded(async () =>
      collect(await client.groupApi.listAssignedApplicationsForGroup({ groupId })),
    );
    await writer.add(
      'group_apps',
      gapps.map((a) => ({ id: idOf(a), parent: groupId, data: { id: idOf(a) } })),
    );
  });
  await mapLimit(apps, concurrency, async (a) => {
    const appId = idOf(a);
    const appUsers = await guarded(async () =>
      collect(await client.applicationApi.listApplicationUsers({ appId })),
    );
    await writer.add(
      'app_users',
      appUsers.map((x) => ({ id: idOf(x), parent: appId, data: x })),
    );
    const grants = await guarded(async () =>
      collect(await client.applicationApi.listScopeConsentGrants({ appId })),
    );
    await writer.add(
      'app_grants',
      grants.map((x) => ({ id: idOf(x), parent: appId, data: x })),
    );
  });
  await writer.flush();
  return firstError === undefined ? { failed } : { failed, firstError };
}

/**
 * Runs the SDK baseline over the scale's orgs, all orgs at once. The SDK takes only a base URL, and the
 * simulator serves its default org to requests by IP, so every org gets its own in-process simulator.
 */
export async function runSdkBaseline(options: SdkBaselineOptions): Promise<SdkBaselineResult> {
  const log = options.log ?? ((line: string) => console.log(line));
  const { scale } = options;
  const schema = `sdk_baseline_${options.runId.replace(/[^a-z0-9_]/g, '_')}`;
  const sims: RunningSimulator[] = [];
  const genStart = Date.now();
  for (const spec of scale.orgs) {
    const sim = await startOktaSimulator({ windowMs: scale.windowMs });
    createOrgs(sim.sim, [spec], scale.latencyMs, scale.tokenSharePercent);
    sims.push(sim);
  }
  log(`sdk: generated ${scale.orgs.length} orgs in ${Date.now() - genStart} ms (one simulator per org)`);

  const pool = new pg.Pool({
    connectionString: options.databaseUrl ?? testEnv().DATABASE_URL,
    max: Math.min(20, 2 * scale.orgs.length + 2),
  });
  await pool.query(`CREATE SCHEMA "${schema}"`);
  for (const t of DATASETS)
    await pool.query(
      `CREATE TABLE "${schema}".${t} (org text NOT NULL, id text NOT NULL, parent_id text, data jsonb)`,
    );

  const rss = new RssSampler([{ name: 'sdk-baseline (script + simulators)', pid: process.pid }]).start();
  const started = Date.now();
  try {
    const orgs = await Promise.all(
      scale.orgs.map(async (spec, i): Promise<SdkOrgResult> => {
        const sim = sims[i] as RunningSimulator;
        const org = sim.sim.org(spec.domain);
        org.resetRequestCounts();
        const writer = new RowWriter(pool, schema, spec.domain);
        const t0 = Date.now();
        const outcome = await syncOrg(sim, spec, writer, options.concurrency);
        const ms = Date.now() - t0;
        log(`sdk: ${spec.domain} done in ${(ms / 1000).toFixed(1)} s`);
        return {
          domain: spec.domain,
          kind: spec.kind,
          ms,
          rows: writer.written,
          expected: expectedCounts(org),
          calls: callFigures(org.requestCounts(), org.minimumCalls()),
          lowerBoundMs: rateLimitLowerBoundMs(org.minimumCalls(), scale.windowMs, shareInForce(scale, 1)),
          failedCalls: outcome.failed,
          ...(outcome.firstError !== undefined ? { firstError: outcome.firstError } : {}),
        };
      }),
    );
    const wallMs = Date.now() - started;
    return {
      schema,
      concurrency: options.concurrency,
      wallMs,
      orgs,
      peakRss: rss.stop().get('sdk-baseline (script + simulators)'),
    };
  } finally {
    rss.stop();
    if (!options.keep) await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
    await pool.end();
    await Promise.all(sims.map((s) => s.close()));
  }
}

/** The per-org table and totals of an SDK baseline run. */
export function formatSdkResult(r: SdkBaselineResult): string {
  const rows = r.orgs.map((o) => {
    const written = Object.values(o.rows).reduce((a, b) => a + b, 0);
    const expected = Object.values(o.expected).reduce((a, b) => a + b, 0);
    return [
      o.domain,
      (o.ms / 1000).toFixed(1),
      (o.lowerBoundMs / 1000).toFixed(1),
      written,
      expected,
      o.calls.total,
      o.calls.minimum,
      `${(o.calls.total / Math.max(1, o.calls.minimum)).toFixed(2)}x`,
      o.calls.rateLimited,
      o.failedCalls,
    ];
  });
  const sum = (f: (o: SdkOrgResult) => number) => r.orgs.reduce((a, o) => a + f(o), 0);
  const records = sum((o) => Object.values(o.rows).reduce((a, b) => a + b, 0));
  const lines = [
    formatTable(
      [
        'org',
        'time s',
        'bound s',
        'rows',
        'expected',
        'okta calls',
        'minimum',
        'calls/min',
        '429s',
        'failed calls',
      ],
      rows,
    ),
    '',
    `SDK baseline (per-org concurrency ${r.concurrency}, schema ${r.schema}):`,
    `  wall time ${(r.wallMs / 1000).toFixed(1)} s; ${records} rows; ${(records / (r.wallMs / 1000)).toFixed(0)} rows/s end to end`,
    `  Okta calls ${sum((o) => o.calls.total)} (minimum ${sum((o) => o.calls.minimum)}); 429s ${sum((o) => o.calls.rateLimited)}; calls failed after SDK retries ${sum((o) => o.failedCalls)}`,
    `  peak RSS of the script process (simulators in-process) ${r.peakRss === undefined ? 'n/a' : `${(r.peakRss / 1048576).toFixed(0)} MiB`}`,
  ];
  for (const o of r.orgs) {
    const diff = Object.keys(o.expected)
      .filter((d) => (o.rows[d] ?? 0) !== o.expected[d])
      .map((d) => `${d} ${o.rows[d] ?? 0}/${o.expected[d]}`);
    if (diff.length) lines.push(`  ${o.domain}: rows/expected differ: ${diff.join(', ')}`);
  }
  const errs = r.orgs.filter((o) => o.firstError);
  for (const o of errs.slice(0, 5)) lines.push(`  ${o.domain}: first failure: ${o.firstError}`);
  return lines.join('\n');
}
