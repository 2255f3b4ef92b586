// The outbox relay with the real Kafka sender, Kafka unreachable: the producer's broker address is a
// closed port (a real ECONNREFUSED from kafkajs, nothing thrown by the test), then the port opens
// onto the shared broker. Every row reaches Kafka once, in order.
import { once } from 'node:events';
import { createServer, type Socket, connect as tcpConnect } from 'node:net';
import {
  createDb,
  enqueueOutbox,
  migrateToLatest,
  type OutboxDatabase,
  OutboxRelay,
  outboxMigrations,
  withTransaction,
} from '@appgov/db';
import { createKafka, createProducer, ensureTopics } from '@appgov/kafka';
import { createMetricsRegistry } from '@appgov/telemetry';
import { freePort, freshSchema, testEnv, uniqueName, waitFor } from '@appgov/testing';
import { logLevel } from 'kafkajs';
import t from 'tap';
import { kafkaOutboxSender } from '../src/index.js';

const { DATABASE_URL, KAFKA_BROKERS } = testEnv();

/** A TCP forwarder to the shared broker on `port`, opened when Kafka "comes back". */
async function openForwarder(port: number, target: string): Promise<() => Promise<void>> {
  const [host, targetPort] = target.split(',')[0]!.split(':');
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = tcpConnect(Number(targetPort), host);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => {});
      s.on('close', () => sockets.delete(s));
    }
    client.pipe(upstream).pipe(client);
  });
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  return async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
}

t.test('Kafka unreachable (a closed port): rows wait, then go out once, in order', async (t) => {
  const schema = await freshSchema(t, 'outbox_kafka_down');
  const db = createDb<OutboxDatabase>({ connectionString: DATABASE_URL, schema, max: 3 });
  t.teardown(() => db.destroy());
  await migrateToLatest(db, outboxMigrations, schema);

  const topic = uniqueName('outbox-outage');
  const shared = createKafka({
    clientId: uniqueName('outage-admin'),
    brokers: KAFKA_BROKERS,
    logLevel: logLevel.NOTHING,
  });
  const admin = shared.admin();
  await admin.connect();
  t.teardown(async () => {
    await admin.deleteTopics({ topics: [topic] }).catch(() => {});
    await admin.disconnect();
  });
  // ensureTopics, not kafkajs's waitForLeaders (which gives up with UNKNOWN_TOPIC_OR_PARTITION on a busy KRaft broker).
  await ensureTopics(admin, [{ name: topic, partitions: 1, configs: {} }]);

  // Nothing listens on this port until the forwarder opens.
  const port = await freePort();
  const kafka = createKafka({
    clientId: uniqueName('outage-relay'),
    brokers: `127.0.0.1:${port}`,
    logLevel: logLevel.NOTHING,
    config: { retry: { retries: 1, initialRetryTime: 50, maxRetryTime: 200 }, connectionTimeout: 1000 },
  });
  const producer = createProducer(kafka);
  t.teardown(() => producer.disconnect().catch(() => {}));
  let connected: Promise<void> | undefined;
  const ready = () => {
    connected ??= producer.connect().catch((error: unknown) => {
      connected = undefined;
      throw error;
    });
    return connected;
  };
  const registry = createMetricsRegistry('outbox-outage-test');
  const relay = new OutboxRelay({
    db,
    send: kafkaOutboxSender(producer, ready),
    batchSize: 3,
    pollIntervalMs: 50,
    maxBackoffMs: 200,
    registry,
  });
  const enqueue = (from: number, n: number) =>
    withTransaction(db, (trx) =>
      enqueueOutbox(
        trx,
        Array.from({ length: n }, (_, i) => ({ topic, key: 'k', value: { seq: from + i } })),
      ),
    );
  const unsent = async () =>
    (await db.selectFrom('outbox').select('id').where('sent_at', 'is', null).execute()).length;
  const failures = async () => {
    const m = await registry.getSingleMetric('appgov_outbox_send_failures_total')?.get();
    return (m?.values ?? []).reduce((n, v) => n + v.value, 0);
  };

  await enqueue(0, 10);
  const error = await relay.drainOnce().then(
    () => undefined,
    (e: unknown) => e as Error,
  );
  t.ok(error, 'the send failed');
  t.match(String(error?.name), /^KafkaJS/, `a kafkajs error (${error?.name}: ${error?.message})`);
  t.equal(await unsent(), 10, 'a failed send leaves every row unsent');

  await relay.start();
  t.teardown(() => relay.stop());
  await waitFor(async () => (await failures()) >= 2, {
    description: 'the relay failing while Kafka is down',
  });
  t.equal(await unsent(), 10, 'still every row unsent');
  await enqueue(10, 5);

  const close = await openForwarder(port, KAFKA_BROKERS);
  t.teardown(close);
  await waitFor(async () => (await unsent()) === 0, { timeoutMs: 60_000, description: 'the outbox drained' });
  await relay.stop();

  // Read the topic back: every row once, in order.
  const reader = shared.consumer({ groupId: uniqueName('outage-reader'), maxWaitTimeInMs: 100 });
  const seqs: number[] = [];
  await reader.connect();
  t.teardown(() => reader.disconnect());
  await reader.subscribe({ topics: [topic], fromBeginning: true });
  await reader.run({
    eachMessage: async ({ message }) => {
      seqs.push((JSON.parse(message.value?.toString('utf8') ?? '{}') as { seq: number }).seq);
    },
  });
  const [{ high } = { high: '0' }] = await admin.fetchTopicOffsets(topic);
  t.equal(Number(high), 15, 'fifteen messages on the topic, no duplicate');
  await waitFor(() => seqs.length >= 15, { description: 'the topic read back' });
  t.same(
    seqs,
    Array.from({ length: 15 }, (_, i) => i),
    'every row once, in order',
  );
  t.comment(`relay failures while Kafka was down: ${await failures()}`);
});
