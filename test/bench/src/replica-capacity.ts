// One ingest replica's capacity at Okta's real rate-limit windows (issue 16), measured instead of
// projected: a fleet of N small orgs per replica whose syncs come due spread evenly over a 6 h
// interval (as connection-service's scheduler spreads them), watched for a slice of that interval.
//   node dist/src/replica-capacity.js [--replicas 1,4] [--orgs-per-replica 5000] [--tenants 20]
//     [--slice-min 30] [--drain-min 5] [--interval-min 360] [--window-ms 60000]
//     [--cpus 1] [--memory-mib 512] [--small-users 200 --small-groups 10 --small-apps 8]
//     [--token-share 50|off] [--sync-concurrency 128] [--cpu-prof DIR]
//     [--node-options '...' (added after the chart's heap flags, e.g. to try another GC sizing)] [--help]
// Each ingest replica runs in a cgroup of its own with the chart's limits (1 CPU, 512 MiB) when
// the machine allows one (root, writable cgroups); catalog replicas are not limited.
//
// Why a slice: a replica keeps a fleet fresh when it finishes syncs at the rate the fleet asks for
// them (fleet ÷ interval) with no backlog building up; a connection's data is then never older than
// the interval (± 10% jitter) plus its sync's request-to-applied lag. The slice measures exactly
// that rate, at real windows, for slice ÷ interval of the fleet: only the orgs due inside the slice
// are generated (just before they come due) and removed from the simulator once applied, because a
// connection that is not syncing costs ingest nothing (no per-connection state between syncs).
// It does not measure a whole interval; the backlog sampled every minute shows whether it holds.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { startOktaSimulator } from '@appgov/okta-simulator';
import { uniqueName } from '@appgov/testing';
import { startVaultSimulator } from '@appgov/vault-simulator';
import { Args } from './lib/args.js';
import { type CgroupStats, ReplicaCgroup } from './lib/cgroup.js';
import { watchEvents } from './lib/kafka-watch.js';
import { mib, RssSampler } from './lib/rss.js';
import { syncRequestMessage } from './lib/sync-request.js';
import { formatTable, sleep } from './lib/table.js';
import { cpuSeconds, LoadSampler } from './multi-tenant/capacity.js';
import { percentile } from './multi-tenant/freshness.js';
import { provisionOrg } from './multi-tenant/provision.js';
import { startReplicaSet } from './multi-tenant/replica-set.js';

const args = new Args();
args.helpFromHeader(import.meta.url);
const replicaSets = args.str<string>('replicas', '1,4').split(',').map(Number);
const orgsPerReplica = args.int('orgs-per-replica', 5000);
const tenants = args.int('tenants', 20);
const sliceMs = Number(args.str<string>('slice-min', '30')) * 60_000;
const drainMs = Number(args.str<string>('drain-min', '5')) * 60_000;
const intervalMs = Number(args.str<string>('interval-min', '360')) * 60_000;
const windowMs = args.int('window-ms', 60_000);
const cpus = Number(args.str<string>('cpus', '1'));
const memoryMiB = args.int('memory-mib', 512);
const small = {
  users: args.int('small-users', 200),
  groups: args.int('small-groups', 10),
  apps: args.int('small-apps', 8),
};
const tokenShare: string = args.str<string>('token-share', '50');
const syncConcurrency = args.int('sync-concurrency', 128);
/** Where the ingest replicas write a V8 CPU profile when they stop (to find what a sync spends CPU on). */
const cpuProfDir = args.str<string>('cpu-prof', '');
const extraNodeOptions = args.str<string>('node-options', '');
const JITTER = 0.1;

interface Sync {
  connectionId: string;
  tenantId: string;
  domain: string;
  requestedAt: number;
  startedAt?: number;
  completedAt?: number;
  appliedAt?: number;
  failed?: string;
}

interface BacklogSample {
  atMin: number;
  requested: number;
  applied: number;
  /** Requested and neither applied nor failed yet. */
  pending: number;
  oldestPendingS: number;
}

async function run(replicas: number) {
  const prefix = uniqueName('benchcap');
  const fleet = orgsPerReplica * replicas;
  const rateLimits =
    tokenShare === 'off'
      ? { perTokenShare: false }
      : { perTokenShare: true, tokenSharePercent: Number(tokenShare) };
  // Due times spread evenly over the interval, one at a random point of each fleet-th of it (so the
  // slice holds its share of the fleet to within one, run after run): the ones inside the slice are
  // all this run requests.
  const dueOffsets = Array.from(
    { length: fleet },
    (_, i) => ((i + Math.random()) * intervalMs) / fleet,
  ).filter((o) => o < sliceMs);
  const tenantIds = Array.from({ length: tenants }, () => randomUUID());
  const okta = await startOktaSimulator({ windowMs });
  const vaultToken = `hvs.${randomUUID().replace(/-/g, '')}`;
  const vault = await startVaultSimulator({ rootToken: vaultToken });
  const cgroups = Array.from({ length: replicas }, (_, i) =>
    ReplicaCgroup.create(`${prefix}-ingest-${i + 1}`, cpus, memoryMiB),
  );
  const set = await startReplicaSet({
    prefix,
    oktaPort: okta.port,
    vault: { url: vault.url, token: vaultToken },
    ingestReplicas: replicas,
    catalogReplicas: replicas,
    env: {
      LOG_LEVEL: 'warn',
      OKTA_RATE_WINDOW_MS: String(windowMs),
      SYNC_CONCURRENCY: String(syncConcurrency),
    },
    ingestEnv: (i) => {
      const join = cgroups[i]?.joinOnStartEnv() ?? {};
      const prof = cpuProfDir ? `--cpu-prof --cpu-prof-dir=${cpuProfDir}` : '';
      const nodeOptions = [join.NODE_OPTIONS, prof, extraNodeOptions].filter(Boolean).join(' ');
      return { ...join, ...(nodeOptions ? { NODE_OPTIONS: nodeOptions } : {}) };
    },
  }).catch(async (err) => {
    for (const g of cgroups) g?.remove();
    await okta.close();
    await vault.close();
    throw err;
  });
  const limited = cgroups.every((g, i) => g?.has(set.ingest[i]?.pid ?? -1));
  console.log(
    `  ${fleet} orgs in the fleet, ${dueOffsets.length} due in the ${sliceMs / 60_000}-min slice; ingest replicas ` +
      (limited
        ? `limited to ${cpus} CPU, ${memoryMiB} MiB (cgroup)`
        : 'NOT limited (no writable cgroup here)') +
      `; service logs ${set.logs}`,
  );
  try {
    const rss = new RssSampler([
      ...set.ingest.map((p, i) => ({ name: `ingest-${i + 1}`, pid: p.pid })),
      ...set.catalog.map((p, i) => ({ name: `catalog-${i + 1}`, pid: p.pid })),
    ]).start();
    const ingestCpu0 = set.ingest.map((p) => cpuSeconds(p.pid));
    const catalogCpu0 = set.catalog.map((p) => cpuSeconds(p.pid));
    const benchCpu0 = process.cpuUsage();
    const load = new LoadSampler().start();
    const syncs = new Map<string, Sync>();
    const failures = new Map<string, number>();
    const watcher = await watchEvents(set.kafka, set.topic('syncStatus'), `${prefix}.bench-watch`, (e) => {
      const s = syncs.get(String(e.data.syncId));
      if (!s) return;
      if (e.type === 'sync.started') s.startedAt ??= e.receivedAt;
      else if (e.type === 'sync.completed') s.completedAt = e.receivedAt;
      else if (e.type === 'catalog.applied' || e.type === 'sync.failed') {
        if (e.type === 'catalog.applied') s.appliedAt = e.receivedAt;
        else {
          s.failed = `${String(e.data.reasonCode)} (${String(e.data.message)})`;
          failures.set(s.failed, (failures.get(s.failed) ?? 0) + 1);
        }
        // Done with this org: the simulator keeps only the orgs still syncing.
        okta.sim.deleteOrg(s.domain);
      }
    });
    const producer = set.kafka.producer();
    await producer.connect();
    const requestTopic = set.topic('syncRequests');
    const backlog: BacklogSample[] = [];
    const sampleBacklog = (now: number) => {
      const all = [...syncs.values()];
      const open = all.filter((s) => !s.appliedAt && !s.failed);
      backlog.push({
        atMin: Math.round((now - runStart) / 60_000),
        requested: all.length,
        applied: all.filter((s) => s.appliedAt).length,
        pending: open.length,
        oldestPendingS: open.length
          ? Math.max(0, now - Math.min(...open.map((s) => s.requestedAt))) / 1000
          : 0,
      });
    };
    const runStart = Date.now();
    let next = 0;
    let seq = 0;
    let nextSampleAt = runStart + 60_000;
    while (Date.now() < runStart + sliceMs) {
      const now = Date.now();
      const messages = [];
      while (next < dueOffsets.length && runStart + (dueOffsets[next] as number) <= now) {
        next++;
        const tenantId = tenantIds[seq % tenants] as string;
        const domain = `cap-${String(++seq).padStart(6, '0')}.okta.com`;
        const { connectionId } = await provisionOrg(okta, { url: vault.url, token: vaultToken }, tenantId, {
          domain,
          seed: seq,
          counts: small,
          rateLimits,
        });
        const syncId = randomUUID();
        syncs.set(syncId, { connectionId, tenantId, domain, requestedAt: Date.now() });
        messages.push(syncRequestMessage({ tenantId, connectionId, syncId, domain, trigger: 'schedule' }));
      }
      if (messages.length) await producer.send({ topic: requestTopic, messages });
      if (now >= nextSampleAt) {
        sampleBacklog(now);
        nextSampleAt += 60_000;
      }
      await sleep(200);
    }
    const sliceEnd = Date.now();
    sampleBacklog(sliceEnd);
    // The syncs requested inside the slice get time to finish; their lag is part of the figures.
    const drainEnd = sliceEnd + drainMs;
    while (Date.now() < drainEnd && [...syncs.values()].some((s) => !s.appliedAt && !s.failed))
      await sleep(500);
    sampleBacklog(Date.now());
    const wallS = (Date.now() - runStart) / 1000;
    const ingestCpuS = set.ingest.map((p, i) => cpuSeconds(p.pid) - (ingestCpu0[i] as number));
    const catalogCpuS = set.catalog.map((p, i) => cpuSeconds(p.pid) - (catalogCpu0[i] as number));
    const benchCpu = process.cpuUsage(benchCpu0);
    const limits: (CgroupStats | undefined)[] = cgroups.map((g) => g?.stats());
    const loadSeen = load.stop();
    const peakRss = rss.stop();
    await producer.disconnect();
    await watcher.disconnect();
    return {
      replicas,
      fleet,
      syncs: [...syncs.values()],
      failures,
      backlog,
      wallS,
      sliceS: (sliceEnd - runStart) / 1000,
      ingestCpuS,
      catalogCpuS,
      benchCpuS: (benchCpu.user + benchCpu.system) / 1e6,
      limits,
      load: loadSeen,
      peakRss,
      ingestPids: set.ingest.map((p) => p.pid),
    };
  } finally {
    await set.stop();
    for (const g of cgroups) g?.remove();
    await okta.close();
    await vault.close();
  }
}

const sec = (ms: number | undefined) => (ms === undefined ? 'n/a' : (ms / 1000).toFixed(1));
console.log(
  `replica capacity bench: ${orgsPerReplica} small orgs per ingest replica (${small.users} users, ${small.groups} groups, ${small.apps} apps) over ${tenants} tenants; ` +
    `interval ${intervalMs / 60_000} min, each due once ± ${JITTER * 100}%; windows ${windowMs} ms; slice ${sliceMs / 60_000} min + up to ${drainMs / 60_000} min to finish; ` +
    `per-token ceiling ${tokenShare === 'off' ? 'off' : `${tokenShare}%`}; SYNC_CONCURRENCY ${syncConcurrency}; load ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`,
);
// The fleet a replica set kept fresh: all of it when every sync the slice asked for was applied,
// none failed, the worst data age stayed within the 2 × interval target and the backlog held steady
// (a slice that ends with far more syncs open than its first half had would not hold for an
// interval, even when the drain lets every one finish); otherwise none of it.
const keptFresh = new Map<number, number>();
for (const r of replicaSets) {
  console.log(`\n${r} ingest replica(s), fleet ${orgsPerReplica * r}:`);
  const res = await run(r);
  const applied = res.syncs.filter((s) => s.appliedAt);
  const lags = applied.map((s) => (s.appliedAt as number) - s.requestedAt);
  const waits = res.syncs.filter((s) => s.startedAt).map((s) => (s.startedAt as number) - s.requestedAt);
  const durations = res.syncs
    .filter((s) => s.startedAt && s.completedAt)
    .map((s) => (s.completedAt as number) - (s.startedAt as number));
  const unfinished = res.syncs.filter((s) => !s.appliedAt && !s.failed).length;
  const worstLag = Math.max(0, ...lags);
  // A connection is asked again an interval (± jitter) after its last request; its data is at most
  // that old plus the lag of the sync that replaces it.
  const worstAge = (intervalMs * (1 + JITTER) + worstLag) / intervalMs;
  const ingestCpu = res.ingestCpuS.reduce((a, b) => a + b, 0);
  const offeredPerHour = (res.syncs.length / res.sliceS) * 3600;
  const inSlice = res.backlog.slice(0, -1); // the last sample is taken after the drain
  const firstHalfPeak = Math.max(
    0,
    ...inSlice.filter((b) => b.atMin <= res.sliceS / 120).map((b) => b.pending),
  );
  const sliceEndPending = inSlice.at(-1)?.pending ?? 0;
  const steady = sliceEndPending <= 1.25 * firstHalfPeak + 2;
  const fresh = applied.length === res.syncs.length && worstAge <= 2 && steady;
  keptFresh.set(r, fresh ? res.fleet : 0);
  console.log(
    formatTable(
      ['figure', 'value'],
      [
        [
          'measured: syncs requested in the slice (rate per hour)',
          `${res.syncs.length} (${offeredPerHour.toFixed(0)}/h; the fleet asks ${((orgsPerReplica * r) / (intervalMs / 3_600_000)).toFixed(0)}/h)`,
        ],
        [
          'measured: applied; failed; unfinished at the end',
          `${applied.length}; ${res.syncs.filter((s) => s.failed).length}; ${unfinished}`,
        ],
        ['sync.failed reasons', [...res.failures].map(([k, n]) => `${k} ${n}`).join(', ') || 'none'],
        [
          'measured: queue wait (requested → started) median / p95 / max s',
          `${sec(percentile(waits, 50))} / ${sec(percentile(waits, 95))} / ${sec(Math.max(0, ...waits))}`,
        ],
        [
          'measured: sync duration (started → completed) median / p95 / max s',
          `${sec(percentile(durations, 50))} / ${sec(percentile(durations, 95))} / ${sec(Math.max(0, ...durations))}`,
        ],
        [
          'measured: lag (requested → catalog applied) median / p95 / max s',
          `${sec(percentile(lags, 50))} / ${sec(percentile(lags, 95))} / ${sec(worstLag)}`,
        ],
        [
          'backlog each minute (pending / oldest s)',
          res.backlog.map((b) => `${b.atMin}′ ${b.pending}/${b.oldestPendingS.toFixed(0)}`).join(', '),
        ],
        [
          'backlog steady: open at the slice end vs the first half’s peak',
          `${steady ? 'yes' : 'NO'} (${sliceEndPending} vs ${firstHalfPeak})`,
        ],
        ['derived: worst data age = interval × 1.1 + worst lag (× interval)', worstAge.toFixed(3)],
        [
          'measured: ingest CPU s per replica (share of a core over the run)',
          res.ingestCpuS.map((x) => `${x.toFixed(0)} (${(x / res.wallS).toFixed(2)})`).join(', '),
        ],
        ['measured: ingest CPU s per applied sync', (ingestCpu / Math.max(1, applied.length)).toFixed(3)],
        ['measured: catalog CPU s per replica', res.catalogCpuS.map((x) => x.toFixed(0)).join(', ')],
        ['measured: bench process CPU s (simulators, org generation)', res.benchCpuS.toFixed(0)],
        [
          'measured: ingest cgroup: throttled periods / periods, peak memory charged, OOM kills',
          res.limits
            .map((l) =>
              l
                ? `${l.throttledPeriods}/${l.periods}, ${mib(l.memoryPeakBytes)}, ${l.oomKills}`
                : 'not limited',
            )
            .join('; '),
        ],
        ['measured: peak RSS', [...res.peakRss].map(([n, b]) => `${n} ${mib(b)}`).join(', ')],
        [
          'load average (1 min) during the run, min / median / max',
          `${res.load.min.toFixed(1)} / ${res.load.median.toFixed(1)} / ${res.load.max.toFixed(1)}`,
        ],
      ],
    ),
  );
}
for (const [r, fleet] of keptFresh)
  console.log(
    `${r} replica(s): ${fleet ? `kept the fleet of ${fleet} fresh` : 'did NOT keep its fleet fresh'}`,
  );
const one = keptFresh.get(1);
for (const [r, fleet] of keptFresh)
  if (one && r !== 1)
    console.log(`fleet kept fresh, 1 → ${r} replicas: ${(fleet / one).toFixed(2)}× (target for 4: ≥ 3.5×)`);
setTimeout(() => process.exit(0), 1000).unref();
