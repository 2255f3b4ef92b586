// One stack: the four services as processes with their own topics, consumer groups, schemas and Redis
// prefix, supervised as a kubelet would (a service that exits by itself is restarted after 2 s and counted).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { topicSpecs } from '@appgov/contracts';
import {
  freeServicePorts,
  SERVICE_NAMES,
  type ServiceName,
  type ServiceProcess,
  type StackEndpoints,
  serviceEnv,
  startService,
} from '@appgov/e2e';
import { ensureTopics } from '@appgov/kafka';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';

/** The simulators a stack's services talk to (shared by every stack of a run). */
export interface SharedSims {
  oktaPort: number;
  vaultUrl: string;
  vaultToken: string;
  smtpPort: number;
}

export interface StackOptions {
  prefix: string;
  sims: SharedSims;
  /** Where Postgres and Kafka are (the private infrastructure's). */
  databaseUrl: string;
  kafkaBrokers: string;
  /** Each service's output goes to `<logDir>/<service>.log`. */
  logDir: string;
  /** Variables on top of `serviceEnv`, for every service. */
  env?: Record<string, string>;
  /** Keep the topics and schemas at the end. */
  keep?: boolean;
  log?: (line: string) => void;
}

export interface Stack {
  prefix: string;
  kafka: Kafka;
  topics: { appInventory: string; oktaRecords: string; dlq: string; all: string[] };
  catalogSchema: string;
  ingestSchema: string;
  urls: Record<ServiceName, string>;
  /** The group the catalog's record consumer commits in. */
  recordsGroup: string;
  /** SIGKILL, wait `downMs`, start again (with `entry`, another build of it); resolves once it is ready. */
  killAndRestart(name: ServiceName, downMs: number, entry?: string): Promise<void>;
  /** The running process of a service (for SIGSTOP/SIGCONT and its output). */
  process(name: ServiceName): ServiceProcess;
  /** Services that exited without being told to, with when. */
  crashes: { name: ServiceName; at: number; code: number | null }[];
  /** SIGKILL every service at once (an interrupted run). */
  killAll(): void;
  stop(): Promise<void>;
}

export function chaosKafka(brokers: string): Kafka {
  return new Kafka({ clientId: 'appgov-chaos', brokers: brokers.split(','), logLevel: logLevel.NOTHING });
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function startStack(o: StackOptions): Promise<Stack> {
  const log = o.log ?? console.log;
  const kafka = chaosKafka(o.kafkaBrokers);
  const specs = topicSpecs({ prefix: `${o.prefix}.` });
  const admin = kafka.admin();
  await admin.connect();
  await ensureTopics(admin, specs);
  await admin.disconnect();
  const ports = await freeServicePorts();
  const endpoints: StackEndpoints = { prefix: o.prefix, ...o.sims, ports };
  const envs = new Map<ServiceName, Record<string, string>>();
  for (const name of SERVICE_NAMES)
    envs.set(name, { ...serviceEnv(name, endpoints), LOG_LEVEL: 'warn', ...o.env });
  const env = (name: ServiceName) => envs.get(name) as Record<string, string>;
  mkdirSync(o.logDir, { recursive: true });
  const procs = new Map<ServiceName, ServiceProcess>();
  const entries = new Map<ServiceName, string>();
  const expectedExit = new Set<ServiceName>();
  const crashes: Stack['crashes'] = [];
  let stopping = false;
  const launch = async (name: ServiceName): Promise<void> => {
    const entry = entries.get(name);
    const proc = await startService({
      name,
      port: ports[name],
      env: env(name),
      logFile: join(o.logDir, `${name}.log`),
      readyTimeoutMs: 180_000,
      ...(entry ? { entry } : {}),
    });
    procs.set(name, proc);
    void proc.exited.then(async (code) => {
      if (stopping || expectedExit.has(name) || procs.get(name) !== proc) return;
      crashes.push({ name, at: Date.now(), code });
      log(`  ! ${name} exited by itself (code ${code}); restarting it in 2 s`);
      log(proc.output().slice(-1500));
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
        log(`  ! ${name} did not start (attempt ${attempt}): ${String(error).slice(0, 300)}`);
        await sleep(3000);
      }
    }
  };
  const topic = (id: string) => specs.find((s) => s.id === id)?.name as string;
  const stack: Stack = {
    prefix: o.prefix,
    kafka,
    topics: {
      appInventory: topic('appInventory'),
      oktaRecords: topic('oktaRecords'),
      dlq: topic('dlq'),
      all: specs.map((s) => s.name),
    },
    catalogSchema: env('catalog-service').DB_SCHEMA as string,
    ingestSchema: env('ingest-service').DB_SCHEMA as string,
    recordsGroup: `${o.prefix}.catalog-service.okta-records`,
    urls: Object.fromEntries(SERVICE_NAMES.map((n) => [n, `http://127.0.0.1:${ports[n]}`])) as Record<
      ServiceName,
      string
    >,
    crashes,
    process: (name) => procs.get(name) as ServiceProcess,
    async killAndRestart(name, ms, entry) {
      const proc = procs.get(name) as ServiceProcess;
      expectedExit.add(name);
      proc.kill();
      await proc.exited;
      if (entry) entries.set(name, entry);
      await sleep(ms);
      expectedExit.delete(name);
      await launchUntilUp(name);
    },
    killAll() {
      stopping = true;
      for (const p of procs.values()) p.kill();
    },
    async stop() {
      stopping = true;
      await Promise.all([...procs.values()].map((p) => p.stop(10_000)));
      if (o.keep) return;
      const a = kafka.admin();
      await a.connect();
      await a.deleteTopics({ topics: specs.map((s) => s.name) }).catch(() => undefined);
      await a.disconnect();
      const client = new pg.Client({ connectionString: o.databaseUrl });
      await client.connect();
      for (const s of SERVICE_NAMES.map((n) => env(n).DB_SCHEMA))
        await client.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
      await client.end();
    },
  };
  try {
    // One after another: four cold Node starts at once take longer on 2 shared cores than in a row.
    for (const name of SERVICE_NAMES) await launch(name);
  } catch (error) {
    await stack.stop().catch(() => undefined);
    throw error;
  }
  return stack;
}
