import { Writable } from 'node:stream';
import { loadConfig } from '@appgov/config';
import type { OutboxRecord } from '@appgov/db';
import { createKafka, deleteTopicsWithPrefix } from '@appgov/kafka';
import { type RunningSimulator, startOktaSimulator } from '@appgov/okta-simulator';
import { createLogger } from '@appgov/telemetry';
import { DEV_JWT_SECRET, freshSchema, mintJwt, testEnv, uniqueName, waitFor } from '@appgov/testing';
import { type StartedVaultSimulator, startVaultSimulator } from '@appgov/vault-simulator';
import type { Consumer } from 'kafkajs';
import type { Test } from 'tap';
import { ConfigSchema } from '../src/config.js';
import { createRuntime, type Runtime } from '../src/runtime.js';

export interface KafkaMessageSeen {
  topic: string;
  key: string | null;
  raw: string;
  value: { id: string; type: string; connectionid?: string; tenantid: string; data: Record<string, unknown> };
}

export interface Harness {
  rt: Runtime;
  okta: RunningSimulator;
  vault: StartedVaultSimulator;
  logs: string[];
  responses: string[];
  seen: KafkaMessageSeen[];
  /** While true the relay's send fails as if Kafka were down. */
  gate: { down: boolean; failures: number };
  clock: { now: Date };
  tokens: Record<'adminA' | 'viewerA' | 'adminB' | 'operator', string>;
  tenantA: string;
  tenantB: string;
  request(
    method: string,
    url: string,
    token: string,
    body?: unknown,
  ): Promise<{ status: number; json: any; raw: string }>;
  eventsFor(connectionId: string, type?: string): KafkaMessageSeen[];
  waitForEvents(connectionId: string, type: string, count: number): Promise<KafkaMessageSeen[]>;
  /**
   * Waits until the outbox is drained and the collector has read every message on the topics it
   * reads: after this, `seen` holds everything the service has published so far.
   */
  waitCaughtUp(): Promise<void>;
}

/** One connection-service on a fresh schema, unique topics, the Okta and Vault simulators, captured logs. */
export async function startHarness(t: Test): Promise<Harness> {
  const env = testEnv();
  const schema = await freshSchema(t, 'conn');
  const prefix = `${uniqueName('cs')}.`;
  // Registered first, so it runs last (teardowns run in reverse): the topics go once nothing uses them.
  t.teardown(() => deleteTopicsWithPrefix(env.KAFKA_BROKERS, prefix));
  const okta = await startOktaSimulator({
    orgs: [
      { domain: 'acme.okta.com', seed: 1 },
      { domain: 'globex.okta.com', seed: 2 },
      { domain: 'initech.oktapreview.com', seed: 3 },
      { domain: 'flaky.okta.com', seed: 4, faults: { resetRate: 1 } },
    ],
  });
  // Each teardown is registered as soon as its resource exists: when a later step fails (Kafka
  // unreachable), what was started is still closed and the file fails at once instead of hanging
  // until tap's timeout with open servers and pools.
  t.teardown(() => okta.close());
  const vault = await startVaultSimulator({ rootToken: 'dev-root-token' });
  t.teardown(() => vault.close());
  const logs: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, cb) {
      logs.push(chunk.toString());
      cb();
    },
  });
  const logger = createLogger({ name: 'connection-service', level: 'debug', destination });
  const clock = { now: new Date('2026-11-29T12:00:00.000Z') };
  const gate = { down: false, failures: 0 };
  const config = loadConfig(ConfigSchema, {
    DATABASE_URL: env.DATABASE_URL,
    REDIS_URL: env.REDIS_URL,
    KAFKA_BROKERS: env.KAFKA_BROKERS,
    DB_SCHEMA: schema,
    KAFKA_TOPIC_PREFIX: prefix,
    KAFKA_GROUP_PREFIX: prefix,
    REDIS_KEY_PREFIX: `${uniqueName('cs')}:`,
    JWT_HS256_SECRET: DEV_JWT_SECRET,
    VAULT_ADDR: vault.url,
    VAULT_TOKEN: vault.rootToken,
    OKTA_BASE_URL_TEMPLATE: `http://{domain}:${okta.port}`,
    OKTA_TEST_RESOLVE_TO_LOOPBACK: 'true',
    OUTBOX_POLL_MS: '100',
    LOG_LEVEL: 'debug',
  });
  const rt = await createRuntime(config, {
    logger,
    clock: () => clock.now,
    random: () => 0.5,
    scheduler: false,
    okta: { breaker: { consecutiveFailures: 3, resetTimeout: 60_000 }, retry: { maxAttempts: 1 } },
    wrapSend: (send) => async (records: OutboxRecord[]) => {
      if (gate.down) {
        gate.failures++;
        throw new Error('KafkaJSConnectionError: connect ECONNREFUSED (simulated)');
      }
      await send(records);
    },
  });
  t.teardown(() => rt.stop());
  await rt.start();

  const seen: KafkaMessageSeen[] = [];
  const kafka = createKafka({ clientId: 'cs-test-collector', brokers: env.KAFKA_BROKERS });
  const admin = kafka.admin();
  t.teardown(() => admin.disconnect().catch(() => {}));
  await admin.connect();
  const collector: Consumer = kafka.consumer({ groupId: uniqueName('cs_collector') });
  t.teardown(() => collector.disconnect().catch(() => {}));
  await collector.connect();
  await collector.subscribe({
    topics: [rt.deps.topics.connections, rt.deps.topics.syncRequests],
    fromBeginning: true,
  });
  await collector.run({
    eachMessage: async ({ topic, message }) => {
      const raw = message.value?.toString('utf8') ?? '';
      seen.push({ topic, key: message.key?.toString('utf8') ?? null, raw, value: JSON.parse(raw) });
    },
  });

  const tenantA = uniqueName('tenant_a');
  const tenantB = uniqueName('tenant_b');
  const tokens = {
    adminA: await mintJwt({ sub: 'alice', email: 'alice@a.example', tenant: tenantA, roles: ['admin'] }),
    viewerA: await mintJwt({ sub: 'victor', email: 'victor@a.example', tenant: tenantA, roles: ['viewer'] }),
    adminB: await mintJwt({ sub: 'bob', email: 'bob@b.example', tenant: tenantB, roles: ['admin'] }),
    operator: await mintJwt({
      sub: 'olga',
      email: 'olga@appgov.example',
      tenant: 'platform',
      roles: ['operator'],
    }),
  };
  const responses: string[] = [];
  const h: Harness = {
    rt,
    okta,
    vault,
    logs,
    responses,
    seen,
    gate,
    clock,
    tokens,
    tenantA,
    tenantB,
    async request(method, url, token, body) {
      const res = await rt.app.inject({
        method: method as 'GET',
        url,
        headers: { authorization: `Bearer ${token}` },
        ...(body === undefined ? {} : { payload: body as object }),
      });
      responses.push(res.body);
      let json: unknown;
      try {
        json = res.body ? JSON.parse(res.body) : undefined;
      } catch {
        json = undefined;
      }
      return { status: res.statusCode, json, raw: res.body };
    },
    eventsFor(connectionId, type) {
      return seen.filter((m) => m.key === connectionId && (type === undefined || m.value.type === type));
    },
    async waitForEvents(connectionId, type, count) {
      return waitFor(
        () => {
          const found = h.eventsFor(connectionId, type);
          return found.length >= count ? found : undefined;
        },
        { timeoutMs: 30_000, description: `${count} ${type} event(s) of ${connectionId}` },
      );
    },
    async waitCaughtUp() {
      await waitFor(
        async () => {
          const unsent = await rt.db.selectFrom('outbox').select('id').where('sent_at', 'is', null).execute();
          return unsent.length === 0;
        },
        { description: 'the outbox drained' },
      );
      // One idempotent producer, no transactions: a partition's high watermark is its message count.
      const topics = [rt.deps.topics.connections, rt.deps.topics.syncRequests];
      await waitFor(
        async () => {
          let published = 0;
          for (const topic of topics) {
            for (const p of await admin.fetchTopicOffsets(topic)) published += Number(p.high);
          }
          return seen.length >= published;
        },
        { description: 'the collector caught up with the connections and sync-requests topics' },
      );
    },
  };
  return h;
}
