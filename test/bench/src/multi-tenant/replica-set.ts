// The deployment a fleet bench runs against: its own topics (partitioned, by prefix), N ingest and
// M catalog replicas sharing one consumer group, schema and Redis prefix per service, as replicas of
// one deployment do, with the Helm chart's heap bounds (serviceEnv). Everything it made is removed
// by stop(): processes, topics, schemas.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type TopicSpec, topicSpecs } from '@appgov/contracts';
import { freePort, type ServiceProcess, serviceEnv, startService } from '@appgov/e2e';
import { ensureTopics } from '@appgov/kafka';
import { dropSchemasWithPrefix, testEnv } from '@appgov/testing';
import type { Admin, Kafka } from 'kafkajs';
import { benchKafka } from '../lib/kafka-watch.js';

export interface ReplicaSetOptions {
  prefix: string;
  oktaPort: number;
  vault: { url: string; token: string };
  ingestReplicas: number;
  catalogReplicas: number;
  /** Extra environment for every replica (window length, concurrency, log level). */
  env: Record<string, string>;
  /** Extra environment for the i-th ingest replica; its NODE_OPTIONS are added to the chart's. */
  ingestEnv?: (index: number) => Record<string, string>;
}

export interface ReplicaSet {
  kafka: Kafka;
  specs: TopicSpec[];
  topic(id: TopicSpec['id']): string;
  ingest: ServiceProcess[];
  catalog: ServiceProcess[];
  /** Where each process writes its output (a failed sync can be traced after the run). */
  logs: string;
  stop(): Promise<void>;
}

export async function startReplicaSet(o: ReplicaSetOptions): Promise<ReplicaSet> {
  const infra = testEnv();
  const kafka = benchKafka(infra.KAFKA_BROKERS);
  const admin: Admin = kafka.admin();
  await admin.connect();
  const specs = topicSpecs({ prefix: `${o.prefix}.` });
  await ensureTopics(admin, specs);
  const endpoints = {
    prefix: o.prefix,
    oktaPort: o.oktaPort,
    vaultUrl: o.vault.url,
    vaultToken: o.vault.token,
    smtpPort: 1,
    ports: { 'connection-service': 0 } as never,
  };
  const procs: ServiceProcess[] = [];
  // Interrupted: stop the service processes this run started before exiting.
  const onSignal = () => {
    for (const p of procs) p.kill();
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const start = async (name: 'ingest-service' | 'catalog-service', own: Record<string, string> = {}) => {
    const logFile = join(tmpdir(), `${o.prefix}-${name}-${procs.length + 1}.log`);
    const base = { ...serviceEnv(name, endpoints), ...o.env };
    const nodeOptions = [base.NODE_OPTIONS, own.NODE_OPTIONS].filter(Boolean).join(' ');
    const env = { ...base, ...own, ...(nodeOptions ? { NODE_OPTIONS: nodeOptions } : {}) };
    const p = await startService({ name, port: await freePort(), env, logFile, readyTimeoutMs: 180_000 });
    procs.push(p);
    return p;
  };
  const set: ReplicaSet = {
    kafka,
    specs,
    topic: (id) => specs.find((s) => s.id === id)?.name as string,
    ingest: [],
    catalog: [],
    logs: join(tmpdir(), `${o.prefix}-*.log`),
    async stop() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      await Promise.allSettled(procs.map((p) => p.stop(10_000)));
      await admin.deleteTopics({ topics: specs.map((s) => s.name) }).catch(() => {});
      await admin.disconnect();
      await dropSchemasWithPrefix(o.prefix.replace(/[^a-z0-9_]/g, '_'), infra.DATABASE_URL).catch(() => {});
    },
  };
  try {
    for (let i = 0; i < o.ingestReplicas; i++)
      set.ingest.push(await start('ingest-service', o.ingestEnv?.(i)));
    for (let i = 0; i < o.catalogReplicas; i++) set.catalog.push(await start('catalog-service'));
  } catch (err) {
    await set.stop();
    throw err;
  }
  return set;
}
