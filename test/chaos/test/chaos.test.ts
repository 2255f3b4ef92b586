// The chaos suite (SPEC §11, issue 17): on PRIVATE Postgres, Redis and Kafka (never the shared ones), one
// undisturbed sync of a small simulated org, then one sync per disturbance — Kafka, Postgres and Redis
// SIGKILLed and restarted mid-sync, ingest-service SIGKILLed and restarted — each compared with the
// reference: catalog rows, app-inventory events, DLQ, "domain ready" emails. Then the same Postgres
// disturbance with a deliberately broken catalog consumer, which the checker must catch.
// The long version with figures is test/bench/src/chaos.ts (docs/benchmarks.md).
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  chaosTable,
  check,
  type Disturbance,
  killInfra,
  killPostgresUnderCatalog,
  killService,
  privateInfra,
  runSync,
  type Stack,
  type SyncResult,
  startStack,
  type Verdict,
} from '@appgov/chaos';
import { startSmtpCatcher } from '@appgov/e2e';
import { startOktaSimulator } from '@appgov/okta-simulator';
import { startVaultSimulator } from '@appgov/vault-simulator';
import t from 'tap';

const suiteStarted = Date.now();
t.setTimeout(15 * 60_000);

// Ports of this suite only (617xx): not the shared 55432/56379/59092 nor the bench's 55532/56479/59192.
const state = join(tmpdir(), 'appgov-chaos-suite', '.local');
const infra = privateInfra({ state, pgPort: 61732, redisPort: 61779, kafkaPort: 61792 });
// The services and every helper read DATABASE_URL/REDIS_URL/KAFKA_BROKERS from here (serviceEnv → testEnv).
Object.assign(process.env, infra.env);

// A sync of this org with 4 s rate-limit windows spans several windows (the apps bucket), so a
// disturbance at a share of its Okta calls lands mid-sync.
const WINDOW_MS = 4000;
const COUNTS = { users: 150, groups: 12, apps: 30 };
const DOWN_MS = 3000;

let stack: Stack | undefined;
const closers: (() => Promise<unknown>)[] = [];
let stopped = false;
const teardown = async () => {
  if (stopped) return;
  stopped = true;
  await stack?.stop().catch((e: unknown) => t.comment(`stack cleanup: ${String(e)}`));
  for (const close of closers.reverse()) await close().catch(() => undefined);
  for (const e of await infra.stop()) t.comment(`infra stop: ${e}`);
  // The services' logs and mails stay only as the evidence behind a failure.
  if (t.passing()) rmSync(join(state, '..', 'logs'), { recursive: true, force: true });
  else t.comment(`services' logs and mails kept in ${join(state, '..', 'logs')}`);
  t.comment(`chaos suite wall time ${((Date.now() - suiteStarted) / 1000).toFixed(1)} s`);
};
t.teardown(teardown);
// tap ends a file that outlives its timeout with SIGTERM: the private servers must not outlive it.
process.once('SIGTERM', () => {
  stack?.killAll();
  void teardown().finally(() => process.exit(1));
});

const domain = 'chaos-suite.okta.com';
const runId = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;

/** Private infrastructure, simulators and one stack of the four services, shared by every scenario. */
async function setup() {
  const infraStarted = Date.now();
  const prefix = `chaos_suite_${runId}`;
  await infra.start();
  const okta = await startOktaSimulator({ windowMs: WINDOW_MS });
  closers.push(() => okta.close());
  const org = okta.sim.createOrg({ domain, seed: 1717, counts: COUNTS });
  const vaultToken = `hvs.${randomBytes(12).toString('hex')}`;
  const vault = await startVaultSimulator({ rootToken: vaultToken });
  closers.push(() => vault.close());
  // Mails kept as files beside the services' logs: the evidence behind an email difference.
  const smtp = await startSmtpCatcher({ dir: join(state, '..', 'logs', `${prefix}-mail`) });
  closers.push(() => smtp.close());
  stack = await startStack({
    prefix,
    sims: { oktaPort: okta.port, vaultUrl: vault.url, vaultToken, smtpPort: smtp.smtpPort },
    databaseUrl: infra.databaseUrl,
    kafkaBrokers: infra.env.KAFKA_BROKERS as string,
    logDir: join(state, '..', 'logs', prefix),
    env: {
      OKTA_RATE_WINDOW_MS: String(WINDOW_MS),
      // The suite polls the APIs twice a second; the per-tenant API limit is not what is tested.
      RATE_LIMIT_PER_MINUTE: '100000',
      // A sync whose worker lost Kafka, Postgres or Redis resumes once its lease is stale (I7).
      SYNC_LEASE_TTL_MS: '6000',
    },
    log: (line) => t.comment(line),
  });
  t.comment(
    `private infrastructure and stack up in ${((Date.now() - infraStarted) / 1000).toFixed(1)} s (${state}; Postgres 61732, Redis 61779, Kafka 61792)`,
  );
  return { org, smtp, stack };
}

// A setup that fails half-way still stops whatever it started.
const {
  org,
  smtp,
  stack: liveStack,
} = await setup().catch(async (error: unknown) => {
  await teardown();
  throw error;
});

let scenarios = 0;
const sync = (name: string, disturbance?: Disturbance): Promise<SyncResult> =>
  runSync({
    name,
    stack: liveStack,
    org,
    domain,
    databaseUrl: infra.databaseUrl,
    tenant: `chaos-${runId}-${++scenarios}`,
    mails: () => smtp.mails,
    ...(disturbance ? { disturbance } : {}),
    timeoutMs: 120_000,
    // After ingest finished: time enough for a catalog that lost its group (broker killed) to apply.
    unappliedMs: 60_000,
    log: (line) => t.comment(line),
  });

const reference = await sync('reference').catch(async (error: unknown) => {
  await teardown();
  throw error;
});
const refCalls = reference.totalCalls;
const atShare = (share: number) => (p: { calls: number }) => p.calls >= share * refCalls;
const verdicts: Verdict[] = [check(reference, reference)];

t.test('reference: an undisturbed sync completes', async (t) => {
  t.same(verdicts[0]?.differences, [], 'the reference sync completed and was applied, DLQ empty, one email');
  t.ok(
    reference.catalog && [...reference.catalog.values()].some((m) => m.size > 0),
    'the catalog holds rows',
  );
});

const disturbances: Disturbance[] = [
  { name: 'kafka', when: atShare(0.5), run: () => killInfra(infra, 'kafka', DOWN_MS) },
  { name: 'postgres', when: atShare(0.3), run: () => killPostgresUnderCatalog(liveStack, infra, DOWN_MS) },
  { name: 'redis', when: atShare(0.5), run: () => killInfra(infra, 'redis', DOWN_MS) },
  { name: 'ingest-service', when: atShare(0.5), run: () => killService(liveStack, 'ingest-service', 1000) },
];

t.test('each SIGKILL mid-sync ends with the catalog, events, DLQ and email of the reference', async (t) => {
  for (const d of disturbances) {
    const verdict = check(reference, await sync(d.name, d));
    verdicts.push(verdict);
    t.same(verdict.differences, [], `${d.name} killed and restarted mid-sync: equal to the reference`);
  }
});

t.test('a broken consumer (dependency errors taken as success) makes the suite fail', async (t) => {
  // The catalog restarted as the test build whose record consumer commits batches it failed to apply.
  const entry = join(import.meta.dirname, '..', 'src', 'broken-catalog-server.js');
  await liveStack.killAndRestart('catalog-service', 0, entry);
  const verdict = check(
    reference,
    await sync('postgres, broken consumer', {
      name: 'postgres',
      // At once: on a busy machine the tiny org's sync can end between two polls at 30% of the
      // calls, leaving no batch to lose and the broken consumer unexercised.
      when: () => true,
      run: () => killPostgresUnderCatalog(liveStack, infra, DOWN_MS),
    }),
  );
  verdicts.push(verdict);
  t.not(verdict.differences.length, 0, 'the checker reports differences');
  t.ok(
    verdict.differences.some((d) => d.startsWith('catalog ')) ||
      verdict.result.outcome !== 'same sync completed',
    'the lost batches show as missing catalog rows or a sync the catalog never applied',
  );
});

t.test('the table', async (t) => {
  t.comment(`\n${chaosTable(verdicts)}`);
  t.comment(`reference: ${reference.totalCalls} Okta calls, ${reference.events.length} app-inventory events`);
  t.pass('printed');
});
