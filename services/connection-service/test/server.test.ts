import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deleteTopicsWithPrefix } from '@appgov/kafka';
import { startOktaSimulator } from '@appgov/okta-simulator';
import { DEV_JWT_SECRET, freePort, freshSchema, testEnv, uniqueName, waitFor } from '@appgov/testing';
import { startVaultSimulator } from '@appgov/vault-simulator';
import t from 'tap';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

t.test('node dist/src/server.js starts, answers /readyz and stops cleanly on SIGTERM', async (t) => {
  const env = testEnv();
  const schema = await freshSchema(t, 'conn_srv');
  const okta = await startOktaSimulator({ orgs: [{ domain: 'acme.okta.com' }] });
  const vault = await startVaultSimulator({ rootToken: 'dev-root-token' });
  t.teardown(async () => {
    await okta.close();
    await vault.close();
  });
  // A random port could be in use, or become the local port of a parallel test's connection.
  const port = await freePort();
  const prefix = `${uniqueName('cs_srv')}.`;
  t.teardown(() => deleteTopicsWithPrefix(env.KAFKA_BROKERS, prefix));
  const migrate = spawn(process.execPath, ['dist/src/migrate.js'], {
    cwd: packageDir,
    env: { ...process.env, DATABASE_URL: env.DATABASE_URL, DB_SCHEMA: schema },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const migrateCode = await new Promise<number | null>((resolve) => migrate.on('exit', resolve));
  t.equal(migrateCode, 0, 'migrate.js exits 0');

  const child: ChildProcess = spawn(process.execPath, ['dist/src/server.js'], {
    cwd: packageDir,
    env: {
      ...process.env,
      PORT: String(port),
      DATABASE_URL: env.DATABASE_URL,
      REDIS_URL: env.REDIS_URL,
      KAFKA_BROKERS: env.KAFKA_BROKERS,
      DB_SCHEMA: schema,
      KAFKA_TOPIC_PREFIX: prefix,
      KAFKA_GROUP_PREFIX: prefix,
      JWT_HS256_SECRET: DEV_JWT_SECRET,
      VAULT_ADDR: vault.url,
      VAULT_TOKEN: vault.rootToken,
      OKTA_BASE_URL_TEMPLATE: `http://{domain}:${okta.port}`,
      OKTA_TEST_RESOLVE_TO_LOOPBACK: 'true',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d) => {
    output += d;
  });
  child.stderr?.on('data', (d) => {
    output += d;
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  t.teardown(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  const ready = await waitFor(
    async () => {
      const res = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined);
      return res?.status === 200 ? res : undefined;
    },
    { timeoutMs: 30_000, intervalMs: 200, description: `the server to be ready; output: ${output}` },
  );
  t.equal(ready.status, 200);
  const docs = await fetch(`http://127.0.0.1:${port}/docs/json`);
  t.equal(docs.status, 200);
  const started = Date.now();
  child.kill('SIGTERM');
  const code = await exited;
  t.equal(code, 0, `exits 0 on SIGTERM (${Date.now() - started} ms); output: ${output.slice(0, 2000)}`);
  t.comment(`shutdown took ${Date.now() - started} ms`);
});
