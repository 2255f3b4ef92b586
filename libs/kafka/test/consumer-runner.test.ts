import {
  type CloudEvent,
  type DlqRecord,
  EXAMPLE_IDS,
  eventExamples,
  makeEvent,
  validateDlqRecord,
} from '@appgov/contracts';
import { AppError } from '@appgov/errors';
import { startScratchPostgres, startScratchRedis } from '@appgov/testing';
import { context, propagation, ROOT_CONTEXT, TraceFlags, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { Redis } from 'ioredis';
import pg from 'pg';
import { Registry } from 'prom-client';
import t from 'tap';
import { createProducer, type HandlerContext, runConsumer } from '../src/index.js';
import { collectTopic, createTestTopics, testKafka, testScope, unique, waitFor } from './kafka-test-env.js';

// What the telemetry SDK does at boot; without a propagator OpenTelemetry propagates nothing.
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
propagation.setGlobalPropagator(new W3CTraceContextPropagator());

const syncRequested = (syncId?: string) =>
  makeEvent('sync.requested', {
    source: '/appgov/test',
    tenantId: EXAMPLE_IDS.tenantId,
    connectionId: EXAMPLE_IDS.connectionId,
    data: { ...eventExamples['sync.requested'], ...(syncId ? { syncId } : {}) },
  });

async function setup(t: { teardown(fn: () => unknown): void }, partitions = 1) {
  const scope = testScope(t);
  const kafka = testKafka();
  const [topic, dlqTopic] = await createTestTopics(scope, kafka, 2, partitions);
  const producer = createProducer(kafka);
  await producer.connect();
  scope.teardown(() => producer.disconnect());
  return { scope, kafka, topic: topic!, dlqTopic: dlqTopic!, producer, metrics: new Registry() };
}

t.test('a typed event round-trips with its envelope and trace context', async (t) => {
  const { scope, kafka, topic, dlqTopic, producer, metrics } = await setup(t);
  const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
  const parent = trace.setSpanContext(ROOT_CONTEXT, {
    traceId,
    spanId: '00f067aa0ba902b7',
    traceFlags: TraceFlags.SAMPLED,
  });
  const sent = syncRequested();
  await context.with(parent, () => producer.publish(topic, [sent], { key: EXAMPLE_IDS.connectionId }));

  const received: Array<{
    event: CloudEvent<'sync.requested'>;
    ctx: HandlerContext;
    activeTraceId?: string;
    outHeaders: Record<string, string>;
  }> = [];
  const runner = await runConsumer({
    kafka,
    groupId: unique('group'),
    topics: [topic],
    dlqTopic,
    maxWaitTimeMs: 200,
    metricsRegistry: metrics,
    handlers: {
      'sync.requested': async (event, ctx) => {
        received.push({
          event,
          ctx,
          activeTraceId: trace.getSpanContext(context.active())?.traceId,
          // What a handler that publishes a follow-up event would send.
          outHeaders: producer.headersFor(event),
        });
      },
    },
  });
  scope.teardown(() => runner.stop());
  await waitFor(() => received.length === 1, 20_000, 'the event');
  const [got] = received;
  t.same(got!.event, sent, 'envelope and data arrive unchanged');
  t.equal(got!.ctx.key, EXAMPLE_IDS.connectionId);
  t.equal(got!.ctx.headers['content-type'], 'application/cloudevents+json');
  t.equal(got!.ctx.headers.ce_type, 'sync.requested');
  t.match(got!.ctx.traceparent, new RegExp(`^00-${traceId}-00f067aa0ba902b7-01$`), 'traceparent in');
  t.equal(got!.activeTraceId, traceId, 'the handler runs inside the producer trace');
  t.match(got!.outHeaders.traceparent, new RegExp(`^00-${traceId}-`), 'same trace id out');
  const consumed = await metrics.getSingleMetricAsString('appgov_kafka_messages_consumed_total');
  t.match(consumed, new RegExp(`topic="${topic.replace(/\./g, '\\.')}",outcome="ok"} 1`));
});

t.test('a handler that keeps failing lands in the DLQ after maxAttempts tries', async (t) => {
  const { scope, kafka, topic, dlqTopic, producer, metrics } = await setup(t);
  const groupId = unique('group');
  const dlq = await collectTopic(scope, kafka, dlqTopic);
  const event = syncRequested();
  await producer.publish(topic, [event], { key: 'conn-key' });
  let calls = 0;
  const runner = await runConsumer({
    kafka,
    groupId,
    topics: [topic],
    dlqTopic,
    maxWaitTimeMs: 200,
    maxAttempts: 4,
    backoff: { baseMs: 10, maxMs: 40 },
    metricsRegistry: metrics,
    handlers: {
      'sync.requested': async () => {
        calls++;
        throw new Error(`handler failed #${calls}`);
      },
    },
  });
  scope.teardown(() => runner.stop());
  await waitFor(() => dlq.length === 1, 20_000, 'the DLQ record');
  t.equal(calls, 4, 'called exactly maxAttempts times');
  const record = JSON.parse(dlq[0]!.value!) as DlqRecord;
  t.same(validateDlqRecord(record), [], 'the DLQ record follows its schema');
  t.match(record, {
    originTopic: topic,
    partition: 0,
    offset: '0',
    key: 'conn-key',
    groupId,
    eventType: 'sync.requested',
    reason: 'handler_failed',
    valueEncoding: 'utf8',
    headers: { ce_type: 'sync.requested', 'content-type': 'application/cloudevents+json' },
  });
  t.same(JSON.parse(record.value!), event, 'the original value is kept whole');
  t.same(
    record.attempts.map((a) => a.error),
    ['handler failed #1', 'handler failed #2', 'handler failed #3', 'handler failed #4'],
  );
  t.equal(dlq[0]!.key, 'conn-key', 'the DLQ keeps the original key');
  // The offset is committed once the DLQ record is written.
  const admin = kafka.admin();
  await admin.connect();
  scope.teardown(() => admin.disconnect());
  await waitFor(
    async () => {
      const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
      return offsets?.partitions[0]?.offset === '1';
    },
    30_000,
    'the commit',
  );
  t.match(
    await metrics.getSingleMetricAsString('appgov_kafka_dlq_messages_total'),
    /reason="handler_failed"} 1/,
  );
  t.match(await metrics.getSingleMetricAsString('appgov_kafka_handler_errors_total'), /} 4/);
});

// Real outages: the handler's own Postgres and Redis (private instances, never the shared ones) are
// killed under it, so the errors are the drivers' own, not hand-made.
const outages = [
  {
    dependency: 'Postgres',
    async start() {
      const server = await startScratchPostgres();
      const pool = new pg.Pool({ connectionString: server.url, connectionTimeoutMillis: 2000, max: 1 });
      pool.on('error', () => {}); // an idle client dropped by the kill
      return {
        use: async () => void (await pool.query('select 1')),
        down: () => server.stop(),
        up: () => server.start(),
        close: async () => {
          await pool.end().catch(() => {});
          await server.destroy();
        },
      };
    },
  },
  {
    dependency: 'Redis',
    async start() {
      const server = await startScratchRedis();
      const redis = new Redis(server.url, { maxRetriesPerRequest: 1, retryStrategy: () => 100 });
      redis.on('error', () => {});
      return {
        use: async () => void (await redis.incr('handled')),
        down: () => server.kill(),
        up: () => server.start(),
        close: async () => {
          redis.disconnect();
          await server.destroy();
        },
      };
    },
  },
];

for (const o of outages)
  t.test(`a ${o.dependency} outage makes a message wait instead of using up its attempts`, async (t) => {
    const { scope, kafka, topic, dlqTopic, producer, metrics } = await setup(t);
    const dependency = await o.start();
    scope.teardown(() => dependency.close());
    const dlq = await collectTopic(scope, kafka, dlqTopic);
    const attempts: { attempt: number; error?: string }[] = [];
    await dependency.use();
    await dependency.down();
    await producer.publish(topic, [syncRequested()], { key: 'conn-key' });
    const runner = await runConsumer({
      kafka,
      groupId: unique('group'),
      topics: [topic],
      dlqTopic,
      maxWaitTimeMs: 200,
      maxAttempts: 2,
      backoff: { baseMs: 10, maxMs: 40 },
      metricsRegistry: metrics,
      handlers: {
        'sync.requested': async (_event, ctx) => {
          try {
            await dependency.use();
          } catch (error) {
            attempts.push({ attempt: ctx.attempt, error: String(error) });
            throw error;
          }
          // Once the dependency answers, one failure of the message's own: that one counts.
          if (!attempts.some((a) => a.error === 'deadlock detected')) {
            attempts.push({ attempt: ctx.attempt, error: 'deadlock detected' });
            throw new Error('deadlock detected');
          }
          attempts.push({ attempt: ctx.attempt });
        },
      },
    });
    scope.teardown(() => runner.stop());
    // Down for more tries than maxAttempts: none of them may count.
    await waitFor(() => attempts.length >= 3, 60_000, `tries while ${o.dependency} is down`);
    t.same(dlq.length, 0, 'nothing dead-lettered while the dependency is down');
    await dependency.up();
    await waitFor(() => attempts.some((a) => !a.error), 60_000, 'the message handled after the outage');
    t.comment(
      `tries: ${attempts.map((a) => `${a.attempt}${a.error ? ` ${a.error.slice(0, 60)}` : ' ok'}`).join('; ')}`,
    );
    const outageTries = attempts.slice(0, -2);
    t.ok(outageTries.length >= 3, 'the handler met the outage (the driver errors)');
    t.ok(
      outageTries.every((a) => a.attempt === 1 && a.error !== 'deadlock detected'),
      'every try during the outage kept attempt 1: the outage used up no attempts',
    );
    t.same(
      attempts.slice(-2),
      [{ attempt: 1, error: 'deadlock detected' }, { attempt: 2 }],
      'then the real failure counts once and the next attempt succeeds',
    );
    await waitFor(
      async () =>
        /outcome="ok"} 1/.test(await metrics.getSingleMetricAsString('appgov_kafka_messages_consumed_total')),
      20_000,
      'the ok count',
    );
    t.equal(dlq.length, 0, 'nothing dead-lettered');
  });

t.test('a non-retryable AppError goes to the DLQ at once', async (t) => {
  const { scope, kafka, topic, dlqTopic, producer, metrics } = await setup(t);
  const dlq = await collectTopic(scope, kafka, dlqTopic);
  await producer.publish(topic, [syncRequested()], { key: 'k' });
  let calls = 0;
  const runner = await runConsumer({
    kafka,
    groupId: unique('group'),
    topics: [topic],
    dlqTopic,
    maxWaitTimeMs: 200,
    metricsRegistry: metrics,
    handlers: {
      'sync.requested': async () => {
        calls++;
        throw new AppError('CONNECTION_NOT_FOUND', 'no such connection', { retryable: false });
      },
    },
  });
  scope.teardown(() => runner.stop());
  await waitFor(() => dlq.length === 1, 20_000, 'the DLQ record');
  t.equal(calls, 1);
  t.match(JSON.parse(dlq[0]!.value!).attempts, [
    { code: 'CONNECTION_NOT_FOUND', error: 'no such connection' },
  ]);
});

t.test('messages that fail validation go to the DLQ and never reach the handler', async (t) => {
  const { scope, kafka, topic, dlqTopic, producer, metrics } = await setup(t);
  const dlq = await collectTopic(scope, kafka, dlqTopic);
  const invalid = { ...syncRequested(), data: { syncId: 'not-a-uuid', trigger: 'whenever' } };
  const unknown = { ...syncRequested(), type: 'sync.teleported' };
  const good = syncRequested();
  // Raw sends bypass the producer's own validation, as a foreign or buggy producer would.
  await producer.send([
    { topic, key: 'a', value: JSON.stringify(invalid) },
    { topic, key: 'b', value: '{not json' },
    { topic, key: 'c', value: JSON.stringify(unknown) },
    { topic, key: 'd', value: Buffer.from([0xff, 0xfe, 0x00]) },
    { topic, key: 'e', value: JSON.stringify(good) },
  ]);
  const handled: string[] = [];
  const runner = await runConsumer({
    kafka,
    groupId: unique('group'),
    topics: [topic],
    dlqTopic,
    maxWaitTimeMs: 200,
    metricsRegistry: metrics,
    handlers: {
      'sync.requested': async (event) => {
        handled.push(event.id);
      },
    },
  });
  scope.teardown(() => runner.stop());
  await waitFor(
    () => dlq.length === 4 && handled.length === 1,
    20_000,
    'four DLQ records and one handled event',
  );
  t.same(handled, [good.id], 'only the valid event reached the handler');
  const records = dlq.map((m) => JSON.parse(m.value!) as DlqRecord);
  t.same(
    records.map((r) => [r.key, r.reason]),
    [
      ['a', 'schema_invalid'],
      ['b', 'unparseable'],
      ['c', 'unknown_type'],
      ['d', 'unparseable'],
    ],
  );
  t.match(records[0]!.attempts[0]!.error, /syncId/);
  t.equal(records[3]!.valueEncoding, 'base64');
  t.equal(Buffer.from(records[3]!.value!, 'base64').toString('hex'), 'fffe00', 'binary values survive');
  for (const r of records) t.same(validateDlqRecord(r), []);
});

t.test('the producer refuses an invalid event and sends nothing', async (t) => {
  const { scope, kafka, topic, producer } = await setup(t);
  const bad = { ...syncRequested(), data: { ...eventExamples['sync.requested'], trigger: 'whenever' } };
  const err = await producer.publish(topic, [syncRequested(), bad as never], { key: 'k' }).then(
    () => null,
    (e: unknown) => e,
  );
  t.ok(err instanceof AppError);
  t.equal((err as AppError).code, 'EVENT_SCHEMA_INVALID');
  t.equal((err as AppError).retryable, false);
  const admin = kafka.admin();
  await admin.connect();
  scope.teardown(() => admin.disconnect());
  t.same(
    (await admin.fetchTopicOffsets(topic)).map((p) => p.high),
    ['0'],
    'not even the valid event of the call was sent',
  );
});

t.test('stop() finishes the in-flight message, commits it and disconnects', async (t) => {
  const { scope, kafka, topic, dlqTopic, producer, metrics } = await setup(t);
  const groupId = unique('group');
  await producer.publish(topic, [syncRequested(), syncRequested()], { key: 'k' });
  let started = 0;
  let finished = 0;
  // The first message is held until stop() has been called: with a fixed 1 s handler, a poll of
  // `started` that came late on a loaded machine would call stop() after the second had begun.
  let release!: () => void;
  const held = new Promise<void>((r) => {
    release = r;
  });
  const runner = await runConsumer({
    kafka,
    groupId,
    topics: [topic],
    dlqTopic,
    maxWaitTimeMs: 200,
    metricsRegistry: metrics,
    handlers: {
      'sync.requested': async () => {
        started++;
        await held;
        finished++;
      },
    },
  });
  scope.teardown(() => release()); // a failed wait must not leave the handler hanging
  await waitFor(() => started === 1, 20_000, 'the first message');
  const stopping = runner.stop();
  setTimeout(release, 300); // still in flight for a while after stop() began
  await stopping;
  t.equal(finished, 1, 'the in-flight handler completed before stop() resolved');
  t.equal(started, 1, 'no new message was started after stop()');
  const admin = kafka.admin();
  await admin.connect();
  scope.teardown(() => admin.disconnect());
  const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
  t.equal(offsets!.partitions[0]!.offset, '1', 'the finished message is committed, the next is not');
  const groups = await admin.describeGroups([groupId]);
  t.equal(groups.groups[0]!.members.length, 0, 'the member left the group');
});

t.test('the lag metric reflects unconsumed messages', async (t) => {
  const { scope, kafka, topic, dlqTopic, producer, metrics } = await setup(t);
  const groupId = unique('group');
  await producer.publish(
    topic,
    Array.from({ length: 5 }, () => syncRequested()),
    { key: 'k' },
  );
  let release!: () => void;
  const gate = new Promise<void>((r) => {
    release = r;
  });
  let calls = 0;
  const runner = await runConsumer({
    kafka,
    groupId,
    topics: [topic],
    dlqTopic,
    maxWaitTimeMs: 200,
    metricsRegistry: metrics,
    lagIntervalMs: 0,
    handlers: {
      'sync.requested': async () => {
        calls++;
        await gate;
      },
    },
  });
  scope.teardown(() => runner.stop());
  scope.teardown(() => release()); // runs first: a failed assertion must not leave stop() waiting on the gate
  const lagValue = async () => {
    const metric = await metrics.getSingleMetric('appgov_kafka_consumer_lag')!.get();
    return metric.values.find((v) => v.labels.topic === topic && v.labels.group === groupId)?.value;
  };
  await waitFor(() => calls === 1, 20_000, 'the first message');
  await runner.refreshLag();
  t.equal(await lagValue(), 5, 'five messages not yet processed');
  release();
  await waitFor(() => calls === 5, 20_000, 'all messages');
  await waitFor(
    async () => {
      await runner.refreshLag();
      return (await lagValue()) === 0;
    },
    30_000,
    'lag 0',
  );
  t.pass('lag drops to 0 once everything is processed');
});

t.test('batch mode hands chunks to one handler and isolates a poison event', async (t) => {
  const { scope, kafka, topic, dlqTopic, producer, metrics } = await setup(t);
  const dlq = await collectTopic(scope, kafka, dlqTopic);
  const poisonId = '11111111-2222-4333-8444-555555555555';
  const events = Array.from({ length: 10 }, (_, i) => syncRequested(i === 6 ? poisonId : undefined));
  await producer.publish(topic, events, { key: 'k' });
  const applied: string[] = [];
  const chunkSizes: number[] = [];
  const runner = await runConsumer({
    kafka,
    groupId: unique('group'),
    topics: [topic],
    dlqTopic,
    maxWaitTimeMs: 200,
    maxAttempts: 2,
    backoff: { baseMs: 5, maxMs: 10 },
    metricsRegistry: metrics,
    handlers: {},
    eachBatch: {
      maxItems: 4,
      handler: async (items) => {
        chunkSizes.push(items.length);
        if (items.some((i) => i.event.type === 'sync.requested' && i.event.data.syncId === poisonId)) {
          throw new Error('poison');
        }
        applied.push(...items.map((i) => i.event.id));
      },
    },
  });
  scope.teardown(() => runner.stop());
  await waitFor(() => applied.length === 9 && dlq.length === 1, 20_000, 'nine applied, one in the DLQ');
  t.same(
    applied,
    events.filter((_, i) => i !== 6).map((e) => e.id),
    'every good event applied, in order',
  );
  t.equal(JSON.parse(dlq[0]!.value!).offset, '6');
  t.ok(Math.max(...chunkSizes) > 1 && Math.max(...chunkSizes) <= 4, 'chunks are bounded by maxItems');
});
