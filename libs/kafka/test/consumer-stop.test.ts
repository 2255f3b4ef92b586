import t from 'tap';
import { runConsumer } from '../src/index.js';
import { createTestTopics, testKafka, testScope, unique } from './kafka-test-env.js';

// kafkajs cannot cancel a fetch in flight: stop() waits for the long-poll to return. With kafkajs's
// 5000 ms default an idle consumer took up to 5 s to stop, on every SIGTERM of every service.
t.test('stop() of an idle consumer waits at most about a second for its fetch long-poll', async (t) => {
  const scope = testScope(t);
  const kafka = testKafka();
  const [topic, dlqTopic] = await createTestTopics(scope, kafka, 2);
  const runner = await runConsumer({
    kafka,
    groupId: unique('group'),
    topics: [topic!],
    dlqTopic: dlqTopic!,
    handlers: {},
    lagIntervalMs: 0,
  });
  scope.teardown(() => runner.stop());
  // Stop just after a fetch left for the broker, on an empty topic: the worst case, the whole poll.
  await new Promise<void>((resolve) => {
    const off = runner.consumer.on(runner.consumer.events.FETCH_START, () => {
      off();
      resolve();
    });
  });
  const started = performance.now();
  await runner.stop();
  const ms = performance.now() - started;
  // About 1 s plus leaving the group; the regression waits out kafkajs's 5 s poll. The bound sits
  // below that with room for a loaded machine.
  t.ok(ms < 4500, `stopped in ${Math.round(ms)} ms`);
});
