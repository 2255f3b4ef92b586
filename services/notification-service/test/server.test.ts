import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deleteTopicsWithPrefix } from '@appgov/kafka';
import { DEV_JWT_SECRET, freePort, freshSchema, testEnv, uniqueName, waitFor } from '@appgov/testing';
import t from 'tap';

const serverJs = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'server.js');

t.test('node dist/src/server.js boots, is ready, and exits cleanly on SIGTERM', async (t) => {
  const env = testEnv();
  const schema = await freshSchema(t, 'notif_srv');
  const port = await freePort();
  const password = `smtp-${uniqueName('pw')}`;
  const topicPrefix = `${uniqueName('srv')}.`;
  t.teardown(() => deleteTopicsWithPrefix(env.KAFKA_BROKERS, topicPrefix));
  const child = spawn(process.execPath, [serverJs], {
    env: {
      ...process.env,
      ...env,
      PORT: String(port),
      DB_SCHEMA: schema,
      KAFKA_TOPIC_PREFIX: topicPrefix,
      KAFKA_GROUP_PREFIX: `${uniqueName('g')}.`,
      JWT_HS256_SECRET: DEV_JWT_SECRET,
      SMTP_PASSWORD: password,
      SMTP_USER: 'mailer',
      LOG_LEVEL: 'debug',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c: Buffer) => {
    output += c.toString();
  });
  child.stderr.on('data', (c: Buffer) => {
    output += c.toString();
  });
  t.teardown(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  await waitFor(
    async () => {
      const res = await fetch(`http://127.0.0.1:${port}/readyz`);
      return res.status === 200;
    },
    { timeoutMs: 30_000, description: 'readyz' },
  );
  const docs = await fetch(`http://127.0.0.1:${port}/docs/json`);
  t.equal(docs.status, 200);
  child.kill('SIGTERM');
  const [code] = await once(child, 'exit');
  t.equal(code, 0, 'clean exit');
  t.match(output, 'notification-service stopped');
  t.notMatch(output, password, 'SMTP password not logged');
});
