// ingest-service alone on a large simulated org (SPEC section 11): wall time, the rate-limit lower
// bound for the calls made, their ratio, 429s and the ingest process's peak RSS.
//   node dist/src/ingest-large.js [--window-ms 60000] [--users N --groups N --apps N] [--share 0.5]
//     [--node-options "--max-old-space-size=160"] [--mem-log-ms 10000] [--help]
// With Okta's 60 s windows the large preset needs ≥ 281 min (apps bucket: 100/min × 50% share, and
// 14,088 calls: two per app plus the 500-user pages of 6.3M app users); --window-ms 2000 shrinks every
// window 30× so the same calls finish in ~15 min, and the figures are printed both as measured and
// scaled back to 60 s windows. Smaller --users/--groups/--apps keep 60 s windows affordable; the
// `windows` figures show where the time over the bound goes in the bucket that sets it.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { topicNames, topicSpecs } from '@appgov/contracts';
import { deleteTopicsWithPrefix, ensureTopics } from '@appgov/kafka';
import { RATE_LIMIT_PROFILES, startOktaSimulator } from '@appgov/okta-simulator';
import { dropSchemasWithPrefix, testEnv, uniqueName } from '@appgov/testing';
import { startVaultSimulator } from '@appgov/vault-simulator';
import { Kafka, logLevel } from 'kafkajs';
import { syncRequestMessage } from './lib/sync-request.js';

const { values } = parseArgs({
  options: {
    'window-ms': { type: 'string', default: '60000' },
    users: { type: 'string', default: '100000' },
    groups: { type: 'string', default: '5000' },
    apps: { type: 'string', default: '1000' },
    share: { type: 'string', default: '0.5' },
    // Extra node flags for the ingest process (e.g. heap sizing experiments).
    'node-options': { type: 'string', default: '' },
    // Print the ingest process's memory (rss, heap, external, array buffers) every N ms to stderr.
    'mem-log-ms': { type: 'string', default: '0' },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  // The usage is the header comment of this file.
  const lines = readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n');
  const header = lines.slice(
    0,
    lines.findIndex((l) => !l.startsWith('//')),
  );
  console.log(header.map((l) => l.replace(/^\/\/ ?/, '')).join('\n'));
  process.exit(0);
}
const windowMs = Number(values['window-ms']);
const share = Number(values.share);
const scale = 60_000 / windowMs;
const domain = 'bench-large.okta.com';
const infra = testEnv();

const okta = await startOktaSimulator({
  windowMs,
  orgs: [
    {
      domain,
      seed: 42,
      counts: { users: Number(values.users), groups: Number(values.groups), apps: Number(values.apps) },
      profile: 'workforce',
    },
  ],
});
const org = okta.sim.org(domain);
const vault = await startVaultSimulator();
const tenantId = 'bench-tenant';
const connectionId = randomUUID();
const syncId = randomUUID();
await fetch(`${vault.url}/v1/secret/data/tenants/${tenantId}/connections/${connectionId}/okta`, {
  method: 'POST',
  headers: { 'x-vault-token': vault.rootToken, 'content-type': 'application/json' },
  body: JSON.stringify({ data: { token: org.token } }),
});

const prefix = uniqueName('benchingest');
const topics = topicNames({ prefix: `${prefix}.` });
const kafka = new Kafka({
  clientId: 'bench-ingest',
  brokers: infra.KAFKA_BROKERS.split(','),
  logLevel: logLevel.NOTHING,
});
const admin = kafka.admin();
await admin.connect();
await ensureTopics(admin, topicSpecs({ prefix: `${prefix}.` }));
await admin.disconnect();

const serverJs = fileURLToPath(
  new URL('../../../../services/ingest-service/dist/src/server.js', import.meta.url),
);
const memLogMs = Number(values['mem-log-ms']);
// A sampler loaded into the ingest process itself: the peaks of each part of its memory, and a line
// every `memLogMs` when asked, so RSS can be split into V8 heap, external buffers and the rest.
const sampler = `const peak={rss:0,heapTotal:0,heapUsed:0,external:0,arrayBuffers:0};const mb=(n)=>Math.round(n/1048576);setInterval(()=>{const m=process.memoryUsage();for(const k of Object.keys(peak))peak[k]=Math.max(peak[k],m[k]);if(${memLogMs}>0&&Date.now()%${Math.max(memLogMs, 1)}<250)process.stderr.write('mem '+JSON.stringify(Object.fromEntries(Object.keys(peak).map(k=>[k,mb(m[k])])))+'\\n');},250).unref();process.on('SIGTERM',()=>process.stderr.write('mempeak '+JSON.stringify(Object.fromEntries(Object.keys(peak).map(k=>[k,mb(peak[k])])))+'\\n'));`;
const nodeArgs = [
  ...(values['node-options'] ? values['node-options'].split(' ').filter(Boolean) : []),
  `--import=data:text/javascript,${encodeURIComponent(sampler)}`,
];
const child = spawn(process.execPath, [...nodeArgs, serverJs], {
  env: {
    ...process.env,
    PORT: '0',
    DATABASE_URL: infra.DATABASE_URL,
    DB_SCHEMA: prefix,
    REDIS_URL: infra.REDIS_URL,
    REDIS_KEY_PREFIX: prefix,
    KAFKA_BROKERS: infra.KAFKA_BROKERS,
    KAFKA_TOPIC_PREFIX: `${prefix}.`,
    KAFKA_GROUP_PREFIX: `${prefix}.`,
    VAULT_ADDR: vault.url,
    VAULT_TOKEN: vault.rootToken,
    OKTA_BASE_URL_TEMPLATE: `http://{domain}:${okta.port}`,
    OKTA_TEST_RESOLVE_TO_LOOPBACK: 'true',
    OKTA_RATE_WINDOW_MS: String(windowMs),
    OKTA_BUCKET_SHARE: String(share),
    SYNC_POLL_MS: '200',
    LOG_LEVEL: 'warn',
  },
  stdio: ['ignore', 'inherit', 'inherit'],
});
let peakRss = 0;
const rssTimer = setInterval(() => {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
    if (m) peakRss = Math.max(peakRss, Number(m[1]) * 1024);
  } catch {}
}, 500);

const consumer = kafka.consumer({ groupId: `${prefix}.bench` });
await consumer.connect();
await consumer.subscribe({ topics: [topics.syncStatus], fromBeginning: true });
const done = new Promise<{ type: string; data: Record<string, unknown> }>((resolve) => {
  void consumer.run({
    eachMessage: async ({ message }) => {
      const ev = JSON.parse(message.value?.toString() ?? '{}') as {
        type: string;
        data: Record<string, unknown>;
      };
      if (ev.data?.syncId === syncId && (ev.type === 'sync.completed' || ev.type === 'sync.failed'))
        resolve(ev);
    },
  });
});
const producer = kafka.producer();
await producer.connect();
const started = Date.now();
await producer.send({
  topic: topics.syncRequests,
  messages: [syncRequestMessage({ tenantId, connectionId, syncId, domain, trigger: 'manual' })],
});
const end = await done;
const wallMs = Date.now() - started;
clearInterval(rssTimer);

const calls = org.requestCounts();
const limits = RATE_LIMIT_PROFILES.workforce.limits;
const bucketOf = (endpoint: string) =>
  endpoint.includes('/api/v1/apps')
    ? 'apps'
    : endpoint.includes('/api/v1/groups')
      ? 'groups'
      : endpoint === 'GET /api/v1/users'
        ? 'users'
        : 'other';
const perBucket: Record<string, number> = {};
for (const [endpoint, n] of Object.entries(calls.byEndpoint))
  perBucket[bucketOf(endpoint)] = (perBucket[bucketOf(endpoint)] ?? 0) + n;
// Each bucket allows share × limit calls per window, and the first window is free: the lower bound is
// (calls − per-window allowance) / allowance windows, for the slowest bucket.
const boundMs = Math.max(
  ...Object.entries(perBucket).map(([b, n]) => {
    const perWindow = Math.max(1, Math.floor(limits[b as keyof typeof limits] * share));
    return Math.max(0, Math.ceil(n / perWindow) - 1) * windowMs;
  }),
);
const min = org.minimumCalls();
// Where the time over the bound goes, for the bucket that sets it: the simulator's windows rebuilt from
// its request log (a window opens with the first call at or after the previous one's end), the idle
// gap between one window's end and the next one's first call (Reset/Date rounding, pacing), and
// windows that closed with less than the allowance used.
const slowest = Object.entries(perBucket).sort(([a, n], [b, m]) => {
  const per = (k: string) => Math.max(1, Math.floor(limits[k as keyof typeof limits] * share));
  return m / per(b) - n / per(a);
})[0]?.[0];
const starts: number[] = [];
const perWindowCalls: number[] = [];
for (const e of org
  .requestLog()
  .filter((r) => r.bucket === slowest)
  .sort((a, b) => a.at - b.at)) {
  const last = starts.length - 1;
  if (last < 0 || e.at >= (starts[last] as number) + windowMs) {
    starts.push(e.at);
    perWindowCalls.push(0);
  }
  perWindowCalls[perWindowCalls.length - 1] = (perWindowCalls.at(-1) as number) + 1;
}
const gaps = starts.slice(1).map((s, i) => s - ((starts[i] as number) + windowMs));
const sorted = [...gaps].sort((a, b) => a - b);
const allowance = slowest ? Math.max(1, Math.floor(limits[slowest as keyof typeof limits] * share)) : 1;
const windows = {
  bucket: slowest ?? null,
  count: starts.length,
  allowancePerWindow: allowance,
  // All but the last window should be full; a short one costs a whole extra window.
  shortWindows: perWindowCalls.slice(0, -1).filter((n) => n < allowance).length,
  // Calls beyond the allowance in one window take more than this deployment's share of the bucket.
  overAllowanceWindows: perWindowCalls.filter((n) => n > allowance).length,
  callsOverAllowance: perWindowCalls.reduce((a, n) => a + Math.max(0, n - allowance), 0),
  // Windows by the number of calls they held, e.g. {"50": 270, "51": 3}.
  callsPerWindowHistogram: Object.fromEntries(
    [...new Set(perWindowCalls)]
      .sort((a, b) => a - b)
      .map((n) => [n, perWindowCalls.filter((m) => m === n).length]),
  ),
  firstCallAfterSeconds: starts.length > 0 ? ((starts[0] as number) - started) / 1000 : null,
  idleGapSeconds: {
    mean: gaps.length ? Number((gaps.reduce((a, b) => a + b, 0) / gaps.length / 1000).toFixed(3)) : null,
    median: gaps.length ? (sorted[Math.floor(sorted.length / 2)] as number) / 1000 : null,
    max: gaps.length ? (sorted.at(-1) as number) / 1000 : null,
    total: gaps.reduce((a, b) => a + b, 0) / 1000,
  },
  lastWindowToEndSeconds: starts.length > 0 ? (started + wallMs - (starts.at(-1) as number)) / 1000 : null,
};
console.log(
  JSON.stringify(
    {
      outcome: end.type,
      reason: end.data.reasonCode ?? null,
      windowMs,
      wallSeconds: wallMs / 1000,
      lowerBoundSeconds: boundMs / 1000,
      ratio: boundMs > 0 ? Number((wallMs / boundMs).toFixed(3)) : null,
      scaledTo60sWindows: {
        wallMinutes: (wallMs * scale) / 60_000,
        lowerBoundMinutes: (boundMs * scale) / 60_000,
      },
      calls: calls.total,
      minimumCalls: min.total,
      callsPerBucket: perBucket,
      windows,
      rateLimited429: calls.rateLimited,
      rate429Percent: Number(((100 * calls.rateLimited) / Math.max(1, calls.total)).toFixed(3)),
      peakRssMiB: Math.round(peakRss / 1024 / 1024),
      counts: end.data.counts ?? null,
      // Above a few thousand records/s the sync is bound by this machine (mapping, gzip, Kafka),
      // not by Okta's limits; shorter windows ask for proportionally more records per second.
      recordsPerSecond: Math.round(
        Object.values((end.data.counts ?? {}) as Record<string, number>).reduce((a, b) => a + b, 0) /
          (wallMs / 1000),
      ),
    },
    null,
    2,
  ),
);
child.kill('SIGTERM');
await Promise.allSettled([consumer.disconnect(), producer.disconnect(), okta.close(), vault.close()]);
if (child.exitCode === null && child.signalCode === null)
  await new Promise((resolve) => child.once('exit', resolve));
// The run's topics and schema go too: a local broker keeps every partition's files open.
await Promise.allSettled([
  deleteTopicsWithPrefix(infra.KAFKA_BROKERS, `${prefix}.`),
  dropSchemasWithPrefix(prefix, infra.DATABASE_URL),
]);
setTimeout(() => process.exit(0), 2000).unref();
