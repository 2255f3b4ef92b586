import { topicSpecs } from '@appgov/contracts';
import t from 'tap';
import { ensureTopics } from '../src/index.js';
import { testKafka, unique } from './kafka-test-env.js';

t.test('ensureTopics creates the contract topics with partitions and configs, idempotently', async (t) => {
  const kafka = testKafka();
  const admin = kafka.admin();
  await admin.connect();
  const specs = topicSpecs({ prefix: `${unique('test')}.` });
  t.teardown(async () => {
    await admin.deleteTopics({ topics: specs.map((s) => s.name) }).catch(() => undefined);
    await admin.disconnect();
  });
  const first = await ensureTopics(admin, specs);
  t.same(first.created.sort(), specs.map((s) => s.name).sort());
  const second = await ensureTopics(admin, specs);
  t.same(second.created, [], 'nothing created twice');
  t.equal(second.existing.length, specs.length);

  const state = specs.find((s) => s.id === 'appInventoryState')!;
  const metadata = await admin.fetchTopicMetadata({ topics: [state.name] });
  t.equal(metadata.topics[0]!.partitions.length, state.partitions);
  const configs = await admin.describeConfigs({
    includeSynonyms: false,
    resources: [{ type: 2, name: state.name, configNames: ['cleanup.policy', 'compression.type'] }],
  });
  const entries = Object.fromEntries(
    configs.resources[0]!.configEntries.map((e) => [e.configName, e.configValue]),
  );
  t.same(entries, { 'cleanup.policy': 'compact', 'compression.type': 'gzip' });
});

// Regression: kafkajs's own waitForLeaders failed the call with UNKNOWN_TOPIC_OR_PARTITION when the
// KRaft broker's metadata cache lagged behind CreateTopics (seen as a flaky ingest test in CI).
t.test('new topics have leaders and offsets as soon as ensureTopics returns', async (t) => {
  const kafka = testKafka();
  const admin = kafka.admin();
  await admin.connect();
  const specs = Array.from({ length: 5 }, () => ({ name: unique('fresh'), partitions: 6, configs: {} }));
  t.teardown(async () => {
    await admin.deleteTopics({ topics: specs.map((s) => s.name) }).catch(() => undefined);
    await admin.disconnect();
  });
  const result = await ensureTopics(admin, specs);
  t.equal(result.created.length, specs.length);
  for (const spec of specs) {
    const offsets = await admin.fetchTopicOffsets(spec.name);
    t.equal(offsets.length, 6, `${spec.name}: every partition answers ListOffsets`);
  }
});
