import { createMetricsRegistry, startTelemetry, withSpan } from '@appgov/telemetry';
import { type Teardown, testEnv, waitFor } from '@appgov/testing';
import type { Kysely } from 'kysely';
import t from 'tap';
import {
  enqueueOutbox,
  migrateToLatest,
  type OutboxDatabase,
  type OutboxRecord,
  OutboxRelay,
  outboxMigrations,
  withTransaction,
} from '../src/index.js';
import { testDb } from './helpers.js';

async function outboxDb(t: Teardown, prefix: string) {
  const { db, schema } = await testDb(t, prefix);
  await migrateToLatest(db, outboxMigrations, schema);
  return { db, schema };
}

async function enqueue(db: Kysely<OutboxDatabase>, keys: string[], n: number, from = 0) {
  await withTransaction(db, async (trx) => {
    const messages = [];
    for (let i = from; i < from + n; i++) {
      const key = keys[i % keys.length] as string;
      messages.push({
        topic: 'appgov.test.v1',
        key,
        value: { seq: i, key },
        headers: { traceparent: `tp-${i}` },
      });
    }
    await enqueueOutbox(trx, messages);
  });
}

async function unsent(db: Kysely<OutboxDatabase>): Promise<number> {
  const rows = await db.selectFrom('outbox').select('id').where('sent_at', 'is', null).execute();
  return rows.length;
}

t.test('publishes rows committed in a transaction, nothing for a rolled-back one', async (t) => {
  const { db } = await outboxDb(t, 'outbox_commit');
  const sent: OutboxRecord[] = [];
  const registry = createMetricsRegistry('outbox-test');
  const relay = new OutboxRelay({ db, send: async (m) => void sent.push(...m), batchSize: 2, registry });

  await enqueue(db, ['a', 'b'], 5);
  await t.rejects(
    withTransaction(db, async (trx) => {
      await enqueueOutbox(trx, [{ topic: 'appgov.test.v1', key: 'x', value: { rolledBack: true } }]);
      throw new Error('business rule failed');
    }),
    /business rule failed/,
  );
  t.equal(await relay.drainOnce(), 5);
  t.same(
    sent.map((m) => (m.value as { seq: number }).seq),
    [0, 1, 2, 3, 4],
  );
  t.equal(sent[0]?.topic, 'appgov.test.v1');
  t.equal(sent[0]?.key, 'a');
  t.same(sent[0]?.headers, { traceparent: 'tp-0' });
  t.notOk(sent.some((m) => (m.value as { rolledBack?: boolean }).rolledBack));
  t.equal(await unsent(db), 0);
  t.equal(await relay.drainOnce(), 0, 'nothing is published twice');
  const metrics = await registry.metrics();
  t.match(metrics, /appgov_outbox_published_total\{topic="appgov.test.v1",service="outbox-test"\} 5/);
  t.match(metrics, /appgov_outbox_pending_messages\{service="outbox-test"\} 0/);
});

// Kafka unreachable: libs/service/test/outbox-kafka-outage.test.ts, with the real Kafka sender and a
// closed broker port instead of a send that throws.

t.test('two relays never double-publish', async (t) => {
  const { db } = await outboxDb(t, 'outbox_two');
  const delivered: number[] = [];
  const send = async (messages: OutboxRecord[]) => {
    // A slow broker widens the window in which both relays are draining.
    await new Promise((r) => setTimeout(r, 5));
    delivered.push(...messages.map((m) => (m.value as { seq: number }).seq));
  };
  const a = new OutboxRelay({ db, send, batchSize: 7, pollIntervalMs: 5 });
  const b = new OutboxRelay({ db, send, batchSize: 7, pollIntervalMs: 5 });
  await a.start();
  await b.start();
  t.teardown(async () => {
    await a.stop();
    await b.stop();
  });
  for (let i = 0; i < 10; i++) await enqueue(db, ['a', 'b', 'c'], 20, i * 20);
  await waitFor(() => delivered.length >= 200, { timeoutMs: 20_000, description: '200 rows' });
  await Promise.all([a.drainOnce(), b.drainOnce()]);
  t.equal(delivered.length, 200);
  t.equal(new Set(delivered).size, 200, 'no duplicates');
  t.same(
    delivered,
    [...delivered].sort((x, y) => x - y),
    'published in id order',
  );
});

t.test('LISTEN/NOTIFY wakes the relay long before its poll interval', async (t) => {
  const { db } = await outboxDb(t, 'outbox_notify');
  const delivered: number[] = [];
  const relay = new OutboxRelay({
    db,
    pollIntervalMs: 60_000,
    listenConnectionString: testEnv().DATABASE_URL,
    send: async (m) => void delivered.push(...m.map((x) => (x.value as { seq: number }).seq)),
  });
  // start() resolves once LISTEN is in place; the enqueue may then land while the first round runs.
  await relay.start();
  t.teardown(() => relay.stop());
  await enqueue(db, ['a'], 3);
  await waitFor(() => delivered.length === 3, { timeoutMs: 20_000, description: 'notified delivery' });
  t.same(delivered, [0, 1, 2]);
});

// Regression: a NOTIFY that came while a round was running found no sleeper to wake and was dropped,
// so rows committed during a round waited a whole poll interval.
t.test('a NOTIFY that arrives while a round runs starts another round at once', async (t) => {
  const { db } = await outboxDb(t, 'outbox_notify_busy');
  const delivered: number[] = [];
  let enteredSend!: () => void;
  const entered = new Promise<void>((r) => {
    enteredSend = r;
  });
  let releaseSend!: () => void;
  const released = new Promise<void>((r) => {
    releaseSend = r;
  });
  const relay = new OutboxRelay({
    db,
    pollIntervalMs: 60_000,
    listenConnectionString: testEnv().DATABASE_URL,
    send: async (m) => {
      enteredSend();
      await released;
      delivered.push(...m.map((x) => (x.value as { seq: number }).seq));
    },
  });
  await enqueue(db, ['a'], 1);
  await relay.start();
  t.teardown(() => relay.stop());
  await entered; // the first round is sending row 0
  const before = relay.notificationsReceived;
  await enqueue(db, ['a'], 1, 1);
  // The NOTIFY of row 1 reaches the relay while its round is held in send.
  await waitFor(() => relay.notificationsReceived > before, { description: 'the NOTIFY of row 1' });
  t.equal(delivered.length, 0, 'the first round is still held');
  releaseSend();
  await waitFor(() => delivered.length === 2, { timeoutMs: 20_000, description: 'the second row' });
  t.same(delivered, [0, 1]);
});

t.test(
  'rows keep the active trace context unless the caller set a traceparent, and start a new trace without one',
  async (t) => {
    const { db } = await outboxDb(t, 'outbox_trace');
    const telemetry = startTelemetry({ serviceName: 'outbox-test', sampler: 'always_on' });
    t.teardown(() => telemetry.shutdown());
    const sent: OutboxRecord[] = [];
    const relay = new OutboxRelay({ db, send: async (m) => void sent.push(...m) });
    let traceId = '';
    await withSpan('request', async (span) => {
      traceId = span.spanContext().traceId;
      await withTransaction(db, (trx) =>
        enqueueOutbox(trx, [
          { topic: 'appgov.test.v1', key: 'a', value: { n: 1 }, headers: { ce_type: 'x' } },
          { topic: 'appgov.test.v1', key: 'a', value: { n: 2 }, headers: { traceparent: 'caller-set' } },
        ]),
      );
    });
    await withTransaction(db, (trx) =>
      enqueueOutbox(trx, [{ topic: 'appgov.test.v1', key: 'a', value: { n: 3 } }]),
    );
    t.equal(await relay.drainOnce(), 3);
    t.match(sent[0]?.headers, { ce_type: 'x', traceparent: new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`) });
    t.equal(sent[1]?.headers.traceparent, 'caller-set');
    // Issue 11: every outbox message carries a traceparent; with no active span, a new unsampled trace.
    const fresh = sent[2]?.headers.traceparent ?? '';
    t.match(fresh, /^00-[0-9a-f]{32}-[0-9a-f]{16}-00$/, 'no span: a new, unsampled trace');
    t.not(fresh.slice(3, 35), traceId, "not the earlier request's trace");
  },
);
