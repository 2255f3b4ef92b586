// KAFKA_MANAGE_TOPICS=false: a service only verifies its topics and names what is missing or wrong.
import { topicSpecs } from '@appgov/contracts';
import t from 'tap';
import {
  ensureTopics,
  silentLogger,
  TopicReadiness,
  TopicsNotReadyError,
  verifyTopics,
} from '../src/index.js';
import { testKafka, unique, waitFor } from './kafka-test-env.js';

async function adminFor(t: { teardown(fn: () => unknown): void }, names: () => string[]) {
  const admin = testKafka().admin();
  await admin.connect();
  t.teardown(async () => {
    await admin.deleteTopics({ topics: names() }).catch(() => undefined);
    await admin.disconnect();
  });
  return admin;
}

t.test(
  'verifyTopics names missing topics, too few partitions and a state topic that is not compacted',
  async (t) => {
    const specs = topicSpecs({ prefix: `${unique('test')}.` });
    const admin = await adminFor(t, () => specs.map((s) => s.name));
    const missing = await verifyTopics(admin, specs);
    t.equal(missing.length, specs.length);
    for (const spec of specs) t.ok(missing.includes(`topic ${spec.name} is missing`), `names ${spec.name}`);

    // A platform team's topics with the wrong shape: records with 2 partitions, state not compacted.
    const records = specs.find((s) => s.id === 'oktaRecords')!;
    const state = specs.find((s) => s.id === 'appInventoryState')!;
    const others = specs.filter((s) => s !== records && s !== state);
    await ensureTopics(admin, [
      ...others,
      { ...records, partitions: 2 },
      { ...state, configs: { 'cleanup.policy': 'delete' } },
    ]);
    const wrong = await verifyTopics(admin, specs);
    t.same(
      wrong.sort(),
      [
        `topic ${state.name} has cleanup.policy=delete, needs compact`,
        `topic ${records.name} has 2 partitions, needs at least ${records.partitions}`,
      ].sort(),
    );
  },
);

t.test('TopicReadiness with management off: unready naming the topics, ready once they appear', async (t) => {
  const specs = topicSpecs({ prefix: `${unique('test')}.` }).filter((s) =>
    ['connections', 'dlq'].includes(s.id),
  );
  const admin = await adminFor(t, () => specs.map((s) => s.name));
  const warnings: unknown[] = [];
  const logger = { ...silentLogger, warn: (fields: unknown) => warnings.push(fields) };
  const readiness = new TopicReadiness(admin, specs, { manage: false, logger, pollMs: 100 });
  const before = await readiness.check().catch((e: unknown) => e);
  t.type(before, TopicsNotReadyError, 'unready before the first check');

  let prepared = false;
  const preparing = readiness.prepare().then(() => {
    prepared = true;
  });
  const named = (await waitFor(
    () =>
      readiness.check().then(
        () => undefined,
        (e: Error) => (/is missing/.test(e.message) ? e : undefined),
      ),
    20_000,
    'a readiness error naming the topics',
  )) as TopicsNotReadyError;
  for (const spec of specs) t.match(named.message, spec.name, `the readiness message names ${spec.name}`);
  t.equal(named.expose, true, '/readyz may show it');
  t.equal(warnings.length, 1, 'one log line while nothing changes');
  t.notOk(prepared, 'still waiting');
  t.same(
    await admin.listTopics().then((all) => specs.filter((s) => all.includes(s.name))),
    [],
    'created nothing',
  );

  await ensureTopics(admin, specs);
  await preparing;
  await t.resolves(readiness.check(), 'ready once the topics exist');
});

t.test('TopicReadiness with management on creates the topics; stop ends a pending wait', async (t) => {
  const specs = topicSpecs({ prefix: `${unique('test')}.` }).filter((s) => s.id === 'dlq');
  const admin = await adminFor(t, () => specs.map((s) => s.name));
  const managed = new TopicReadiness(admin, specs, { manage: true });
  await managed.prepare();
  await t.resolves(managed.check());
  t.same(await verifyTopics(admin, specs), []);

  const other = topicSpecs({ prefix: `${unique('test')}.` }).filter((s) => s.id === 'dlq');
  const waiting = new TopicReadiness(admin, other, { manage: false, pollMs: 60_000 });
  const pending = waiting.prepare();
  await waitFor(
    () => waiting.check().catch((e: Error) => /is missing/.test(e.message)),
    20_000,
    'first check',
  );
  waiting.stop();
  await t.rejects(pending, /stopped while waiting/);
});
