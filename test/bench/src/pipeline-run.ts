// The whole pipeline under load: the Okta simulator (many orgs), the Vault simulator and an SMTP catcher
// in this process; the four services as separate processes with their own Kafka topics, consumer groups,
// Postgres schemas and Redis prefix; every org connected through connection-service's public API at once;
// time to catalog-complete per org, Okta calls against the minimum, 429s, peak RSS and Kafka lag.
import { randomBytes } from 'node:crypto';
import { topicSpecs } from '@appgov/contracts';
import {
  type DeployableName,
  freeServicePorts,
  SERVICE_NAMES,
  type ServiceProcess,
  serviceEnv,
  startService,
  startSmtpCatcher,
} from '@appgov/e2e';
import { ensureTopics } from '@appgov/kafka';
import { type RunningSimulator, startOktaSimulator } from '@appgov/okta-simulator';
import { mintJwt, testEnv } from '@appgov/testing';
import { startVaultSimulator } from '@appgov/vault-simulator';
import type { Consumer } from 'kafkajs';
import pg from 'pg';
import { apiClient } from './lib/api.js';
import { benchKafka, LagSampler, lagFromMetrics, type SeenEvent, watchEvents } from './lib/kafka-watch.js';
import {
  type CallFigures,
  callFigures,
  createOrgs,
  type DatasetCountsMap,
  expectedCounts,
  rateLimitLowerBoundMs,
  total,
} from './lib/orgs.js';
import { mib, RssSampler } from './lib/rss.js';
import { type OrgSpec, type Scale, shareInForce } from './lib/scale.js';
import { formatTable, seconds, sleep } from './lib/table.js';

export interface PipelineOptions {
  scale: Scale;
  runId: string;
  /** Syncs one ingest process runs at once (SYNC_CONCURRENCY). */
  syncConcurrency: number;
  /** Share of each Okta bucket ingest may use (OKTA_BUCKET_SHARE; product default 0.5). */
  bucketShare: number;
  /** Requests in flight per org (OKTA_MAX_IN_FLIGHT). */
  maxInFlight?: number;
  timeoutMs: number;
  logLevel: string;
  keep: boolean;
  log?: (line: string) => void;
}

export interface PipelineOrgResult {
  domain: string;
  kind: OrgSpec['kind'];
  connectionId: string | undefined;
  /** From the POST to the catalog holding the sync (catalog.applied or the summary's lastAppliedSync). */
  completeMs: number | undefined;
  /** From the POST to ingest's sync.completed. */
  ingestMs: number | undefined;
  outcome: 'complete' | 'failed' | 'timeout' | 'not-connected';
  signal: string;
  detail?: string;
  /** Records the catalog holds per dataset after the run (summary counts). */
  catalog: DatasetCountsMap;
  expected: DatasetCountsMap;
  calls: CallFigures;
  /** Least time the rate limits allow for the minimum calls at the bucket share used. */
  lowerBoundMs: number;
}

export interface PipelineResult {
  wallMs: number;
  orgs: PipelineOrgResult[];
  peakRss: Map<string, number>;
  lagPeakAdmin: number;
  lagPeakMetrics: Map<string, number>;
  mails: number;
  /** The last lines each service wrote (warn level and above by default), for when an org did not finish. */
  logTails: Record<string, string>;
  settings: Record<string, string>;
  /** The share of each bucket the bound assumes: Appgov's share capped by the ceiling in force. */
  boundShare: number;
}

interface OrgState {
  spec: OrgSpec;
  connectionId?: string;
  postAt?: number;
  ingestAt?: number;
  appliedAt?: number;
  /** How completion was seen: the catalog.applied event, the summary's lastAppliedSync, or counts = the org. */
  signal?: 'event' | 'summary' | 'counts';
  failed?: string;
  summary?: { counts: Record<string, number>; lastAppliedSync: unknown };
}

export async function runPipeline(options: PipelineOptions): Promise<PipelineResult> {
  const log = options.log ?? ((line: string) => console.log(line));
  const { scale } = options;
  const prefix = `bench_${options.runId}`;
  const infra = testEnv();
  const cleanups: (() => Promise<unknown>)[] = [];
  const cleanup = async () => {
    for (const fn of cleanups.reverse()) await fn().catch((err) => log(`cleanup: ${String(err)}`));
  };

  // Interrupted (Ctrl-C, timeout): stop the service processes this run started before exiting.
  const children: ServiceProcess[] = [];
  const onSignal = (signal: NodeJS.Signals) => {
    log(`${signal}: stopping the services`);
    for (const c of children) c.kill();
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  cleanups.push(async () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  });

  try {
    // Simulators and the SMTP catcher, in this process.
    const okta: RunningSimulator = await startOktaSimulator({ windowMs: scale.windowMs });
    cleanups.push(() => okta.close());
    const genMs = createOrgs(okta.sim, scale.orgs, scale.latencyMs, scale.tokenSharePercent);
    log(`generated ${scale.orgs.length} orgs in ${genMs} ms`);
    const vaultToken = `hvs.${randomBytes(12).toString('hex')}`;
    const vault = await startVaultSimulator({ rootToken: vaultToken });
    cleanups.push(() => vault.close());
    const smtp = await startSmtpCatcher();
    cleanups.push(() => smtp.close());

    // Topics up front with the contract's partitions and configs, so the services find them ready.
    const kafka = benchKafka(infra.KAFKA_BROKERS);
    const admin = kafka.admin();
    await admin.connect();
    cleanups.push(() => admin.disconnect());
    const specs = topicSpecs({ prefix: `${prefix}.` });
    await ensureTopics(admin, specs);
    if (!options.keep) cleanups.push(() => admin.deleteTopics({ topics: specs.map((s) => s.name) }));

    const ports = await freeServicePorts();
    const endpoints = {
      prefix,
      oktaPort: okta.port,
      vaultUrl: vault.url,
      vaultToken,
      smtpPort: smtp.smtpPort,
      ports,
    };
    const settings: Record<string, string> = {
      SYNC_CONCURRENCY: String(options.syncConcurrency),
      OKTA_BUCKET_SHARE: String(options.bucketShare),
      OKTA_RATE_WINDOW_MS: String(scale.windowMs),
      LOG_LEVEL: options.logLevel,
      ...(options.maxInFlight ? { OKTA_MAX_IN_FLIGHT: String(options.maxInFlight) } : {}),
    };
    const extra: Record<string, string> = {
      ...settings,
      // One tenant polls its connections during the run; the per-tenant API limit is not what we measure.
      RATE_LIMIT_PER_MINUTE: '100000',
    };
    const dbSchemas: string[] = [];
    if (!options.keep)
      cleanups.push(async () => {
        const client = new pg.Client({ connectionString: infra.DATABASE_URL });
        await client.connect();
        for (const s of dbSchemas) await client.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
        await client.end();
      });
    // allSettled: when one service fails to start, the others still get stopped by the cleanup.
    const starts = await Promise.allSettled(
      SERVICE_NAMES.map(async (name) => {
        const env = { ...serviceEnv(name, endpoints), ...extra };
        dbSchemas.push(env.DB_SCHEMA as string);
        const proc = await startService({ name, port: ports[name], env, readyTimeoutMs: 120_000 });
        cleanups.push(() => proc.stop(10_000));
        children.push(proc);
        return proc;
      }),
    );
    const failedStart = starts.find((r) => r.status === 'rejected');
    if (failedStart) throw failedStart.reason;
    const services = starts.map((r) => (r as PromiseFulfilledResult<ServiceProcess>).value);
    const byName = new Map<DeployableName, ServiceProcess>(services.map((s) => [s.name, s]));
    log(`services ready: ${services.map((s) => `${s.name} pid ${s.pid}`).join(', ')}`);

    // Watch sync-status for sync.completed / catalog.applied / sync.failed.
    const states = new Map<string, OrgState>();
    const byConnection = new Map<string, OrgState>();
    const pending: SeenEvent[] = [];
    const onEvent = (e: SeenEvent) => {
      const st = byConnection.get(e.connectionId);
      if (!st) {
        pending.push(e);
        return;
      }
      if (e.type === 'sync.completed') st.ingestAt ??= e.receivedAt;
      else if (e.type === 'catalog.applied' && !st.appliedAt) {
        st.appliedAt = e.receivedAt;
        st.signal = 'event';
      } else if (e.type === 'sync.failed')
        st.failed ??= `${String(e.data.reasonCode)}: ${String(e.data.message)}`;
    };
    const watchGroup = `${prefix}.bench-watch`;
    const statusTopic = specs.find((s) => s.id === 'syncStatus')?.name as string;
    const watcher: Consumer = await watchEvents(kafka, statusTopic, watchGroup, onEvent);
    cleanups.push(() => watcher.disconnect());

    const rss = new RssSampler([
      ...services.map((s) => ({ name: s.name, pid: s.pid })),
      { name: 'bench (Okta/Vault sims, SMTP)', pid: process.pid },
    ]).start();
    const lag = new LagSampler(admin, `${prefix}.`, [watchGroup]).start();
    const lagMetrics = new Map<string, number>();
    const metricsTimer = setInterval(() => {
      for (const s of services)
        void fetch(`${s.url}/metrics`)
          .then((r) => r.text())
          .then((t) => {
            const v = lagFromMetrics(t);
            if (v >= (lagMetrics.get(s.name) ?? 0) && t.includes('appgov_kafka_consumer_lag'))
              lagMetrics.set(s.name, v);
          })
          .catch(() => undefined);
    }, 1000);
    metricsTimer.unref();

    const jwt = await mintJwt({
      sub: 'bench-admin',
      email: 'bench-admin@bench.example',
      tenant: `bench-tenant-${options.runId}`,
      roles: ['admin'],
    });
    const api = apiClient(jwt);
    const connUrl = `${byName.get('connection-service')?.url}/v1/integrations/okta/connections`;
    const catalogUrl = `${byName.get('catalog-service')?.url}/v1/catalog`;

    const expectedOf = new Map(scale.orgs.map((o) => [o.domain, expectedCounts(okta.sim.org(o.domain))]));
    for (const spec of scale.orgs) {
      okta.sim.org(spec.domain).resetRequestCounts();
      states.set(spec.domain, { spec });
    }

    // Connect every org at once through the public API.
    const started = Date.now();
    await Promise.all(
      scale.orgs.map(async (spec) => {
        const st = states.get(spec.domain) as OrgState;
        st.postAt = Date.now();
        const res = await api(connUrl, {
          method: 'POST',
          body: { domain: spec.domain, apiToken: okta.sim.org(spec.domain).token },
        }).catch((err: unknown) => ({ status: 0, body: { detail: String(err) } as Record<string, any> }));
        if (res.status !== 201 || !res.body?.id) {
          st.failed = `connect answered ${res.status}: ${JSON.stringify(res.body).slice(0, 300)}`;
          return;
        }
        st.connectionId = res.body.id as string;
        byConnection.set(st.connectionId, st);
      }),
    );
    for (const e of pending.splice(0)) onEvent(e);
    log(
      `connected ${byConnection.size}/${scale.orgs.length} orgs in ${Date.now() - started} ms; waiting for the catalog`,
    );

    // Until every org is applied, failed or the timeout: poll the summary (the event is the fast path).
    const deadline = started + options.timeoutMs;
    let lastReport = Date.now();
    for (;;) {
      const open = [...states.values()].filter((s) => s.connectionId && !s.appliedAt && !s.failed);
      if (open.length === 0 || Date.now() > deadline) break;
      await Promise.all(
        open.map(async (st) => {
          const r = await api(`${catalogUrl}/connections/${st.connectionId}/summary`).catch(() => undefined);
          if (r?.status === 200 && !st.appliedAt) {
            const counts = (r.body?.counts ?? {}) as DatasetCountsMap;
            const want = expectedOf.get(st.spec.domain) as DatasetCountsMap;
            if (r.body?.lastAppliedSync) {
              st.appliedAt = Date.now();
              st.signal = 'summary';
            } else if (Object.keys(want).every((d) => counts[d] === want[d])) {
              st.appliedAt = Date.now();
              st.signal = 'counts';
            }
          }
          if (!st.failed) {
            const c = await api(`${connUrl}/${st.connectionId}`).catch(() => undefined);
            if (c?.status === 200 && c.body?.status === 'error')
              st.failed = `connection error: ${c.body.statusReasonCode} ${c.body.statusMessage}`;
          }
        }),
      );
      if (Date.now() - lastReport > 15_000) {
        lastReport = Date.now();
        const done = [...states.values()].filter((s) => s.appliedAt).length;
        log(`  ${((Date.now() - started) / 1000).toFixed(0)} s: ${done}/${states.size} orgs in the catalog`);
      }
      await sleep(1000);
    }
    const wallMs =
      Math.max(...[...states.values()].map((s) => (s.appliedAt ?? Date.now()) - started), 0) ||
      Date.now() - started;
    clearInterval(metricsTimer);
    await lag.stop();
    const peakRss = rss.stop();

    const orgs: PipelineOrgResult[] = [];
    for (const st of states.values()) {
      const org = okta.sim.org(st.spec.domain);
      let catalog: DatasetCountsMap = {};
      if (st.connectionId) {
        const r = await api(`${catalogUrl}/connections/${st.connectionId}/summary`).catch(() => undefined);
        if (r?.status === 200) catalog = (r.body?.counts ?? {}) as DatasetCountsMap;
      }
      const outcome: PipelineOrgResult['outcome'] = !st.connectionId
        ? 'not-connected'
        : st.appliedAt
          ? 'complete'
          : st.failed
            ? 'failed'
            : 'timeout';
      orgs.push({
        domain: st.spec.domain,
        kind: st.spec.kind,
        connectionId: st.connectionId,
        completeMs: st.appliedAt && st.postAt ? st.appliedAt - st.postAt : undefined,
        ingestMs: st.ingestAt && st.postAt ? st.ingestAt - st.postAt : undefined,
        outcome,
        signal: st.signal ?? '-',
        ...(st.failed ? { detail: st.failed } : {}),
        catalog,
        expected: expectedCounts(org),
        calls: callFigures(org.requestCounts(), org.minimumCalls()),
        lowerBoundMs: rateLimitLowerBoundMs(
          org.minimumCalls(),
          scale.windowMs,
          shareInForce(scale, options.bucketShare),
        ),
      });
    }
    return {
      wallMs,
      orgs,
      peakRss,
      lagPeakAdmin: lag.peakTotal,
      lagPeakMetrics: lagMetrics,
      mails: smtp.mails.length,
      logTails: Object.fromEntries(services.map((s) => [s.name, s.output().slice(-3000)])),
      settings,
      boundShare: shareInForce(scale, options.bucketShare),
    };
  } finally {
    await cleanup();
  }
}

/** The per-org table and the totals of a pipeline run. */
export function formatPipelineResult(r: PipelineResult): string {
  const rows = r.orgs.map((o) => {
    const got = total(o.catalog);
    const want = total(o.expected);
    return [
      o.domain,
      o.outcome,
      o.signal,
      seconds(o.ingestMs),
      seconds(o.completeMs),
      seconds(o.lowerBoundMs),
      got,
      want,
      o.calls.total,
      o.calls.minimum,
      `${(o.calls.sync / Math.max(1, o.calls.minimum)).toFixed(2)}x`,
      o.calls.rateLimited,
    ];
  });
  const sum = (f: (o: PipelineOrgResult) => number) => r.orgs.reduce((a, o) => a + f(o), 0);
  const records = sum((o) => total(o.catalog));
  const lines = [
    formatTable(
      [
        'org',
        'outcome',
        'seen by',
        'ingest s',
        'catalog s',
        'bound s',
        'records',
        'expected',
        'okta calls',
        'minimum',
        'sync/min',
        '429s',
      ],
      rows,
    ),
    '',
    `Appgov pipeline (${Object.entries(r.settings)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ')}):`,
    `  wall time (first POST → last org in the catalog) ${seconds(r.wallMs)} s; ${records} records in the catalog; ${(records / (r.wallMs / 1000)).toFixed(0)} records/s end to end`,
    `  Okta calls ${sum((o) => o.calls.total)} (of which sync listings ${sum((o) => o.calls.sync)}; minimum ${sum((o) => o.calls.minimum)}); 429s ${sum((o) => o.calls.rateLimited)} (concurrency ${sum((o) => o.calls.concurrencyLimited)})`,
    `  peak RSS: ${[...r.peakRss].map(([n, b]) => `${n} ${mib(b)}`).join(', ')}`,
    `  Kafka consumer lag peak: ${r.lagPeakAdmin} messages (admin offsets, all service groups); from /metrics: ${
      [...r.lagPeakMetrics].map(([n, v]) => `${n} ${v}`).join(', ') || 'none reported'
    }`,
    `  emails caught: ${r.mails}`,
    `  bound s: least time the rate limits allow for the minimum calls at ${Math.round(r.boundShare * 100)}% of each bucket (Appgov's share capped by the ceiling in force; slowest bucket)`,
    '  seen by: event = catalog.applied on sync-status; summary = lastAppliedSync set; counts = summary counts equal the org',
  ];
  for (const o of r.orgs) {
    const diff = Object.keys(o.expected)
      .filter((d) => (o.catalog[d] ?? 0) !== o.expected[d])
      .map((d) => `${d} ${o.catalog[d] ?? 0}/${o.expected[d]}`);
    if (diff.length) lines.push(`  ${o.domain}: catalog/expected differ: ${diff.join(', ')}`);
    if (o.detail) lines.push(`  ${o.domain}: ${o.detail}`);
  }
  return lines.join('\n');
}
