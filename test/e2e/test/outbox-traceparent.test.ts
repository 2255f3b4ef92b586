// Every message a service publishes through its transactional outbox carries a W3C `traceparent`
// header, so a consumer can continue the trace (issue 11: one path from a domain event to Kafka).
// The services that own an outbox (connection, ingest, catalog) run as processes; a connection is
// added, synced and deleted; then every row of each service's outbox is found on Kafka and its
// headers are checked there, as a consumer receives them.
import { deleteTopicsWithPrefix } from '@appgov/kafka';
import { startOktaSimulator } from '@appgov/okta-simulator';
import { dropSchemasWithPrefix, mintJwt, testEnv, uniqueName, waitFor } from '@appgov/testing';
import { startVaultSimulator } from '@appgov/vault-simulator';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import t from 'tap';
import {
  freeServicePorts,
  type ServiceName,
  type ServiceProcess,
  serviceEnv,
  startService,
} from '../src/index.js';

const { KAFKA_BROKERS, DATABASE_URL } = testEnv();
const prefix = uniqueName('otp')
  .toLowerCase()
  .replace(/[^a-z0-9]/g, '');
const domain = `${prefix}.okta.com`;
const tenant = `tenant-${prefix}`;
const OUTBOX_SERVICES = [
  'connection-service',
  'ingest-service',
  'catalog-service',
] as const satisfies ServiceName[];
const TRACEPARENT = /^00-[0-9a-f]{32}-[0-9a-f]{16}-0[0-9a-f]$/;

t.teardown(async () => {
  await deleteTopicsWithPrefix(KAFKA_BROKERS, `${prefix}.`);
  await dropSchemasWithPrefix(`${prefix}_`);
});

interface OutboxRow {
  topic: string;
  key: string | null;
  value: unknown;
  sent: boolean;
}

/** Same JSON whatever the key order (jsonb does not keep it). */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

t.test('every outbox message of every service reaches Kafka with a traceparent', async (t) => {
  const okta = await startOktaSimulator({ orgs: [{ domain, size: 'tiny', seed: 5 }] });
  t.teardown(() => okta.close());
  const vault = await startVaultSimulator();
  t.teardown(() => vault.close());
  const ports = await freeServicePorts();
  const endpoints = {
    prefix,
    oktaPort: okta.port,
    vaultUrl: vault.url,
    vaultToken: vault.rootToken,
    smtpPort: 1,
    ports,
  };
  const procs: ServiceProcess[] = [];
  t.teardown(async () => {
    for (const p of [...procs].reverse()) await p.stop();
  });
  for (const name of OUTBOX_SERVICES) {
    procs.push(
      await startService({
        name,
        port: ports[name],
        env: { ...serviceEnv(name, endpoints), SYNC_INTERVAL_SECONDS: '3600', OUTBOX_POLL_MS: '200' },
        readyTimeoutMs: 90_000,
      }),
    );
  }

  const admin = await mintJwt({ sub: 'admin-1', email: `admin@${prefix}.example`, tenant, roles: ['admin'] });
  const headers = { authorization: `Bearer ${admin}`, 'content-type': 'application/json' };
  const connUrl = `http://127.0.0.1:${ports['connection-service']}/v1/integrations/okta/connections`;
  const created = await fetch(connUrl, {
    method: 'POST',
    headers,
    body: JSON.stringify({ domain, apiToken: okta.sim.org(domain).token }),
  });
  t.equal(created.status, 201, 'connection created');
  const { id } = (await created.json()) as { id: string };

  const db = new pg.Client({ connectionString: DATABASE_URL });
  await db.connect();
  t.teardown(() => db.end());
  const schemaOf = (name: string) => `${prefix}_${name.replace('-service', '')}`;
  const outboxOf = async (name: string): Promise<OutboxRow[]> =>
    (
      await db.query<OutboxRow>(
        `select topic, key, value, sent_at is not null as sent from "${schemaOf(name)}".outbox order by id`,
      )
    ).rows;
  // The catalog's applied marker is its last message of a sync: after it every service has written.
  await waitFor(
    async () =>
      (await outboxOf('catalog-service')).some(
        (r) => (r.value as { type?: string } | null)?.type === 'catalog.applied',
      ),
    { timeoutMs: 120_000, intervalMs: 500, description: 'the sync applied by the catalog' },
  );
  const deleted = await fetch(`${connUrl}/${id}?confirm=true`, {
    method: 'DELETE',
    headers: { authorization: headers.authorization },
  });
  t.ok(deleted.status < 300, `connection deleted (${deleted.status})`);
  await waitFor(
    async () =>
      (await outboxOf('catalog-service')).some(
        (r) => (r.value as { type?: string } | null)?.type === 'app.removed' || r.value === null,
      ),
    { timeoutMs: 60_000, intervalMs: 500, description: "the catalog's removals after the delete" },
  );
  const rows = new Map<string, OutboxRow[]>();
  await waitFor(
    async () => {
      for (const name of OUTBOX_SERVICES) rows.set(name, await outboxOf(name));
      return [...rows.values()].every((list) => list.every((r) => r.sent));
    },
    { timeoutMs: 60_000, intervalMs: 500, description: 'every outbox drained' },
  );

  const topics = [...new Set([...rows.values()].flat().map((r) => r.topic))];
  const kafka = new Kafka({
    clientId: uniqueName('otp-reader'),
    brokers: KAFKA_BROKERS.split(','),
    logLevel: logLevel.NOTHING,
  });
  const kafkaAdmin = kafka.admin();
  await kafkaAdmin.connect();
  t.teardown(() => kafkaAdmin.disconnect());
  let expected = 0;
  for (const topic of topics)
    for (const p of await kafkaAdmin.fetchTopicOffsets(topic)) expected += Number(p.high);
  const seen = new Map<string, Record<string, string>[]>();
  const consumer = kafka.consumer({ groupId: uniqueName('otp-reader'), maxWaitTimeInMs: 100 });
  await consumer.connect();
  t.teardown(() => consumer.disconnect());
  await consumer.subscribe({ topics, fromBeginning: true });
  let read = 0;
  await consumer.run({
    eachMessage: async ({ topic, message }) => {
      read++;
      const value = message.value === null ? null : JSON.parse(message.value.toString('utf8'));
      const id = `${topic}|${message.key?.toString('utf8') ?? ''}|${canonical(value)}`;
      const h: Record<string, string> = {};
      for (const [k, v] of Object.entries(message.headers ?? {})) if (v !== undefined) h[k] = String(v);
      seen.set(id, [...(seen.get(id) ?? []), h]);
    },
  });
  await waitFor(() => read >= expected, { timeoutMs: 60_000, description: `${expected} messages read back` });

  for (const name of OUTBOX_SERVICES) {
    const list = rows.get(name) ?? [];
    let found = 0;
    let traced = 0;
    const missing: string[] = [];
    for (const row of list) {
      const copies = seen.get(`${row.topic}|${row.key ?? ''}|${canonical(row.value)}`);
      if (!copies) {
        missing.push(`${row.topic} ${row.key}`);
        continue;
      }
      found++;
      if (copies.every((h) => TRACEPARENT.test(h.traceparent ?? ''))) traced++;
    }
    t.ok(list.length > 0, `${name}: ${list.length} outbox messages`);
    t.same(missing, [], `${name}: every outbox message is on Kafka`);
    t.equal(traced, found, `${name}: ${traced}/${found} carry a traceparent`);
  }
});
