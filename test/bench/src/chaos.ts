#!/usr/bin/env node
// Reliability under disturbance (SPEC §11): "killing Kafka, Postgres, Redis or a service mid-sync loses
// no record and no event; the sync completes after recovery with the same catalog content as an
// undisturbed one."
//   node test/bench/dist/src/chaos.js [--only kafka,postgres,redis,connection-service,...]
//     [--users 2000 --groups 100 --apps 40] [--window-ms 20000] [--at 0.5] [--down-s 5] [--timeout-s 300] [--kill]
// It kills infrastructure, so it runs its OWN Postgres, Redis and Kafka (started with deploy/local's
// scripts under --state, on --pg-port/--redis-port/--kafka-port), never the shared ones; it stops them at
// the end (--keep-infra leaves them up). The harness (private infrastructure, stack, sync, comparison,
// table) is test/chaos's, which the short chaos suite in `make test` also runs. See docs/benchmarks.md,
// "Reliability under disturbance".
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import {
  chaosTable,
  check,
  type Disturbance,
  INFRA,
  type Infra,
  killInfra,
  killService,
  privateInfra,
  runSync,
  type Stack,
  type SyncResult,
  startStack,
  type Verdict,
} from '@appgov/chaos';
import { SERVICE_NAMES, type ServiceName, startSmtpCatcher } from '@appgov/e2e';
import { SIZE_PRESETS, startOktaSimulator } from '@appgov/okta-simulator';
import { startVaultSimulator } from '@appgov/vault-simulator';
import { Args } from './lib/args.js';
import { expectedCounts, rateLimitLowerBoundMs, total } from './lib/orgs.js';
import { seconds, sleep } from './lib/table.js';

if (Number(process.versions.node.split('.')[0]) < 24) {
  console.error('Node 24 is needed: export PATH=/work/main/.tools/bin:/work/main/node_modules/.bin:$PATH');
  process.exit(2);
}

type Target = Infra | ServiceName;
const ALL: readonly Target[] = [...INFRA, ...SERVICE_NAMES];

const args = new Args();
if (args.flag('help')) {
  console.log(`usage: node test/bench/dist/src/chaos.js [flags]
  --only LIST          disturbances, comma-separated, repeats allowed (default all: ${ALL.join(',')})
  --users/--groups/--apps N   the generated org (default the small preset: ${SIZE_PRESETS.small.users}/${SIZE_PRESETS.small.groups}/${SIZE_PRESETS.small.apps})
  --window-ms MS       rate-limit window (default 20000, so a sync takes about a minute)
  --at F               disturb at this share of the reference sync's duration (default 0.5: midway)
  --down-s S           seconds the killed piece stays down (default 5)
  --kill               SIGKILL Kafka, Postgres and Redis (default: the scripts' graceful stop)
  --timeout-s S        give up waiting for a completed sync S seconds after recovery (default 300)
  --state DIR          private infrastructure folder (default /tmp/appgov-chaos/.local)
  --pg-port/--redis-port/--kafka-port   private ports (55532/56479/59192; Kafka's controller and
                       SASL listeners take the next two, Redis's TLS the next one)
  --keep-infra         leave the private infrastructure running at the end
  --keep               keep each scenario's schemas and topics`);
  process.exit(0);
}

const only = args.str('only', ALL.join(','));
const targets = only.split(',').map((s) => s.trim()) as Target[];
for (const d of targets) if (!ALL.includes(d)) throw new Error(`--only: unknown disturbance ${d}`);
const windowMs = args.int('window-ms', 20_000);
const at = Number(args.str('at', '0.5'));
const downMs = args.int('down-s', 5) * 1000;
const timeoutMs = args.int('timeout-s', 300) * 1000;
const hardKill = args.flag('kill');
const counts = {
  users: args.int('users', SIZE_PRESETS.small.users),
  groups: args.int('groups', SIZE_PRESETS.small.groups),
  apps: args.int('apps', SIZE_PRESETS.small.apps),
};
const state = args.str('state', '/tmp/appgov-chaos/.local');
const infra = privateInfra({
  state,
  pgPort: args.int('pg-port', 55532),
  redisPort: args.int('redis-port', 56479),
  kafkaPort: args.int('kafka-port', 59192),
});
// The services (serviceEnv → testEnv) and the deploy/local scripts read these from this process.
Object.assign(process.env, infra.env);

// Interrupted: kill the running stack's services and stop the private infrastructure.
let running: Stack | undefined;
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => {
    console.log(`${signal}: stopping the services and the private infrastructure`);
    running?.killAll();
    void infra.stop().finally(() => process.exit(130));
  });

async function main(): Promise<number> {
  const runId = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  console.log(
    `private infrastructure under ${state}: Postgres ${infra.env.PG_PORT}, Redis ${infra.env.REDIS_PORT}, Kafka ${infra.env.KAFKA_PORT}`,
  );
  await infra.start();
  const okta = await startOktaSimulator({ windowMs });
  const domain = 'chaos.okta.com';
  const org = okta.sim.createOrg({ domain, seed: 4242, counts });
  const vaultToken = `hvs.${randomBytes(12).toString('hex')}`;
  const vault = await startVaultSimulator({ rootToken: vaultToken });
  const smtp = await startSmtpCatcher();
  const sims = { oktaPort: okta.port, vaultUrl: vault.url, vaultToken, smtpPort: smtp.smtpPort };
  const bound = rateLimitLowerBoundMs(org.minimumCalls(), windowMs, 0.5);
  console.log(
    `org ${domain}: ${counts.users} users, ${counts.groups} groups, ${counts.apps} apps (${total(expectedCounts(org))} records); window ${windowMs} ms; rate-limit bound ${seconds(bound)} s; disturb at ${at * 100}% of the reference sync's duration, down ${downMs / 1000} s${hardKill ? ', SIGKILL' : ''}`,
  );

  let scenarios = 0;
  let referenceMs = 0;
  // Each scenario gets a fresh stack (its own topics, groups, schemas, Redis prefix) and tenant.
  const scenario = async (name: string, target?: Target): Promise<SyncResult> => {
    const prefix = `chaos_${runId}_${++scenarios}_${name.replace(/-service$/, '').replace(/-/g, '_')}`;
    const logDir = join(state, '..', 'logs', prefix);
    console.log(`\n== ${name}: starting a fresh stack (${prefix}; logs in ${logDir})`);
    const stack = await startStack({
      prefix,
      sims,
      databaseUrl: infra.databaseUrl,
      kafkaBrokers: infra.env.KAFKA_BROKERS as string,
      logDir,
      keep: args.flag('keep'),
      env: {
        OKTA_RATE_WINDOW_MS: String(windowMs),
        // The bench polls the APIs twice a second; the per-tenant API limit is not what is measured.
        RATE_LIMIT_PER_MINUTE: '100000',
      },
    });
    running = stack;
    const disturbance: Disturbance | undefined = target && {
      name: target,
      when: ({ elapsedMs }) => elapsedMs >= at * referenceMs,
      run: async () => {
        if (!(INFRA as readonly string[]).includes(target))
          return killService(stack, target as ServiceName, downMs);
        if (hardKill) return killInfra(infra, target as Infra, downMs);
        await infra.stopGracefully(target as Infra);
        await sleep(downMs);
        await infra.startOne(target as Infra);
      },
    };
    try {
      return await runSync({
        name,
        stack,
        org,
        domain,
        databaseUrl: infra.databaseUrl,
        tenant: `chaos-tenant-${runId}-${scenarios}`,
        mails: () => smtp.mails,
        ...(disturbance ? { disturbance } : {}),
        timeoutMs,
        // The product does not retry a failed sync by itself: the bench presses "sync now" (C10) as an
        // operator would, when a sync failed or ingest completed it and the catalog has not applied it for 60 s.
        unappliedMs: 60_000,
        maxSyncNow: 3,
      });
    } finally {
      await stack.stop().catch((err: unknown) => console.log(`  cleanup: ${String(err)}`));
    }
  };

  const verdicts: Verdict[] = [];
  try {
    const reference = await scenario('reference');
    if (!reference.appliedAt) throw new Error('the reference sync did not complete');
    referenceMs = reference.appliedAt - reference.startedAt;
    verdicts.push(check(reference, reference));
    for (const target of targets) {
      try {
        verdicts.push(check(reference, await scenario(target, target)));
      } catch (error) {
        console.log(`  ! ${target}: ${String(error)}`);
        // Whatever happened, the next scenario needs the infrastructure up.
        await infra.start().catch(() => undefined);
      }
    }
  } finally {
    await okta.close();
    await vault.close();
    await smtp.close();
    if (!args.flag('keep-infra')) for (const e of await infra.stop()) console.log(e);
  }
  console.log(`\n${chaosTable(verdicts)}`);
  console.log(
    '  complete s: from the POST to the catalog holding a sync; after recovery s: from the disturbed piece being back',
  );
  console.log(
    '  events lost/dup/redelivered: (type, subject) occurrences missing from / beyond the reference, and event ids delivered twice (allowed: consumers are idempotent)',
  );
  return verdicts.every((v) => v.differences.length === 0) ? 0 : 1;
}

process.exitCode = await main().catch((err: unknown) => {
  console.error(err);
  return 2;
});
process.exit();
