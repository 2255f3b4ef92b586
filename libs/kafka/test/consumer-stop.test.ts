import type { ConsumerConfig, Kafka } from 'kafkajs';
import t from 'tap';
import { runConsumer } from '../src/index.js';
import { createTestTopics, testKafka, testScope, unique } from './kafka-test-env.js';

// kafkajs cannot cancel a fetch in flight: stop() waits for the long-poll to return. With kafkajs's
// 5000 ms default an idle consumer took up to 5 s to stop, on every SIGTERM of every service.
// Checked without a clock: the fetch the broker holds is the one the runner asked for (1 s), and
// stop() returns once that fetch is answered. The duration is printed, not asserted.
t.test('stop() of an idle consumer waits only for its 1 s fetch long-poll', async (t) => {
  const scope = testScope(t);
  const real = testKafka();
  const configs: ConsumerConfig[] = [];
  const kafka = new Proxy(real, {
    get(target, prop, receiver) {
      if (prop === 'consumer')
        return (config: ConsumerConfig) => {
          configs.push(config);
          return target.consumer(config);
        };
      return Reflect.get(target, prop, receiver);
    },
  }) as Kafka;
  const [topic, dlqTopic] = await createTestTopics(scope, real, 2);
  const runner = await runConsumer({
    kafka,
    groupId: unique('group'),
    topics: [topic!],
    dlqTopic: dlqTopic!,
    handlers: {},
    lagIntervalMs: 0,
  });
  scope.teardown(() => runner.stop());
  t.equal(configs.length, 1, 'one consumer');
  t.equal(configs[0]?.maxWaitTimeInMs, 1000, 'the broker holds an empty fetch for 1 s, not kafkajs 5 s');

  // Stop just after a fetch left for the broker, on an empty topic: the worst case, the whole poll.
  await new Promise<void>((resolve) => {
    const off = runner.consumer.on(runner.consumer.events.FETCH_START, () => {
      off();
      resolve();
    });
  });
  const answered: number[] = [];
  runner.consumer.on(runner.consumer.events.REQUEST, (e) => {
    if (e.payload.apiName === 'Fetch') answered.push(e.payload.duration);
  });
  const started = performance.now();
  await runner.stop();
  const ms = performance.now() - started;
  t.ok(answered.length >= 1, 'stop() returned after the broker answered the fetch in flight');
  t.comment(`stopped in ${Math.round(ms)} ms; the broker held the fetch ${answered[0]} ms`);
});
