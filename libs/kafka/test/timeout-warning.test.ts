// kafkajs 2.2.4 asks for a timer of about minus the Unix time in ms on every connection (its
// request queue's "throttled until" starts at -1); Node 24 warns about it, so every service printed
// a TimeoutNegativeWarning at start, a false lead for whoever reads the logs during an incident.
// patches/kafkajs@2.2.4.patch clamps the delay; this proves the warning is gone on real clients.
import t from 'tap';
import { createProducer } from '../src/index.js';
import { createTestTopics, testKafka, testScope, unique } from './kafka-test-env.js';

t.test('producing and administering topics raises no TimeoutNegativeWarning', async (t) => {
  const scope = testScope(t);
  const warnings: string[] = [];
  const onWarning = (w: Error) => {
    if (w.name === 'TimeoutNegativeWarning') warnings.push(w.message);
  };
  process.on('warning', onWarning);
  scope.teardown(() => process.off('warning', onWarning));

  const kafka = testKafka();
  const [topic] = (await createTestTopics(scope, kafka, 1)) as [string];
  const producer = createProducer(kafka);
  await producer.connect();
  scope.teardown(() => producer.disconnect());
  await producer.send([{ topic, key: unique('k'), value: 'one' }]);
  await producer.send([{ topic, key: unique('k'), value: 'two' }]);
  // Warnings are emitted on the next tick.
  await new Promise((resolve) => setImmediate(resolve));
  t.same(warnings, [], 'no negative timer was asked for');
});
