// The DLQ runbook, end to end: a record batch the catalog cannot apply (its `apps` table was renamed
// by a botched manual migration) lands in the DLQ after the consumer's bounded retries; the cause is
// fixed; `appgov-ops dlq replay` publishes the original message to its original topic and the
// normal consumer applies it: the catalog row and the app.discovered event appear exactly once, and
// replaying again changes nothing (the catalog's idempotency, not the tool, guarantees it).
import { makeEvent } from '@appgov/contracts';
import { createKafka, deleteTopicsWithPrefix } from '@appgov/kafka';
import { dropSchemasWithPrefix, freePort, testEnv, uniqueName, waitFor } from '@appgov/testing';
import pg from 'pg';
import t from 'tap';
import { readTopicWithKcat, appgovOps as runOps, serviceEnv, startService } from '../src/index.js';

const { KAFKA_BROKERS, DATABASE_URL } = testEnv();
const prefix = uniqueName('dlq')
  .toLowerCase()
  .replace(/[^a-z0-9]/g, '');
t.teardown(async () => {
  await deleteTopicsWithPrefix(KAFKA_BROKERS, `${prefix}.`);
  await dropSchemasWithPrefix(`${prefix}_`);
});

const appgovOps = (...args: string[]) => runOps(args, { KAFKA_BROKERS, KAFKA_TOPIC_PREFIX: `${prefix}.` });

t.test('a poisoned batch goes to the DLQ, the cause is fixed, replay applies it exactly once', async (t) => {
  const port = await freePort();
  const catalog = await startService({
    name: 'catalog-service',
    port,
    env: serviceEnv('catalog-service', {
      prefix,
      oktaPort: 1,
      vaultUrl: 'http://127.0.0.1:1',
      vaultToken: 'unused',
      smtpPort: 1,
      ports: {
        'connection-service': 1,
        'ingest-service': 1,
        'catalog-service': port,
        'notification-service': 1,
      },
    }),
    readyTimeoutMs: 90_000,
  });
  t.teardown(() => catalog.stop());
  const schema = `${prefix}_catalog`;
  const db = new pg.Client({ connectionString: DATABASE_URL });
  await db.connect();
  t.teardown(() => db.end());

  const kafka = createKafka({ clientId: `${prefix}-test`, brokers: KAFKA_BROKERS });
  const producer = kafka.producer();
  await producer.connect();
  t.teardown(() => producer.disconnect());
  const admin = kafka.admin();
  await admin.connect();
  t.teardown(() => admin.disconnect());
  const recordsTopic = `${prefix}.appgov.okta-records.v1`;
  const tenantId = `t-${prefix}`;
  const connectionId = crypto.randomUUID();
  const syncId = crypto.randomUUID();
  const appId = `0oa${prefix.slice(-12)}`;
  const publish = async (...events: ReturnType<typeof makeEvent>[]) =>
    producer.send({
      topic: recordsTopic,
      messages: events.map((e) => ({ key: connectionId, value: JSON.stringify(e) })),
    });
  const event = <T extends Parameters<typeof makeEvent>[0]>(
    type: T,
    data: Parameters<typeof makeEvent<T>>[1]['data'],
  ) => makeEvent(type, { source: 'ingest-service', tenantId, connectionId, data });
  /** The catalog's group has consumed everything on the records topic (the replay was handled). */
  const consumedAll = () =>
    waitFor(
      async () => {
        const highs = new Map(
          (await admin.fetchTopicOffsets(recordsTopic)).map((p) => [p.partition, BigInt(p.high)]),
        );
        const [group] = await admin.fetchOffsets({
          groupId: `${prefix}.catalog-service.okta-records`,
          topics: [recordsTopic],
        });
        // A partition that never held a message has no committed offset (-1).
        return (group?.partitions ?? []).every((p) => {
          const high = highs.get(p.partition) ?? 0n;
          return high === 0n || BigInt(p.offset) >= high;
        });
      },
      { timeoutMs: 60_000, intervalMs: 250, description: 'the catalog consumed every records message' },
    );
  const appRows = async () =>
    Number((await db.query(`select count(*) as n from "${schema}".apps where id = $1`, [appId])).rows[0].n);
  const discovered = async () =>
    (await readTopicWithKcat(KAFKA_BROKERS, `${prefix}.appgov.app-inventory.v1`))
      .filter((m) => m.payload !== null)
      .map((m) => JSON.parse(m.payload as string))
      .filter((e) => e.type === 'app.discovered' && JSON.stringify(e.data).includes(appId)).length;

  // The cause: the apps table is not where the catalog writes.
  await db.query(`alter table "${schema}".apps rename to apps_moved_aside`);
  const at = new Date().toISOString();
  await publish(
    event('records.dataset-started', { syncId, dataset: 'apps' }),
    event('records.batch', {
      syncId,
      dataset: 'apps',
      seq: 0,
      records: [
        {
          id: appId,
          name: 'dlq_replay_app',
          label: 'DLQ replay app',
          status: 'ACTIVE',
          signOnMode: 'SAML_2_0',
          created: at,
          lastUpdated: at,
          features: [],
          credentials: null,
          settings: null,
        },
      ],
    }),
  );
  const listed = await waitFor(
    async () => {
      const r = await appgovOps('dlq', 'list', '--topic', recordsTopic, '--type', 'records.batch');
      return r.code === 0 && r.stdout.trim() ? r : undefined;
    },
    { timeoutMs: 90_000, intervalMs: 1000, description: 'the batch in the DLQ' },
  );
  const lines = listed.stdout.trim().split('\n');
  t.equal(lines.length, 1, 'one record batch in the DLQ');
  t.match(lines[0], /records\.batch\thandler_failed/, 'listed with its type and reason');
  t.match(lines[0], /apps/, 'the last error names the missing relation');
  const position = lines[0]?.split('\t')[0] as string;
  const inspected = JSON.parse((await appgovOps('dlq', 'inspect', position)).stdout);
  t.equal(inspected.originTopic, recordsTopic, 'inspect shows the origin topic');
  t.equal(inspected.key, connectionId, 'and the original key');
  t.ok(inspected.attempts.length >= 2, `after ${inspected.attempts.length} attempts`);

  // A filter that matches nothing, and a dry run, publish nothing.
  const none = await appgovOps('dlq', 'replay', '--type', 'records.sync-ended');
  t.equal(none.code, 0, 'replay with a filter exits 0');
  t.match(none.stderr, /replayed 0 of 1/, 'a filter matching nothing replays nothing');
  const dry = await appgovOps(
    'dlq',
    'replay',
    '--topic',
    recordsTopic,
    '--until',
    new Date().toISOString(),
    '--dry-run',
  );
  t.match(dry.stdout, /^would replay /, 'dry run names the record');
  const highBefore = (await admin.fetchTopicOffsets(recordsTopic))[0]?.high;

  // Fix the cause, then replay: the normal consumer applies the batch.
  await db.query(`alter table "${schema}".apps_moved_aside rename to apps`);
  t.equal(
    (await admin.fetchTopicOffsets(recordsTopic))[0]?.high,
    highBefore,
    'the dry run published nothing',
  );
  const replayed = await appgovOps(
    'dlq',
    'replay',
    '--topic',
    recordsTopic,
    '--type',
    'records.batch',
    '--since',
    at,
  );
  t.equal(replayed.code, 0, 'replay exits 0');
  t.match(replayed.stderr, /replayed 1 of 1/);
  await waitFor(async () => (await appRows()) === 1, {
    timeoutMs: 60_000,
    intervalMs: 250,
    description: 'the app row',
  });
  await publish(
    event('records.dataset-completed', { syncId, dataset: 'apps', recordCount: 1, batchCount: 1 }),
    event('records.sync-ended', { syncId, outcome: 'completed', datasetsRead: ['apps'] }),
  );
  await consumedAll();
  const progress = await db.query(`select state from "${schema}".sync_progress where sync_id = $1`, [syncId]);
  t.equal(progress.rows[0]?.state, 'completed', 'the sync completed: every announced batch was applied');
  await waitFor(async () => (await discovered()) >= 1, {
    timeoutMs: 60_000,
    intervalMs: 500,
    description: 'app.discovered',
  });
  t.equal(await appRows(), 1, 'the catalog row appears once');
  t.equal(await discovered(), 1, 'the app.discovered event appears once');

  // Replaying again changes nothing.
  const again = await appgovOps('dlq', 'replay', '--topic', recordsTopic, '--type', 'records.batch');
  t.match(again.stderr, /replayed 1 of 1/);
  await consumedAll();
  t.equal(await appRows(), 1, 'still one row after a second replay');
  // The outbox relay publishes within a poll; a duplicate would have been written with the batch.
  const outboxPending = await db.query(`select count(*) as n from "${schema}".outbox where sent_at is null`);
  t.equal(Number(outboxPending.rows[0].n), 0, 'nothing waiting in the outbox');
  t.equal(await discovered(), 1, 'still one app.discovered event');
});
