// Every dependency link secured as managed offerings require, with the scripts' private CA: the
// catalog service runs with Postgres over TLS (verify-full, runtime role), Redis over TLS as an ACL
// user and Kafka over SASL_SSL, becomes ready, and its connections really are encrypted.
import { deleteTopicsWithPrefix } from '@appgov/kafka';
import {
  dropSchemasWithPrefix,
  pgSessions,
  securedLinksEnv,
  testEnv,
  uniqueName,
  waitFor,
} from '@appgov/testing';
import t from 'tap';
import { freeServicePorts, migrateService, migrationEnv, serviceEnv, startService } from '../src/index.js';

const { KAFKA_BROKERS } = testEnv();
const prefix = uniqueName('e2etls')
  .toLowerCase()
  .replace(/[^a-z0-9]/g, '');
t.teardown(async () => {
  await deleteTopicsWithPrefix(KAFKA_BROKERS, `${prefix}.`);
  await dropSchemasWithPrefix(`${prefix}_`);
});

t.test('catalog-service over TLS to Postgres, Redis and Kafka', async (t) => {
  const ports = await freeServicePorts();
  const endpoints = {
    prefix,
    oktaPort: 1,
    vaultUrl: 'http://127.0.0.1:1',
    vaultToken: 'x',
    smtpPort: 1,
    ports,
  };
  await migrateService(
    'catalog-service',
    migrationEnv('catalog-service', { ...endpoints, runtimeRole: true }),
  );
  // A unique application_name (the URL's wins over the pool's), so that only this process's
  // sessions are looked at while other stacks run against the same Postgres.
  const appName = `${prefix}-catalog`;
  const secured = securedLinksEnv();
  const url = new URL(secured.DATABASE_URL as string);
  url.searchParams.set('application_name', appName);
  secured.DATABASE_URL = url.toString();
  const proc = await startService({
    name: 'catalog-service',
    port: ports['catalog-service'],
    env: { ...serviceEnv('catalog-service', endpoints), ...secured },
    readyTimeoutMs: 90_000,
  });
  t.teardown(() => proc.stop());
  const ready = await fetch(`${proc.url}/readyz`);
  t.equal(ready.status, 200, 'ready with every link secured');

  // Seen from the server side: the service's Postgres sessions are TLS, as the runtime role.
  const sessions = await waitFor(
    async () => {
      const rows = await pgSessions(appName);
      return rows.length > 0 ? rows : undefined;
    },
    { timeoutMs: 10_000, intervalMs: 200, description: 'catalog-service sessions' },
  );
  t.ok(
    sessions.every((s) => s.ssl && s.user === new URL(secured.DATABASE_URL!).username),
    `${sessions.length} Postgres sessions, all TLS, all as the runtime role`,
  );
  t.notOk(proc.output().includes(secured.KAFKA_SASL_PASSWORD!), 'the Kafka password is not logged');
  t.notOk(proc.output().includes(new URL(secured.REDIS_URL!).password), 'the Redis password is not logged');
});
