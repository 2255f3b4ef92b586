// Which errors pause a sync until Kafka, Postgres or Redis is back (SPEC §11) instead of failing it.
// Every error here is the one the real client raised against a real server that went away or refused
// (private Postgres and Redis this file starts and kills, closed ports), never one built by hand.
import { AppError, isDependencyOutage as isInfrastructureOutage } from '@appgov/errors';
import { createKafka, ensureTopics } from '@appgov/kafka';
import { OktaErrorCode } from '@appgov/okta-client';
import { freePort, startScratchPostgres, startScratchRedis, testEnv, uniqueName } from '@appgov/testing';
import { Redis } from 'ioredis';
import { logLevel } from 'kafkajs';
import pg from 'pg';
import t from 'tap';

/** The error a promise rejects with (fails the test when it resolves). */
async function errorOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a failure');
}

const label = (e: Error) =>
  `${e.name}: ${e.message.slice(0, 100)}${'code' in e ? ` (${String(e.code)})` : ''}`;

t.test('Kafka unreachable counts as an outage', async (t) => {
  const kafka = createKafka({
    clientId: uniqueName('outage-classify'),
    brokers: `127.0.0.1:${await freePort()}`,
    logLevel: logLevel.NOTHING,
    config: { retry: { retries: 1, initialRetryTime: 50 }, connectionTimeout: 1000 },
  });
  const producer = kafka.producer();
  const e = await errorOf(producer.connect());
  t.ok(isInfrastructureOutage(e), `producer connect: ${label(e)}`);
  t.ok(isInfrastructureOutage(new Error('publish failed', { cause: e })), 'through the cause chain');
});

t.test('Postgres refusing, killing the session, or gone counts as an outage', async (t) => {
  const closed = new pg.Client({ connectionString: `postgres://x@127.0.0.1:${await freePort()}/x` });
  const refused = await errorOf(closed.connect());
  t.ok(isInfrastructureOutage(refused), `connect to a closed port: ${label(refused)}`);

  const server = await startScratchPostgres();
  t.teardown(() => server.destroy());
  const victim = new pg.Client({ connectionString: server.url });
  victim.on('error', () => {});
  await victim.connect();
  const pid = (await victim.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]?.pid;
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  const killed = await errorOf(
    Promise.all([victim.query('select pg_sleep(30)'), admin.query('select pg_terminate_backend($1)', [pid])]),
  );
  await admin.end();
  t.ok(isInfrastructureOutage(killed), `session terminated: ${label(killed)}`);
  const reused = await errorOf(victim.query('select 1'));
  t.ok(isInfrastructureOutage(reused), `the dead client used again: ${label(reused)}`);

  const pool = new pg.Pool({ connectionString: server.url, max: 1 });
  pool.on('error', () => {});
  await pool.query('select 1');
  await server.stop();
  const gone = await errorOf(pool.query('select 1'));
  t.ok(isInfrastructureOutage(gone), `server stopped under a pool: ${label(gone)}`);
  await pool.end().catch(() => {});
});

t.test('Redis refusing or killed counts as an outage', async (t) => {
  const server = await startScratchRedis();
  t.teardown(() => server.destroy());
  const redis = new Redis(server.url, { maxRetriesPerRequest: 1, retryStrategy: () => 50 });
  redis.on('error', () => {});
  t.teardown(() => redis.disconnect());
  await redis.set('k', 'v');
  await server.kill();
  const killed = await errorOf(redis.get('k'));
  t.ok(isInfrastructureOutage(killed), `server killed: ${label(killed)}`);

  const never = new Redis(`redis://127.0.0.1:${await freePort()}`, {
    maxRetriesPerRequest: 1,
    retryStrategy: () => 50,
  });
  never.on('error', () => {});
  t.teardown(() => never.disconnect());
  const refused = await errorOf(never.get('k'));
  t.ok(isInfrastructureOutage(refused), `closed port: ${label(refused)}`);
});

t.test('Okta failures, bugs and bad messages do not', async (t) => {
  t.notOk(isInfrastructureOutage(new AppError(OktaErrorCode.Unavailable, 'Okta kept failing')));
  const bug = await errorOf(Promise.resolve().then(() => (undefined as unknown as { id: string }).id));
  t.notOk(isInfrastructureOutage(bug), `a bug: ${label(bug)}`);

  const db = new pg.Client({ connectionString: testEnv().DATABASE_URL });
  await db.connect();
  t.teardown(() => db.end());
  await db.query('create temp table once_only (id int primary key)');
  await db.query('insert into once_only values (1)');
  const duplicate = await errorOf(db.query('insert into once_only values (1)'));
  t.notOk(isInfrastructureOutage(duplicate), `a constraint: ${label(duplicate)}`);

  // A message over the broker's size limit, sent to the real (shared) broker.
  const kafka = createKafka({
    clientId: uniqueName('outage-big'),
    brokers: testEnv().KAFKA_BROKERS,
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  const topic = uniqueName('outage-big');
  // Registered first: a failed create must not leave a connected client holding the file open.
  t.teardown(async () => {
    await admin.deleteTopics({ topics: [topic] }).catch(() => {});
    await admin.disconnect();
  });
  // ensureTopics, not kafkajs's waitForLeaders (which gives up with UNKNOWN_TOPIC_OR_PARTITION on a busy KRaft broker).
  await ensureTopics(admin, [{ name: topic, partitions: 1, configs: {} }]);
  const producer = kafka.producer();
  await producer.connect();
  t.teardown(() => producer.disconnect());
  const tooLarge = await errorOf(
    producer.send({ topic, messages: [{ value: Buffer.alloc(12 * 1024 * 1024, 1) }] }),
  );
  t.notOk(isInfrastructureOutage(tooLarge), `too large: ${label(tooLarge)}`);
});
