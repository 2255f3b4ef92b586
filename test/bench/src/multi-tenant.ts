// Many tenants, many small orgs and a few large ones, synced at a scaled 6 h interval by 1, 2 and
// 4 ingest replicas (and as many catalog replicas) on the partitioned topics (issue 16).
//   node dist/src/multi-tenant.js [--replicas 1,2,4] [--tenants 20] [--small-per-tenant 10]
//     [--large 2] (small orgs per tenant are per ingest replica: each replica gets the same load) [--small-users 200 --small-groups 10 --small-apps 8]
//     [--large-users 5000 --large-groups 200 --large-apps 60] [--window-ms 1000] [--intervals 2]
//     [--token-share 50|off] [--sync-concurrency 128] [--catalog-replicas same|N] [--help]
// Time is scaled by window-ms / 60 s: the 6 h interval becomes 6 h × window-ms / 60 000 (360 s at
// 1 s windows), so rate-limit-bound sync times keep their ratio to the interval. CPU is not scaled:
// the bench asks for 60 000 / window-ms times more CPU per unit of time than the real interval does,
// so the connections it keeps fresh are a lower bound; it also prints a projection to real time
// from the measured CPU per sync and sync duration.
//
// The bench plays connection-service's scheduler (each connection due once per interval ± 10%,
// first due times spread over the first interval, a connection with an unfinished sync skipped)
// and publishes sync.requested to the partitioned sync-requests topic; ingest replicas share one
// consumer group, schema and Redis prefix, as replicas of one deployment do.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { startOktaSimulator } from '@appgov/okta-simulator';
import { uniqueName } from '@appgov/testing';
import { startVaultSimulator } from '@appgov/vault-simulator';
import { Args } from './lib/args.js';
import { watchEvents } from './lib/kafka-watch.js';
import { mib, RssSampler } from './lib/rss.js';
import { syncRequestMessage } from './lib/sync-request.js';
import { formatTable, sleep } from './lib/table.js';
import {
  cpuSeconds,
  LoadSampler,
  loadAverage,
  projectCapacity,
  SIX_HOURS_MS,
  TARGET_UTILISATION,
} from './multi-tenant/capacity.js';
import { type FleetConnection, noteAge, percentile, type SyncFacts } from './multi-tenant/freshness.js';
import { provisionOrg } from './multi-tenant/provision.js';
import { startReplicaSet } from './multi-tenant/replica-set.js';

const args = new Args();
args.helpFromHeader(import.meta.url);
const replicaSets = args.str<string>('replicas', '1,2,4').split(',').map(Number);
const tenants = args.int('tenants', 20);
const smallPerTenant = args.int('small-per-tenant', 10);
const largeCount = args.int('large', 2);
const small = {
  users: args.int('small-users', 200),
  groups: args.int('small-groups', 10),
  apps: args.int('small-apps', 8),
};
const large = {
  users: args.int('large-users', 5000),
  groups: args.int('large-groups', 200),
  apps: args.int('large-apps', 60),
};
const windowMs = args.int('window-ms', 1000);
const intervals = Number(args.str<string>('intervals', '2'));
const tokenShare: string = args.str<string>('token-share', '50');
const syncConcurrency = args.int('sync-concurrency', 128);
const catalogReplicasArg: string = args.str<string>('catalog-replicas', 'same');
const intervalMs = Math.round((SIX_HOURS_MS * windowMs) / 60_000);
const timeScale = 60_000 / windowMs;
const JITTER = 0.1;

interface RunResult {
  replicas: number;
  catalogReplicas: number;
  connections: FleetConnection[];
  smallFresh: number;
  peakRss: Map<string, number>;
  ingestCpuS: number[];
  catalogCpuS: number[];
  /** The bench process itself: the Okta and Vault simulators and the scheduler. */
  benchCpuS: number;
  wallS: number;
  load: { min: number; median: number; max: number };
  /** sync.completed per kind, and the records they read. */
  completed: { small: number; large: number; smallRecords: number; largeRecords: number };
  catalogRecordsPerS: number;
  syncsApplied: number;
  appliedRecords: number;
  /** sync.failed reason codes and how often. */
  failures: Map<string, number>;
  smallSyncMs: number[];
  largeSyncMs: number[];
  measuredMs: number;
}

async function run(replicas: number): Promise<RunResult> {
  const catalogReplicas = catalogReplicasArg === 'same' ? replicas : Number(catalogReplicasArg);
  const prefix = uniqueName('benchmt');
  const rateLimits =
    tokenShare === 'off'
      ? { perTokenShare: false }
      : { perTokenShare: true, tokenSharePercent: Number(tokenShare) };
  const okta = await startOktaSimulator({ windowMs });
  const vaultToken = `hvs.${randomUUID().replace(/-/g, '')}`;
  const vault = await startVaultSimulator({ rootToken: vaultToken });
  const connections: FleetConnection[] = [];
  const now0 = Date.now();
  let seq = 0;
  const addConnection = async (tenantId: string, kind: 'small' | 'large') => {
    const domain = `mt-${kind}-${String(++seq).padStart(5, '0')}.okta.com`;
    const { connectionId: id } = await provisionOrg(okta, { url: vault.url, token: vaultToken }, tenantId, {
      domain,
      seed: seq,
      counts: kind === 'small' ? small : large,
      rateLimits,
    });
    connections.push({
      id,
      tenantId,
      domain,
      kind,
      nextDueAt: 0,
      pending: undefined,
      lastAppliedRequestedAt: undefined,
      worstAgeMs: 0,
      applied: 0,
      failed: 0,
      waitsMs: [],
    });
  };
  const tenantIds = Array.from({ length: tenants }, () => randomUUID());
  // The fleet grows with the replicas: each replica is offered the same load.
  for (const t of tenantIds)
    for (let i = 0; i < smallPerTenant * replicas; i++) await addConnection(t, 'small');
  // The large orgs belong to one tenant, which also has its share of small ones above.
  for (let i = 0; i < largeCount; i++) await addConnection(tenantIds[0] as string, 'large');
  console.log(`  ${connections.length} connections generated in ${Date.now() - now0} ms`);

  const set = await startReplicaSet({
    prefix,
    oktaPort: okta.port,
    vault: { url: vault.url, token: vaultToken },
    ingestReplicas: replicas,
    catalogReplicas,
    env: {
      LOG_LEVEL: 'warn',
      OKTA_RATE_WINDOW_MS: String(windowMs),
      SYNC_CONCURRENCY: String(syncConcurrency),
      SYNC_LONG_AFTER_MS: String(Math.round((15 * 60_000) / timeScale)),
    },
  }).catch(async (err) => {
    await okta.close();
    await vault.close();
    throw err;
  });
  const { kafka, ingest, catalog } = set;
  console.log(`  service logs ${set.logs}`);
  try {
    const rss = new RssSampler([
      ...ingest.map((p, i) => ({ name: `ingest-${i + 1}`, pid: p.pid })),
      ...catalog.map((p, i) => ({ name: `catalog-${i + 1}`, pid: p.pid })),
    ]).start();
    const cpu0 = ingest.map((p) => cpuSeconds(p.pid));
    const catalogCpu0 = catalog.map((p) => cpuSeconds(p.pid));
    const benchCpu0 = process.cpuUsage();
    const load = new LoadSampler().start();
    const completed = { small: 0, large: 0, smallRecords: 0, largeRecords: 0 };

    const syncs = new Map<string, SyncFacts>();
    const runStart = Date.now();
    const measureFrom = runStart + intervalMs;
    const runEnd = runStart + Math.round(intervals * intervalMs);
    let appliedRecords = 0;
    let firstAppliedAt = 0;
    let lastAppliedAt = 0;
    let syncsApplied = 0;
    const smallSyncMs: number[] = [];
    const failures = new Map<string, number>();
    const largeSyncMs: number[] = [];
    const statusTopic = set.topic('syncStatus');
    const watcher = await watchEvents(kafka, statusTopic, `${prefix}.bench-watch`, (e) => {
      const facts = syncs.get(String(e.data.syncId));
      if (!facts) return;
      const c = facts.connection;
      if (e.type === 'sync.started') {
        facts.startedAt ??= e.receivedAt;
        c.waitsMs.push(e.receivedAt - facts.requestedAt);
      } else if (e.type === 'sync.completed') {
        const ms = e.receivedAt - (facts.startedAt ?? facts.requestedAt);
        (c.kind === 'small' ? smallSyncMs : largeSyncMs).push(ms);
        const records = Object.values((e.data.counts ?? {}) as Record<string, number>).reduce(
          (a, b) => a + b,
          0,
        );
        completed[c.kind]++;
        completed[c.kind === 'small' ? 'smallRecords' : 'largeRecords'] += records;
      } else if (e.type === 'catalog.applied') {
        noteAge(c, e.receivedAt, measureFrom, runStart);
        c.lastAppliedRequestedAt = Math.max(c.lastAppliedRequestedAt ?? 0, facts.requestedAt);
        c.applied++;
        if (c.pending?.syncId === String(e.data.syncId)) c.pending = undefined;
        const n = Object.values((e.data.counts ?? {}) as Record<string, number>).reduce((a, b) => a + b, 0);
        appliedRecords += n;
        syncsApplied++;
        firstAppliedAt ||= e.receivedAt;
        lastAppliedAt = e.receivedAt;
      } else if (e.type === 'sync.failed') {
        c.failed++;
        // Reason code and its message: an `internal` failure names the error code behind it.
        const reason = `${String(e.data.reasonCode)} (${String(e.data.message)})`;
        failures.set(reason, (failures.get(reason) ?? 0) + 1);
        if (c.pending?.syncId === String(e.data.syncId)) c.pending = undefined;
      }
    });

    // The scheduler: first due times spread over the first interval, then every interval ± 10%.
    for (const c of connections) c.nextDueAt = runStart + Math.floor(Math.random() * intervalMs);
    const producer = kafka.producer();
    await producer.connect();
    const topic = set.topic('syncRequests');
    while (Date.now() < runEnd) {
      const now = Date.now();
      const due = connections.filter((c) => c.nextDueAt <= now);
      const messages = [];
      for (const c of due) {
        c.nextDueAt = now + Math.round(intervalMs * (1 + (Math.random() * 2 - 1) * JITTER));
        if (c.pending) continue; // connection-service skips a connection whose sync has not finished
        const syncId = randomUUID();
        c.pending = { syncId, requestedAt: now };
        syncs.set(syncId, { connection: c, requestedAt: now });
        messages.push(
          syncRequestMessage({
            tenantId: c.tenantId,
            connectionId: c.id,
            syncId,
            domain: c.domain,
            trigger: 'schedule',
          }),
        );
      }
      if (messages.length) await producer.send({ topic, messages });
      await sleep(Math.min(1000, Math.max(50, intervalMs / 200)));
    }
    const end = Date.now();
    for (const c of connections) noteAge(c, end, measureFrom, runStart);
    const ingestCpuS = ingest.map((p, i) => cpuSeconds(p.pid) - (cpu0[i] as number));
    const catalogCpuS = catalog.map((p, i) => cpuSeconds(p.pid) - (catalogCpu0[i] as number));
    const benchCpu = process.cpuUsage(benchCpu0);
    const loadSeen = load.stop();
    const peakRss = rss.stop();
    await producer.disconnect();
    await watcher.disconnect();
    const smallFresh = connections.filter((c) => c.kind === 'small' && c.worstAgeMs <= 2 * intervalMs).length;
    return {
      replicas,
      catalogReplicas,
      connections,
      smallFresh,
      peakRss,
      ingestCpuS,
      catalogCpuS,
      benchCpuS: (benchCpu.user + benchCpu.system) / 1e6,
      wallS: (end - runStart) / 1000,
      load: loadSeen,
      completed,
      catalogRecordsPerS:
        lastAppliedAt > firstAppliedAt ? appliedRecords / ((lastAppliedAt - firstAppliedAt) / 1000) : 0,
      syncsApplied,
      appliedRecords,
      failures,
      smallSyncMs,
      largeSyncMs,
      measuredMs: end - measureFrom,
    };
  } finally {
    await set.stop();
    await okta.close();
    await vault.close();
  }
}

const s = (ms: number | undefined) => (ms === undefined ? 'n/a' : `${(ms / 1000).toFixed(1)}`);
console.log(
  `multi-tenant bench: ${tenants} tenants × ${smallPerTenant} small orgs per ingest replica (${small.users} users, ${small.groups} groups, ${small.apps} apps) + ${largeCount} large (${large.users}/${large.groups}/${large.apps}) in tenant 1; ` +
    `windows ${windowMs} ms (time scale 1:${timeScale}), interval ${intervalMs / 1000} s (= 6 h scaled), run ${intervals} intervals, measured after the first; ` +
    `per-token ceiling ${tokenShare === 'off' ? 'off' : `${tokenShare}%`}; SYNC_CONCURRENCY ${syncConcurrency}; load ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`,
);
const results: RunResult[] = [];
/** Projected small orgs per replica by CPU, by replica count. */
const capacities = new Map<number, number>();
for (const r of replicaSets) {
  console.log(`\n${r} ingest replica(s):`);
  const res = await run(r);
  results.push(res);
  const smallC = res.connections.filter((c) => c.kind === 'small');
  const largeC = res.connections.filter((c) => c.kind === 'large');
  const ages = smallC.map((c) => c.worstAgeMs);
  const byTenant = new Map<string, FleetConnection[]>();
  for (const c of smallC) byTenant.set(c.tenantId, [...(byTenant.get(c.tenantId) ?? []), c]);
  const tenantMedWait = [...byTenant.values()].map(
    (cs) =>
      percentile(
        cs.flatMap((c) => c.waitsMs),
        50,
      ) ?? 0,
  );
  const tenantWorst = [...byTenant.values()].map((cs) => Math.max(...cs.map((c) => c.worstAgeMs)));
  const ingestCpu = res.ingestCpuS.reduce((x, y) => x + y, 0);
  const completedSyncs = res.completed.small + res.completed.large;
  // Measured: ingest CPU per completed sync. With large orgs syncing, their CPU is counted against
  // the small syncs too (an upper bound for a small sync); with --large 0 it is the small sync's own.
  const cpuPerSync = ingestCpu / Math.max(1, completedSyncs);
  const catalogCpuPerSync = res.catalogCpuS.reduce((x, y) => x + y, 0) / Math.max(1, res.syncsApplied);
  const medSmallMs = percentile(res.smallSyncMs, 50) ?? 0;
  const cap = projectCapacity({
    cpuPerSmallSyncS: cpuPerSync,
    smallSyncMs: medSmallMs,
    timeScale,
    syncConcurrency,
  });
  capacities.set(r, cap.byCpu);
  console.log(
    formatTable(
      ['figure', 'value'],
      [
        ['small connections kept fresh (worst age ≤ 2 × interval)', `${res.smallFresh} / ${smallC.length}`],
        ['  per ingest replica', (res.smallFresh / r).toFixed(0)],
        [
          'worst / median / p95 data age of small orgs (× interval)',
          `${(Math.max(...ages) / intervalMs).toFixed(2)} / ${((percentile(ages, 50) ?? 0) / intervalMs).toFixed(2)} / ${((percentile(ages, 95) ?? 0) / intervalMs).toFixed(2)}`,
        ],
        [
          'large orgs: worst data age (× interval), syncs applied',
          largeC.map((c) => `${(c.worstAgeMs / intervalMs).toFixed(2)} (${c.applied})`).join(', ') || 'none',
        ],
        [
          'per-tenant fairness: median queue wait per tenant, min / max s',
          `${s(Math.min(...tenantMedWait))} / ${s(Math.max(...tenantMedWait))}`,
        ],
        [
          'per-tenant worst data age, min / max (× interval)',
          `${(Math.min(...tenantWorst) / intervalMs).toFixed(2)} / ${(Math.max(...tenantWorst) / intervalMs).toFixed(2)}`,
        ],
        [
          'small sync duration median / p95 s (scaled)',
          `${s(medSmallMs)} / ${s(percentile(res.smallSyncMs, 95))}`,
        ],
        [
          'syncs applied; failed; records per applied sync',
          `${res.syncsApplied}; ${res.connections.reduce((a, c) => a + c.failed, 0)}; ${(res.appliedRecords / Math.max(1, res.syncsApplied)).toFixed(0)}`,
        ],
        ['sync.failed reasons', [...res.failures].map(([r, n]) => `${r} ${n}`).join(', ') || 'none'],
        [
          'load average (1 min) during the run, min / median / max',
          `${res.load.min.toFixed(1)} / ${res.load.median.toFixed(1)} / ${res.load.max.toFixed(1)}`,
        ],
        [
          'measured: ingest CPU s per replica (share of a core it got)',
          res.ingestCpuS.map((x) => `${x.toFixed(0)} (${(x / res.wallS).toFixed(2)})`).join(', '),
        ],
        [
          'measured: syncs completed (small, large); records per small sync',
          `${res.completed.small}, ${res.completed.large}; ${(res.completed.smallRecords / Math.max(1, res.completed.small)).toFixed(0)}`,
        ],
        [
          `measured: ingest CPU s per completed sync${largeCount > 0 ? " (large orgs' CPU included: upper bound)" : ''}`,
          cpuPerSync.toFixed(3),
        ],
        ['measured: catalog CPU s per applied sync', catalogCpuPerSync.toFixed(3)],
        ['measured: bench process CPU s (Okta + Vault simulators)', res.benchCpuS.toFixed(0)],
        ['peak RSS', [...res.peakRss].map(([n, b]) => `${n} ${mib(b)}`).join(', ')],
        ['catalog apply throughput (records/s over the run)', res.catalogRecordsPerS.toFixed(0)],
        [
          `projected, real 60 s windows, 6 h: small orgs per 1-CPU replica by CPU (${TARGET_UTILISATION * 100}% busy)`,
          String(cap.byCpu),
        ],
        [
          `projected: by ${syncConcurrency} slots, syncs ${timeScale}× longer (rate-bound) / as long as measured`,
          `${cap.bySlotsRateBound} / ${cap.bySlotsAsMeasured}`,
        ],
        ['projected capacity per replica (the smaller: CPU or rate-bound slots)', String(cap.projected)],
      ],
    ),
  );
}
const one = results.find((r) => r.replicas === 1);
for (const res of results) {
  if (!one || res.replicas === 1) continue;
  const n = res.replicas;
  // Scaling from per-replica measured throughput: N replicas' projected capacity (N × what one of
  // them sustains at its measured CPU per sync) over one replica's. Contention on the shared
  // Postgres, Kafka and Redis shows as more CPU per sync; the machine's own CPU shortage does not.
  const scaled = (n * (capacities.get(n) ?? 0)) / Math.max(1, capacities.get(1) ?? 0);
  console.log(
    `scaling 1 → ${n} replicas: projected from per-replica CPU per sync ${scaled.toFixed(2)}× (target for 4: ≥ 3.5×); ` +
      `measured connections kept fresh ${(res.smallFresh / Math.max(1, one.smallFresh)).toFixed(2)}× (offered ${n}×)`,
  );
}
console.log(`load average at the end: ${loadAverage().toFixed(1)}`);
setTimeout(() => process.exit(0), 1000).unref();
