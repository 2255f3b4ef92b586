// Test wiring: the Okta and Vault simulators, an in-process ingest-service on a fresh schema with
// unique topics, and a collector of everything it publishes.
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { type AnyCloudEvent, makeEvent, topicNames } from '@appgov/contracts';
import { createKafka, createProducer, deleteTopicsWithPrefix } from '@appgov/kafka';
import { type CreateOrgOptions, type RunningSimulator, startOktaSimulator } from '@appgov/okta-simulator';
import { createSecretStore } from '@appgov/secrets';
import { createLogger, Registry } from '@appgov/telemetry';
import { freshSchema, testEnv, uniqueName, waitFor } from '@appgov/testing';
import { startVaultSimulator } from '@appgov/vault-simulator';

import { type Config, readConfig } from '../src/config.js';
import { createIngestService, type IngestService } from '../src/service.js';

export interface Teardown {
  teardown(fn: () => unknown): void;
}

export interface Env {
  okta: RunningSimulator;
  vault: { url: string; rootToken: string };
  store: ReturnType<typeof createSecretStore>;
  prefix: string;
  schema: string;
  topics: ReturnType<typeof topicNames>;
  env: Record<string, string>;
  logs: string[];
  /** Cleanups, run last-in first-out when the test ends (services stop before the schema is dropped). */
  defer(fn: () => unknown): void;
}

export async function setupEnv(t: Teardown, orgs: CreateOrgOptions[], windowMs?: number): Promise<Env> {
  const stack: (() => unknown)[] = [];
  const defer = (fn: () => unknown) => stack.push(fn);
  t.teardown(async () => {
    for (const fn of stack.reverse()) {
      try {
        const at = Date.now();
        await fn();
        if (process.env.DEBUG_CLEANUP) console.error('cleanup', fn.toString().slice(0, 60), Date.now() - at);
      } catch (error) {
        console.error('cleanup failed', error);
      }
    }
  });
  const okta = await startOktaSimulator({ orgs, ...(windowMs ? { windowMs } : {}) });
  const vault = await startVaultSimulator();
  defer(() => vault.close());
  defer(() => okta.close());
  const store = createSecretStore({
    endpoint: vault.url,
    mount: 'secret',
    auth: { method: 'token', token: vault.rootToken },
  });
  const prefix = uniqueName('ing');
  const schema = await freshSchema({ teardown: defer }, 'ingest');
  const infra = testEnv();
  // Deferred early, so it runs late: the topics go once the services and clients are stopped.
  defer(() => deleteTopicsWithPrefix(infra.KAFKA_BROKERS, `${prefix}.`));
  const env: Record<string, string> = {
    DATABASE_URL: infra.DATABASE_URL,
    REDIS_URL: infra.REDIS_URL,
    KAFKA_BROKERS: infra.KAFKA_BROKERS,
    DB_SCHEMA: schema,
    REDIS_KEY_PREFIX: prefix,
    KAFKA_TOPIC_PREFIX: `${prefix}.`,
    KAFKA_GROUP_PREFIX: `${prefix}.`,
    VAULT_ADDR: vault.url,
    VAULT_TOKEN: vault.rootToken,
    OKTA_BASE_URL_TEMPLATE: `http://{domain}:${okta.port}`,
    OKTA_TEST_RESOLVE_TO_LOOPBACK: 'true',
    SYNC_POLL_MS: '100',
    OUTBOX_POLL_MS: '100',
    SYNC_PROGRESS_INTERVAL_MS: '500',
    SYNC_FLUSH_INTERVAL_MS: '200',
    LOG_LEVEL: 'info',
    PORT: '0',
  };
  return {
    okta,
    vault,
    store,
    prefix,
    schema,
    topics: topicNames({ prefix: `${prefix}.` }),
    env,
    logs: [],
    defer,
  };
}

export async function startService(
  _t: Teardown,
  e: Env,
  extra: Record<string, string> = {},
  workerId?: string,
): Promise<IngestService> {
  const config: Config = readConfig({ ...e.env, ...extra });
  const logger = createLogger({
    name: 'ingest-service',
    level: 'info',
    destination: new Writable({
      write(chunk, _enc, cb) {
        e.logs.push(chunk.toString());
        cb();
      },
    }),
  });
  const service = await createIngestService(config, logger, {
    registry: new Registry(),
    ...(workerId ? { workerId } : {}),
  });
  let stopped: Promise<void> | undefined;
  const original = service.stop.bind(service);
  const stop = () => {
    stopped ??= original();
    return stopped;
  };
  e.defer(stop);
  await service.start();
  return Object.assign(service, { stop });
}

/** Collects every event ingest publishes (okta-records and sync-status). */
export class Collector {
  events: AnyCloudEvent[] = [];
  raw: string[] = [];

  static async start(_t: Teardown, e: Env): Promise<Collector> {
    const c = new Collector();
    const kafka = createKafka({ clientId: 'ingest-test-collector', brokers: testEnv().KAFKA_BROKERS });
    const admin = kafka.admin();
    await admin.connect();
    const { ensureTopics } = await import('@appgov/kafka');
    const { topicSpecs } = await import('@appgov/contracts');
    await ensureTopics(admin, topicSpecs({ prefix: `${e.prefix}.` }));
    await admin.disconnect();
    const consumer = kafka.consumer({ groupId: uniqueName('collector'), maxWaitTimeInMs: 100 });

    e.defer(() => consumer.disconnect());
    await consumer.connect();
    await consumer.subscribe({ topics: [e.topics.oktaRecords, e.topics.syncStatus], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const text = message.value?.toString('utf8') ?? '';
        c.raw.push(text);
        c.events.push(JSON.parse(text) as AnyCloudEvent);
      },
    });
    return c;
  }

  of(syncId: string, type?: string): AnyCloudEvent[] {
    return this.events.filter(
      (ev) => (ev.data as { syncId?: string }).syncId === syncId && (type === undefined || ev.type === type),
    );
  }

  /**
   * Waits for the end of a sync on sync-status and, for a completed sync, for its records.sync-ended
   * on okta-records too: the two topics are fetched separately, so the status event can arrive
   * before the last records, and sync-ended is the sync's last message on its records partition.
   */
  async waitForEnd(syncId: string, timeoutMs = 60_000): Promise<AnyCloudEvent> {
    return waitFor(
      () => {
        const end = this.of(syncId).find((ev) => ev.type === 'sync.completed' || ev.type === 'sync.failed');
        if (end?.type === 'sync.completed' && this.of(syncId, 'records.sync-ended').length === 0)
          return undefined;
        return end;
      },
      {
        timeoutMs,
        description: `end of sync ${syncId} (status and records)`,
      },
    );
  }

  /** Records of one dataset, from unique batches (a re-sent batch has the same id). */
  records(syncId: string, dataset: string): Record<string, unknown>[] {
    const seen = new Set<string>();
    const out: Record<string, unknown>[] = [];
    for (const ev of this.of(syncId, 'records.batch')) {
      const data = ev.data as { dataset: string; seq: number; records: Record<string, unknown>[] };
      if (data.dataset !== dataset || seen.has(ev.id)) continue;
      seen.add(ev.id);
      out.push(...data.records);
    }
    return out;
  }
}

/** Publishes a sync.requested for a connection whose token is stored in Vault first. */
export async function requestSync(
  t: Teardown,
  e: Env,
  options: { domain: string; token: string; connectionId?: string; tenantId?: string; syncId?: string },
): Promise<{ syncId: string; connectionId: string; tenantId: string }> {
  const connectionId = options.connectionId ?? randomUUID();
  const tenantId = options.tenantId ?? 'tenant-a';
  const syncId = options.syncId ?? randomUUID();
  await e.store.putOktaToken(tenantId, connectionId, options.token);
  await publish(t, e, [
    makeEvent('sync.requested', {
      source: '/test',
      tenantId,
      connectionId,
      data: { syncId, trigger: 'manual', domain: options.domain },
    }),
  ]);
  return { syncId, connectionId, tenantId };
}

export async function publish(_t: Teardown, e: Env, events: AnyCloudEvent[]): Promise<void> {
  const kafka = createKafka({ clientId: 'ingest-test-publisher', brokers: testEnv().KAFKA_BROKERS });
  const producer = createProducer(kafka);
  await producer.connect();
  e.defer(() => producer.disconnect());
  for (const ev of events) {
    const topic = ev.type.startsWith('connection.') ? e.topics.connections : e.topics.syncRequests;
    await producer.publish(topic, [ev], { key: ev.connectionid ?? 'x' });
  }
}

/** Every string in which the secret could leak (logs, events) must be free of it. */
export function leaks(secret: string, ...haystacks: string[][]): number {
  let n = 0;
  for (const list of haystacks) for (const s of list) if (s.includes(secret)) n++;
  return n;
}

/** Per-endpoint calls made, as the simulator counted them. */
export const counts = (e: Env, domain: string) => e.okta.sim.org(domain).requestCounts();
