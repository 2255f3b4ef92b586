#!/usr/bin/env node
// Reliability under disturbance (SPEC §11): "killing Kafka, Postgres, Redis or a service mid-sync loses
// no record and no event; the sync completes after recovery with the same catalog content as an
// undisturbed one."
//   node test/bench/dist/src/chaos.js [--only kafka,postgres,redis,connection-service,...]
//     [--users 2000 --groups 100 --apps 40] [--window-ms 20000] [--at 0.5] [--down-s 5] [--timeout-s 300]
// It kills infrastructure, so it runs its OWN Postgres, Redis and Kafka (started with deploy/local's
// scripts under --state, on --pg-port/--redis-port/--kafka-port), never the shared ones; it stops them at
// the end (--keep-infra leaves them up). See docs/benchmarks.md, "Reliability under disturbance".
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { topicSpecs } from '@appgov/contracts';
import {
  freeServicePorts,
  repoRoot,
  SERVICE_NAMES,
  type ServiceName,
  type ServiceProcess,
  type StackEndpoints,
  serviceEnv,
  startService,
  startSmtpCatcher,
} from '@appgov/e2e';
import { ensureTopics } from '@appgov/kafka';
import { type OrgHandle, SIZE_PRESETS, startOktaSimulator } from '@appgov/okta-simulator';
import { mintJwt } from '@appgov/testing';
import { startVaultSimulator } from '@appgov/vault-simulator';
import type { Kafka } from 'kafkajs';
import pg from 'pg';
import { type Api, apiClient } from './lib/api.js';
import { Args } from './lib/args.js';
import { benchKafka } from './lib/kafka-watch.js';
import { expectedCounts, rateLimitLowerBoundMs, total } from './lib/orgs.js';
import { formatTable, seconds, sleep } from './lib/table.js';

if (Number(process.versions.node.split('.')[0]) < 24) {
  console.error('Node 24 is needed: export PATH=/work/main/.tools/bin:/work/main/node_modules/.bin:$PATH');
  process.exit(2);
}

const INFRA = ['kafka', 'postgres', 'redis'] as const;
type Infra = (typeof INFRA)[number];
type Disturbance = Infra | ServiceName;
const ALL: readonly Disturbance[] = [...INFRA, ...SERVICE_NAMES];
// The shared instances other engineers' tests use: this bench must never touch them.
const SHARED_PORTS = new Set(['55432', '56379', '59092', '59093']);

const args = new Args();
if (args.flag('help')) {
  console.log(`usage: node test/bench/dist/src/chaos.js [flags]
  --only LIST          disturbances, comma-separated, repeats allowed (default all: ${ALL.join(',')})
  --users/--groups/--apps N   the generated org (default the small preset: ${SIZE_PRESETS.small.users}/${SIZE_PRESETS.small.groups}/${SIZE_PRESETS.small.apps})
  --window-ms MS       rate-limit window (default 20000, so a sync takes about a minute)
  --at F               disturb at this share of the reference sync's duration (default 0.5: midway)
  --down-s S           seconds the killed piece stays down (default 5)
  --timeout-s S        give up waiting for a completed sync S seconds after recovery (default 300)
  --state DIR          private infrastructure folder (default /tmp/appgov-chaos/.local)
  --pg-port/--redis-port/--kafka-port/--kafka-controller-port   private ports (55532/56479/59192/59193)
  --keep-infra         leave the private infrastructure running at the end
  --keep               keep each scenario's schemas and topics`);
  process.exit(0);
}

const only = args.str('only', ALL.join(','));
const disturbances = only.split(',').map((s) => s.trim()) as Disturbance[];
for (const d of disturbances) if (!ALL.includes(d)) throw new Error(`--only: unknown disturbance ${d}`);
const windowMs = args.int('window-ms', 20_000);
const at = Number(args.str('at', '0.5'));
const downMs = args.int('down-s', 5) * 1000;
const timeoutMs = args.int('timeout-s', 300) * 1000;
const keep = args.flag('keep');
const counts = {
  users: args.int('users', SIZE_PRESETS.small.users),
  groups: args.int('groups', SIZE_PRESETS.small.groups),
  apps: args.int('apps', SIZE_PRESETS.small.apps),
};

// Private infrastructure: deploy/local's scripts read these (deploy/local/env.sh), and so do the
// services (serviceEnv → testEnv reads DATABASE_URL/REDIS_URL/KAFKA_BROKERS from this process).
const infraEnv = {
  APPGOV_STATE: args.str('state', '/tmp/appgov-chaos/.local'),
  PG_PORT: String(args.int('pg-port', 55532)),
  REDIS_PORT: String(args.int('redis-port', 56479)),
  KAFKA_PORT: String(args.int('kafka-port', 59192)),
  KAFKA_CONTROLLER_PORT: String(args.int('kafka-controller-port', 59193)),
};
for (const p of [infraEnv.PG_PORT, infraEnv.REDIS_PORT, infraEnv.KAFKA_PORT, infraEnv.KAFKA_CONTROLLER_PORT])
  if (SHARED_PORTS.has(p))
    throw new Error(`port ${p} is the shared infrastructure's; this bench kills what it uses`);
if (infraEnv.APPGOV_STATE === join(repoRoot, '.local'))
  throw new Error('--state must not be the shared .local');
Object.assign(process.env, infraEnv, {
  DATABASE_URL: `postgres://appgov:appgov@127.0.0.1:${infraEnv.PG_PORT}/appgov`,
  REDIS_URL: `redis://127.0.0.1:${infraEnv.REDIS_PORT}`,
  KAFKA_BROKERS: `127.0.0.1:${infraEnv.KAFKA_PORT}`,
});
const DATABASE_URL = process.env.DATABASE_URL as string;

/** Runs one of deploy/local's scripts against the private instances. */
function infraScript(script: string, action?: 'start' | 'stop'): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [join(repoRoot, 'deploy/local', script), ...(action ? [action] : [])], {
      env: { ...process.env, ...infraEnv },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (b: Buffer) => {
      err += b.toString();
    });
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${script} ${action ?? ''} exited ${code}: ${err.trim()}`)),
    );
  });
}

// ---------------------------------------------------------------------------------------------------
// One stack: the four services with their own topics, schemas and Redis prefix, supervised like a
// kubelet would (a service that exits by itself is restarted after 2 s and counted).

interface Stack {
  prefix: string;
  kafka: Kafka;
  topics: { appInventory: string; dlq: string; all: string[] };
  catalogSchema: string;
  schemas: string[];
  urls: Record<ServiceName, string>;
  /** SIGKILL, wait `downMs`, start again; resolves once it is ready. */
  killAndRestart(name: ServiceName, downMs: number): Promise<void>;
  /** Services that exited without being told to, with when. */
  crashes: { name: ServiceName; at: number; code: number | null }[];
  stop(): Promise<void>;
}

interface SharedSims {
  oktaPort: number;
  vaultUrl: string;
  vaultToken: string;
  smtpPort: number;
}

async function startStack(prefix: string, sims: SharedSims): Promise<Stack> {
  const kafka = benchKafka(process.env.KAFKA_BROKERS as string);
  const specs = topicSpecs({ prefix: `${prefix}.` });
  const admin = kafka.admin();
  await admin.connect();
  await ensureTopics(admin, specs);
  await admin.disconnect();
  const ports = await freeServicePorts();
  const endpoints: StackEndpoints = { prefix, ...sims, ports };
  const envs = new Map<ServiceName, Record<string, string>>();
  for (const name of SERVICE_NAMES)
    envs.set(name, {
      ...serviceEnv(name, endpoints),
      LOG_LEVEL: 'warn',
      OKTA_RATE_WINDOW_MS: String(windowMs),
      // The bench polls the APIs every second; the per-tenant API limit is not what is measured.
      RATE_LIMIT_PER_MINUTE: '100000',
    });
  // Each service's output, kept after the run as the evidence behind a failed sync.
  const logDir = join(infraEnv.APPGOV_STATE, '..', 'logs', prefix);
  mkdirSync(logDir, { recursive: true });
  const procs = new Map<ServiceName, ServiceProcess>();
  const expectedExit = new Set<ServiceName>();
  const crashes: Stack['crashes'] = [];
  let stopping = false;
  const launch = async (name: ServiceName): Promise<void> => {
    const proc = await startService({
      name,
      port: ports[name],
      env: envs.get(name) as Record<string, string>,
      logFile: join(logDir, `${name}.log`),
      readyTimeoutMs: 180_000,
    });
    procs.set(name, proc);
    children.add(proc);
    void proc.exited.then(() => children.delete(proc));
    void proc.exited.then(async (code) => {
      if (stopping || expectedExit.has(name) || procs.get(name) !== proc) return;
      crashes.push({ name, at: Date.now(), code });
      console.log(`  ! ${name} exited by itself (code ${code}); restarting it in 2 s`);
      console.log(indent(proc.output().slice(-1500)));
      await sleep(2000);
      await launchUntilUp(name);
    });
  };
  // While infrastructure is down a service may fail to become ready; keep trying, as a supervisor would.
  const launchUntilUp = async (name: ServiceName): Promise<void> => {
    for (let attempt = 1; !stopping; attempt++) {
      try {
        await launch(name);
        return;
      } catch (error) {
        console.log(`  ! ${name} did not start (attempt ${attempt}): ${String(error).slice(0, 300)}`);
        await sleep(3000);
      }
    }
  };
  // One after another: four cold Node starts at once take longer on 2 shared cores than in a row.
  for (const name of SERVICE_NAMES) await launch(name);
  const env = (name: ServiceName) => envs.get(name) as Record<string, string>;
  return {
    prefix,
    kafka,
    topics: {
      appInventory: specs.find((s) => s.id === 'appInventory')?.name as string,
      dlq: specs.find((s) => s.id === 'dlq')?.name as string,
      all: specs.map((s) => s.name),
    },
    catalogSchema: env('catalog-service').DB_SCHEMA as string,
    schemas: SERVICE_NAMES.map((n) => env(n).DB_SCHEMA as string),
    urls: Object.fromEntries(SERVICE_NAMES.map((n) => [n, `http://127.0.0.1:${ports[n]}`])) as Record<
      ServiceName,
      string
    >,
    crashes,
    async killAndRestart(name, ms) {
      const proc = procs.get(name) as ServiceProcess;
      expectedExit.add(name);
      proc.kill();
      await proc.exited;
      await sleep(ms);
      expectedExit.delete(name);
      await launchUntilUp(name);
    },
    async stop() {
      stopping = true;
      await Promise.all([...procs.values()].map((p) => p.stop(10_000)));
      if (keep) return;
      const a = kafka.admin();
      await a.connect();
      await a.deleteTopics({ topics: specs.map((s) => s.name) }).catch(() => undefined);
      await a.disconnect();
      const client = new pg.Client({ connectionString: DATABASE_URL });
      await client.connect();
      for (const s of SERVICE_NAMES.map((n) => env(n).DB_SCHEMA))
        await client.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
      await client.end();
    },
  };
}

// Interrupted: stop every service process this run started (the infrastructure is left to --keep-infra rules).
const children = new Set<ServiceProcess>();
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => {
    console.log(`${signal}: stopping the services and the private infrastructure`);
    for (const c of children) c.kill();
    void infraScript('down.sh').finally(() => process.exit(130));
  });

const indent = (text: string) =>
  text
    .trim()
    .split('\n')
    .map((l) => `      ${l}`)
    .join('\n');

// ---------------------------------------------------------------------------------------------------
// What is compared: the catalog's tables for the connection and the app-inventory events.

// Columns that legitimately differ between two runs: whose row, which sync saw it, generated ids, times.
const VOLATILE = ['tenant_id', 'connection_id', 'first_seen_sync', 'last_seen_sync'];
const CATALOG_TABLES: Record<string, string[]> = {
  users: [],
  user_roles: [],
  groups: [],
  group_members: [],
  group_apps: [],
  apps: [],
  app_users: [],
  app_grants: [],
  api_tokens: [],
  findings: ['id', 'first_seen'],
};

/** Each table's rows of one connection as canonical JSON text (jsonb prints keys in a fixed order). */
type CatalogContent = Map<string, Map<string, number>>;

async function catalogContent(schema: string, connectionId: string): Promise<CatalogContent> {
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  try {
    const out: CatalogContent = new Map();
    for (const [table, extra] of Object.entries(CATALOG_TABLES)) {
      const drop = [...VOLATILE, ...extra].map((c) => ` - '${c}'`).join('');
      const { rows } = await client.query<{ r: string }>(
        `SELECT (to_jsonb(t)${drop})::text AS r FROM "${schema}".${table} t WHERE connection_id = $1`,
        [connectionId],
      );
      const m = new Map<string, number>();
      for (const { r } of rows) m.set(r, (m.get(r) ?? 0) + 1);
      out.set(table, m);
    }
    return out;
  } finally {
    await client.end();
  }
}

/** Rows in one and not the other (multiset difference both ways), per table. */
function catalogDiff(ref: CatalogContent, got: CatalogContent): { size: number; byTable: string[] } {
  let size = 0;
  const byTable: string[] = [];
  for (const table of Object.keys(CATALOG_TABLES)) {
    const a = ref.get(table) ?? new Map();
    const b = got.get(table) ?? new Map();
    let missing = 0;
    let extra = 0;
    let example = '';
    for (const [row, n] of a) {
      const d = n - (b.get(row) ?? 0);
      if (d > 0) {
        missing += d;
        example ||= `missing ${row.slice(0, 160)}`;
      }
    }
    for (const [row, n] of b) {
      const d = n - (a.get(row) ?? 0);
      if (d > 0) {
        extra += d;
        example ||= `extra ${row.slice(0, 160)}`;
      }
    }
    if (missing || extra) byTable.push(`${table}: ${missing} missing, ${extra} extra (e.g. ${example})`);
    size += missing + extra;
  }
  return { size, byTable };
}

const rowCount = (c: CatalogContent) =>
  [...c.values()].reduce((a, m) => a + [...m.values()].reduce((x, y) => x + y, 0), 0);

interface InventoryEvent {
  id: string;
  type: string;
  subject: string;
  syncId: string | undefined;
}

/** Every message of a topic from the beginning to its current end (a fresh consumer group). */
async function readTopic(kafka: Kafka, topic: string): Promise<Buffer[]> {
  const admin = kafka.admin();
  await admin.connect();
  const offsets = await admin.fetchTopicOffsets(topic);
  const remaining = new Map(
    offsets.filter((p) => Number(p.high) > Number(p.low)).map((p) => [p.partition, Number(p.high)]),
  );
  const values: Buffer[] = [];
  if (remaining.size > 0) {
    const groupId = `chaos-read-${randomBytes(4).toString('hex')}`;
    const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    let done!: () => void;
    const finished = new Promise<void>((r) => {
      done = r;
    });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        const high = remaining.get(partition);
        if (high === undefined) return;
        if (message.value) values.push(message.value);
        if (Number(message.offset) + 1 >= high) remaining.delete(partition);
        if (remaining.size === 0) done();
      },
    });
    const timer = setTimeout(done, 60_000);
    await finished;
    clearTimeout(timer);
    await consumer.disconnect();
    await admin.deleteGroups([groupId]).catch(() => undefined);
    if (remaining.size > 0)
      console.log(`  ! ${topic}: read timed out with partitions ${[...remaining.keys()]} unread`);
  }
  await admin.disconnect();
  return values;
}

async function inventoryEvents(stack: Stack, connectionId: string): Promise<InventoryEvent[]> {
  const out: InventoryEvent[] = [];
  for (const v of await readTopic(stack.kafka, stack.topics.appInventory)) {
    const e = JSON.parse(v.toString('utf8')) as {
      id: string;
      type: string;
      subject?: string;
      connectionid?: string;
      data?: { syncId?: string; kind?: string; subject?: { type: string; id: string } };
    };
    // A finding's event subject is its generated id; what it is about (kind, object) is what must match.
    const subject =
      e.data?.kind && e.data.subject
        ? `${e.data.kind} ${e.data.subject.type}:${e.data.subject.id}`
        : e.subject;
    if (e.connectionid === connectionId)
      out.push({ id: e.id, type: e.type, subject: subject ?? '', syncId: e.data?.syncId ?? undefined });
  }
  return out;
}

const eventKey = (e: InventoryEvent) => `${e.type} ${e.subject}`;
function tally(events: InventoryEvent[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const e of events) m.set(eventKey(e), (m.get(eventKey(e)) ?? 0) + 1);
  return m;
}

// ---------------------------------------------------------------------------------------------------
// One scenario.

interface SyncRunView {
  syncId: string;
  trigger: string;
  outcome: string;
  errorCode: string | null;
  errorMessage: string | null;
}

interface ScenarioResult {
  name: 'reference' | Disturbance;
  outcome: string;
  callsAtDisturbance?: number;
  totalCalls: number;
  disturbedAt?: number;
  recoveredAt?: number;
  startedAt: number;
  appliedAt?: number;
  syncNow: number;
  history: SyncRunView[];
  catalog?: CatalogContent;
  events: InventoryEvent[];
  dlq: number;
  dlqSample: string[];
  crashes: Stack['crashes'];
  expected: Record<string, number>;
  summaryCounts: Record<string, number>;
  mails: number;
}

interface Context {
  org: OrgHandle;
  domain: string;
  runId: string;
  sims: SharedSims;
  /** How long the undisturbed sync took, POST to catalog. */
  referenceMs: number;
  /** Emails the SMTP catcher has received so far (the "domain ready" email of N1, once per connection). */
  mails: () => number;
  scenarios: number;
}

async function runScenario(name: ScenarioResult['name'], ctx: Context): Promise<ScenarioResult> {
  // Numbered, so the same disturbance can be run more than once (--only postgres,postgres).
  const prefix = `chaos_${ctx.runId}_${++ctx.scenarios}_${name.replace(/-service$/, '').replace(/-/g, '_')}`;
  console.log(
    `\n== ${name}: starting a fresh stack (${prefix}; logs in ${join(infraEnv.APPGOV_STATE, '..', 'logs', prefix)})`,
  );
  const stack = await startStack(prefix, ctx.sims);
  try {
    const jwt = await mintJwt({
      sub: 'chaos-admin',
      email: 'chaos-admin@bench.example',
      tenant: `chaos-tenant-${ctx.runId}`,
      roles: ['admin'],
    });
    const api: Api = apiClient(jwt);
    const tryApi: Api = (url, init) => api(url, init).catch(() => ({ status: 0, body: undefined }));
    const connUrl = `${stack.urls['connection-service']}/v1/integrations/okta/connections`;
    ctx.org.resetRequestCounts();
    const mailsBefore = ctx.mails();
    const startedAt = Date.now();
    const created = await api(connUrl, {
      method: 'POST',
      body: { domain: ctx.domain, apiToken: ctx.org.token },
    });
    if (created.status !== 201)
      throw new Error(`connect answered ${created.status}: ${JSON.stringify(created.body)}`);
    const connectionId = created.body?.id as string;
    console.log(`  connected ${ctx.domain} as ${connectionId}`);
    const result: ScenarioResult = {
      name,
      outcome: 'timeout',
      totalCalls: 0,
      startedAt,
      syncNow: 0,
      history: [],
      events: [],
      dlq: 0,
      dlqSample: [],
      crashes: stack.crashes,
      expected: expectedCounts(ctx.org),
      summaryCounts: {},
      mails: 0,
    };

    // The disturbance runs beside the watch loop, so the loop sees the outage as it happens.
    let disturbing: Promise<void> | undefined;
    const disturb = async () => {
      result.disturbedAt = Date.now();
      result.callsAtDisturbance = ctx.org.requestCounts().total;
      console.log(
        `  ${seconds(result.disturbedAt - startedAt)} s: ${result.callsAtDisturbance} Okta calls done; disturbing ${name}`,
      );
      if (INFRA.includes(name as Infra)) {
        await infraScript(`${name}.sh`, 'stop');
        console.log(`  ${seconds(Date.now() - startedAt)} s: ${name} stopped`);
        await sleep(downMs);
        await infraScript(`${name}.sh`, 'start');
      } else {
        await stack.killAndRestart(name as ServiceName, downMs);
      }
      result.recoveredAt = Date.now();
      console.log(`  ${seconds(result.recoveredAt - startedAt)} s: ${name} back`);
    };

    let lastLog = Date.now();
    let deadline = startedAt + timeoutMs + 10 * windowMs;
    let recoveryDeadline = false;
    let completedUnapplied: number | undefined;
    for (;;) {
      const calls = ctx.org.requestCounts().total;
      if (name !== 'reference' && !disturbing && Date.now() - startedAt >= at * ctx.referenceMs)
        disturbing = disturb();
      if (result.recoveredAt && !recoveryDeadline) {
        recoveryDeadline = true;
        deadline = result.recoveredAt + timeoutMs;
      }
      const summary = await tryApi(
        `${stack.urls['catalog-service']}/v1/catalog/connections/${connectionId}/summary`,
      );
      const history = await tryApi(`${connUrl}/${connectionId}/syncs?limit=20`);
      if (history.status === 200) result.history = (history.body?.items ?? []) as SyncRunView[];
      const applied =
        summary.status === 200 ? (summary.body?.lastAppliedSync as { syncId: string } | null) : null;
      // Complete: the catalog applied a sync after the disturbance is over (or, for the reference, at all).
      if (applied && (name === 'reference' || result.recoveredAt)) {
        result.appliedAt = Date.now();
        result.summaryCounts = (summary.body?.counts ?? {}) as Record<string, number>;
        const first = result.history[result.history.length - 1];
        result.outcome =
          first?.syncId === applied.syncId
            ? name === 'reference'
              ? 'completed'
              : 'same sync completed'
            : `new sync ${result.history.find((h) => h.syncId === applied.syncId)?.trigger ?? '?'} completed`;
        break;
      }
      if (applied && !disturbing) {
        result.outcome = 'completed before the disturbance point';
        result.appliedAt = Date.now();
        break;
      }
      // The product does not retry a failed sync by itself (the next is the schedule's, hours later): an
      // operator presses "sync now" (C10). Only once the disturbance is over, as an operator would.
      const latest = result.history[0];
      // Ingest says completed but the catalog never applied it (it refuses to sweep a sync with missing
      // batches): the admin sees a successful sync and an incomplete catalog, and can only sync again.
      if (latest?.outcome === 'completed' && !applied) completedUnapplied ??= Date.now();
      else completedUnapplied = undefined;
      const unappliedTooLong = completedUnapplied !== undefined && Date.now() - completedUnapplied > 60_000;
      if (
        result.recoveredAt &&
        latest &&
        (latest.outcome === 'failed' || latest.outcome === 'cancelled' || unappliedTooLong) &&
        result.syncNow < 3
      ) {
        completedUnapplied = undefined;
        const r = await tryApi(`${connUrl}/${connectionId}/sync`, { method: 'POST' });
        console.log(
          `  ${seconds(Date.now() - startedAt)} s: sync ${latest.syncId.slice(0, 8)} ${latest.outcome}${unappliedTooLong ? ' but not applied by the catalog for 60 s' : ` (${latest.errorCode}: ${latest.errorMessage})`}; "sync now" answered ${r.status}`,
        );
        if (r.status === 202) result.syncNow++;
      }
      if (Date.now() > deadline) break;
      if (Date.now() - lastLog > 15_000) {
        lastLog = Date.now();
        console.log(
          `  ${seconds(Date.now() - startedAt)} s: ${calls} Okta calls; syncs ${result.history.map((h) => `${h.syncId.slice(0, 8)}=${h.outcome}`).join(' ') || '?'}`,
        );
      }
      await sleep(1000);
    }
    await disturbing;
    result.totalCalls = ctx.org.requestCounts().total;
    console.log(`  ${seconds((result.appliedAt ?? Date.now()) - startedAt)} s: ${result.outcome}`);

    // Let the catalog finish publishing (snapshot marker of the applied sync), then read everything.
    const settleUntil = Date.now() + 60_000;
    for (;;) {
      result.events = await inventoryEvents(stack, connectionId);
      const snapshot = result.events.some((e) => e.type === 'inventory.snapshot.completed');
      if ((snapshot && result.appliedAt) || !result.appliedAt || Date.now() > settleUntil) break;
      await sleep(2000);
    }
    // Late duplicates (a redelivered batch after the apply) would arrive within a few seconds.
    await sleep(5000);
    result.events = await inventoryEvents(stack, connectionId);
    const h = await tryApi(`${connUrl}/${connectionId}/syncs?limit=20`);
    if (h.status === 200) result.history = (h.body?.items ?? []) as SyncRunView[];
    result.catalog = await catalogContent(stack.catalogSchema, connectionId);
    result.mails = ctx.mails() - mailsBefore;
    const dlq = await readTopic(stack.kafka, stack.topics.dlq);
    result.dlq = dlq.length;
    result.dlqSample = dlq.slice(0, 3).map((v) => {
      const d = JSON.parse(v.toString('utf8')) as Record<string, any>;
      return `${d.originTopic} ${d.eventType} ${d.groupId} ${d.reason}: ${JSON.stringify(d.attempts?.at(-1) ?? {}).slice(0, 200)}`;
    });
    return result;
  } finally {
    await stack.stop().catch((err: unknown) => console.log(`  cleanup: ${String(err)}`));
  }
}

// ---------------------------------------------------------------------------------------------------

async function main(): Promise<number> {
  const runId = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  // The Kafka jars are the same for every checkout: reuse the shared cache instead of Maven.
  const libs = join(infraEnv.APPGOV_STATE, 'kafka', 'libs');
  const sharedLibs = join(repoRoot, '.local', 'kafka', 'libs');
  if (!existsSync(join(libs, '.complete')) && existsSync(join(sharedLibs, '.complete'))) {
    mkdirSync(join(infraEnv.APPGOV_STATE, 'kafka'), { recursive: true });
    cpSync(sharedLibs, libs, { recursive: true });
  }
  console.log(
    `private infrastructure under ${infraEnv.APPGOV_STATE}: Postgres ${infraEnv.PG_PORT}, Redis ${infraEnv.REDIS_PORT}, Kafka ${infraEnv.KAFKA_PORT}`,
  );
  await infraScript('up.sh');

  const okta = await startOktaSimulator({ windowMs });
  const domain = 'chaos.okta.com';
  const org = okta.sim.createOrg({ domain, seed: 4242, counts });
  const vaultToken = `hvs.${randomBytes(12).toString('hex')}`;
  const vault = await startVaultSimulator({ rootToken: vaultToken });
  const smtp = await startSmtpCatcher();
  const sims: SharedSims = { oktaPort: okta.port, vaultUrl: vault.url, vaultToken, smtpPort: smtp.smtpPort };
  const expected = expectedCounts(org);
  const bound = rateLimitLowerBoundMs(org.minimumCalls(), windowMs, 0.5);
  console.log(
    `org ${domain}: ${counts.users} users, ${counts.groups} groups, ${counts.apps} apps (${total(expected)} records); window ${windowMs} ms; rate-limit bound ${seconds(bound)} s; disturb at ${at * 100}% of the reference sync's duration, down ${downMs / 1000} s`,
  );

  const results: ScenarioResult[] = [];
  try {
    const ctx: Context = {
      org,
      domain,
      runId,
      sims,
      referenceMs: 0,
      mails: () => smtp.mails.length,
      scenarios: 0,
    };
    const reference = await runScenario('reference', ctx);
    results.push(reference);
    if (!reference.catalog || !reference.appliedAt) throw new Error('the reference sync did not complete');
    ctx.referenceMs = reference.appliedAt - reference.startedAt;
    for (const d of disturbances) {
      try {
        results.push(await runScenario(d, ctx));
      } catch (error) {
        console.log(`  ! ${d}: ${String(error)}`);
        // Whatever happened, the next scenario needs the infrastructure up.
        await infraScript('up.sh').catch(() => undefined);
      }
    }
  } finally {
    await okta.close();
    await vault.close();
    await smtp.close();
    if (!args.flag('keep-infra')) await infraScript('down.sh').catch((e: unknown) => console.log(String(e)));
  }

  // The table.
  const ref = results[0] as ScenarioResult;
  const refTally = tally(ref.events);
  const rows: (string | number)[][] = [];
  const notes: string[] = [];
  let allGood = true;
  for (const r of results) {
    const diff = r.catalog && ref.catalog ? catalogDiff(ref.catalog, r.catalog) : { size: -1, byTable: [] };
    const t = tally(r.events);
    let lost = 0;
    let dup = 0;
    for (const [k, n] of refTally) lost += Math.max(0, n - (t.get(k) ?? 0));
    for (const [k, n] of t) dup += Math.max(0, n - (refTally.get(k) ?? 0));
    const sameId = r.events.length - new Set(r.events.map((e) => e.id)).size;
    const afterRecovery =
      r.appliedAt && r.recoveredAt
        ? seconds(r.appliedAt - r.recoveredAt)
        : r.name === 'reference'
          ? '-'
          : 'n/a';
    const good =
      diff.size === 0 &&
      lost === 0 &&
      dup === 0 &&
      r.appliedAt !== undefined &&
      r.crashes.length === 0 &&
      (r.name === 'reference' || r.outcome === 'same sync completed');
    if (!good) allGood = false;
    rows.push([
      r.name,
      r.outcome + (r.syncNow ? ` (after ${r.syncNow}× sync now)` : ''),
      r.callsAtDisturbance !== undefined ? `${r.callsAtDisturbance}/${ref.totalCalls}` : '-',
      seconds(r.appliedAt !== undefined ? r.appliedAt - r.startedAt : undefined),
      afterRecovery,
      diff.size === 0 ? 'yes' : diff.size < 0 ? 'n/a' : `no (${diff.size})`,
      `${lost}/${dup}`,
      sameId,
      r.dlq,
      r.mails,
      r.crashes.length,
    ]);
    for (const line of diff.byTable) notes.push(`${r.name}: catalog ${line}`);
    if (lost || dup) {
      const missing = [...refTally].filter(([k, n]) => (t.get(k) ?? 0) < n).map(([k]) => k);
      const extra = [...t].filter(([k, n]) => (refTally.get(k) ?? 0) < n).map(([k, n]) => `${k} ×${n}`);
      notes.push(
        `${r.name}: events lost e.g. ${missing.slice(0, 4).join(', ') || '-'}; duplicated e.g. ${extra.slice(0, 4).join(', ') || '-'}`,
      );
    }
    if (r.history.length)
      notes.push(
        `${r.name}: syncs ${r.history
          .slice()
          .reverse()
          .map(
            (h) =>
              `${h.syncId.slice(0, 8)} ${h.trigger} ${h.outcome}${h.errorCode ? ` (${h.errorCode}: ${h.errorMessage})` : ''}`,
          )
          .join('; ')}`,
      );
    const missingCounts = Object.keys(r.expected).filter((d) => (r.summaryCounts[d] ?? 0) !== r.expected[d]);
    if (missingCounts.length && r.appliedAt)
      notes.push(
        `${r.name}: summary counts differ from the org: ${missingCounts.map((d) => `${d} ${r.summaryCounts[d] ?? 0}/${r.expected[d]}`).join(', ')}`,
      );
    for (const s of r.dlqSample) notes.push(`${r.name}: DLQ ${s}`);
    for (const c of r.crashes)
      notes.push(`${r.name}: ${c.name} exited by itself (code ${c.code}) and was restarted`);
  }
  console.log(
    `\n${formatTable(
      [
        'disturbance',
        'outcome',
        'calls at kill',
        'complete s',
        'after recovery s',
        'catalog equal',
        'events lost/dup',
        'same-id dup',
        'DLQ',
        'emails',
        'crashes',
      ],
      rows,
    )}`,
  );
  console.log(
    `\nreference: ${rowCount(ref.catalog as CatalogContent)} catalog rows, ${ref.events.length} app-inventory events, ${ref.totalCalls} Okta calls`,
  );
  console.log(
    '  complete s: from the POST to the catalog holding a sync; after recovery s: from the disturbed piece being back (script start returned / service ready)',
  );
  console.log(
    '  events lost/dup: (type, subject) occurrences missing from / beyond the reference; same-id dup: events delivered twice with one id',
  );
  console.log(
    '  emails: mails caught during the scenario (N1: one "domain ready" email per new connection, N4: no duplicate)',
  );
  for (const n of notes) console.log(`  ${n}`);
  return allGood ? 0 : 1;
}

process.exitCode = await main().catch((err: unknown) => {
  console.error(err);
  return 2;
});
process.exit();
