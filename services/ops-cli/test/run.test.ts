import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { createDefaultTopics, deleteTopicsWithPrefix } from '@appgov/kafka';
import t from 'tap';
import { run } from '../src/run.js';

const io = () => {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l), env: {} } };
};

t.test('usage errors exit 2 and say what is wrong', async (t) => {
  const a = io();
  t.equal(await run([], a.io), 2, 'no command');
  t.match(a.err.join('\n'), /usage: appgov-ops/);
  const b = io();
  t.equal(await run(['dlq', 'list'], b.io), 2, 'no KAFKA_BROKERS');
  t.match(b.err.join('\n'), /KAFKA_BROKERS is not set/);
  const c = io();
  t.equal(
    await run(['connections'], { ...c.io, env: { APPGOV_CONNECTION_URL: 'http://x', APPGOV_TOKEN: 'y' } }),
    2,
  );
  t.match(c.err.join('\n'), /--stale and\/or --failing/);
  const d = io();
  t.equal(await run(['dlq', 'replay', '--bogus'], d.io), 2, 'unknown flag');
});

// The dlq commands connect as the services do: the local broker's SASL_SSL listener (deploy/local).
const saslEnv = (password: string) => ({
  KAFKA_BROKERS: process.env.KAFKA_SASL_SSL_BROKERS || '127.0.0.1:59094',
  KAFKA_SSL: 'true',
  KAFKA_SSL_CA_FILE: process.env.APPGOV_CA_FILE || resolve(process.cwd(), '.local/tls/ca.pem'),
  KAFKA_SASL_MECHANISM: 'scram-sha-512',
  KAFKA_SASL_USERNAME: process.env.KAFKA_LOCAL_SASL_USERNAME || 'appgov',
  KAFKA_SASL_PASSWORD: password,
});

t.test('dlq list reaches a SASL_SSL broker with the services Kafka variables', async (t) => {
  const prefix = `test.ops-sasl-${randomUUID().slice(0, 8)}.`;
  const env = {
    ...saslEnv(process.env.KAFKA_LOCAL_SASL_PASSWORD || 'appgov-kafka-local'),
    KAFKA_TOPIC_PREFIX: prefix,
  };
  await createDefaultTopics({ ...env, KAFKA_SSL: true, KAFKA_SASL_MECHANISM: 'scram-sha-512' }, prefix);
  t.teardown(() => deleteTopicsWithPrefix(process.env.KAFKA_BROKERS || '127.0.0.1:59092', prefix));
  const a = io();
  t.equal(await run(['dlq', 'list'], { ...a.io, env }), 0, a.err.join('\n'));
  t.match(a.err.join('\n'), new RegExp(`0 of 0 records in ${prefix.replaceAll('.', '\\.')}`));
});

t.test('a Kafka variable that does not fit is named, and the password is not echoed', async (t) => {
  const a = io();
  const env = { ...saslEnv('not-shown-anywhere'), KAFKA_SASL_MECHANISM: 'gssapi' };
  t.equal(await run(['dlq', 'list'], { ...a.io, env }), 1);
  const said = [...a.out, ...a.err].join('\n');
  t.match(said, /KAFKA_SASL_MECHANISM/);
  t.notMatch(said, /not-shown-anywhere/);
});
