// The local broker's SASL_SSL listener (deploy/local/kafka.sh): every SASL mechanism over TLS from the
// scripts' private CA works through createKafkaFromEnv; plaintext, a wrong password and an untrusted
// CA are refused.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { topicSpecs } from '@appgov/contracts';
import { logLevel } from 'kafkajs';
import t from 'tap';
import {
  createKafka,
  createKafkaFromEnv,
  deleteTopicsWithPrefix,
  ensureTopics,
  type KafkaConnectionEnv,
} from '../src/index.js';
import { unique } from './kafka-test-env.js';

const env = process.env;
const caFile =
  env.APPGOV_CA_FILE || resolve(env.APPGOV_STATE || resolve(process.cwd(), '../../.local'), 'tls/ca.pem');
const secured = (mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'): KafkaConnectionEnv => ({
  KAFKA_BROKERS: env.KAFKA_SASL_SSL_BROKERS || '127.0.0.1:59094',
  KAFKA_SSL: true,
  KAFKA_SSL_CA_FILE: caFile,
  KAFKA_SASL_MECHANISM: mechanism,
  KAFKA_SASL_USERNAME: env.KAFKA_LOCAL_SASL_USERNAME || 'appgov',
  KAFKA_SASL_PASSWORD: env.KAFKA_LOCAL_SASL_PASSWORD || 'appgov-kafka-local',
});
const runNode = (args: string[], childEnv: NodeJS.ProcessEnv) =>
  promisify(execFile)(process.execPath, args, { env: childEnv, timeout: 120_000 });
// Fail fast: the refusals below would otherwise be retried for half a minute.
const quick = { retry: { retries: 0 }, connectionTimeout: 5000, authenticationTimeout: 5000 };

t.test('each SASL mechanism over TLS creates a topic, produces and consumes', async (t) => {
  for (const mechanism of ['scram-sha-512', 'scram-sha-256', 'plain'] as const) {
    const kafka = createKafkaFromEnv(secured(mechanism), {
      clientId: unique('sasl'),
      logLevel: logLevel.NOTHING,
    });
    const topic = unique(`test.sasl-${mechanism}`);
    const admin = kafka.admin();
    await admin.connect();
    t.teardown(async () => {
      await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
      await admin.disconnect();
    });
    // ensureTopics, not kafkajs's waitForLeaders (which gives up with UNKNOWN_TOPIC_OR_PARTITION on a busy KRaft broker).
    await ensureTopics(admin, [{ name: topic, partitions: 1, configs: {} }]);
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, messages: [{ key: 'k', value: mechanism }] });
    await producer.disconnect();
    const consumer = kafka.consumer({ groupId: unique('sasl-group') });
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    const value = await new Promise<string>((res) => {
      void consumer.run({ eachMessage: async ({ message }) => res(String(message.value)) });
    });
    await consumer.disconnect();
    t.equal(value, mechanism, `${mechanism}: the message came back over SASL_SSL`);
  }
});

t.test('a plaintext client is refused by the SASL_SSL listener', async (t) => {
  const kafka = createKafka({
    clientId: unique('plain'),
    brokers: secured('scram-sha-512').KAFKA_BROKERS,
    logLevel: logLevel.NOTHING,
    config: quick,
  });
  const admin = kafka.admin();
  await t.rejects(admin.connect().then(() => admin.describeCluster()));
  await admin.disconnect();
});

t.test('a wrong password and an untrusted CA are refused', async (t) => {
  const wrong = createKafkaFromEnv(
    { ...secured('scram-sha-512'), KAFKA_SASL_PASSWORD: 'not-the-password' },
    { clientId: unique('wrong'), logLevel: logLevel.NOTHING, config: quick },
  );
  await t.rejects(wrong.admin().connect(), /SASL SCRAM SHA512 authentication failed|authentication/i);
  // TLS with the system CAs only: the private CA's certificate is not trusted.
  const { KAFKA_SSL_CA_FILE: _ca, ...systemCas } = secured('scram-sha-512');
  const untrusted = createKafkaFromEnv(systemCas, {
    clientId: unique('untrusted'),
    logLevel: logLevel.NOTHING,
    config: quick,
  });
  await t.rejects(untrusted.admin().connect(), /self.signed|certificate/i);
  t.ok(readFileSync(caFile, 'utf8').includes('BEGIN CERTIFICATE'), 'the CA is a PEM file');
});

t.test('the create-topics command reaches the SASL_SSL listener with the services variables', async (t) => {
  const prefix = unique('test.create-topics');
  const s = secured('scram-sha-512');
  const { stdout } = await runNode([fileURLToPath(new URL('../src/create-topics.js', import.meta.url))], {
    ...process.env,
    KAFKA_BROKERS: s.KAFKA_BROKERS,
    KAFKA_SSL: 'true',
    KAFKA_SSL_CA_FILE: caFile,
    KAFKA_SASL_MECHANISM: 'scram-sha-512',
    KAFKA_SASL_USERNAME: s.KAFKA_SASL_USERNAME,
    KAFKA_SASL_PASSWORD: s.KAFKA_SASL_PASSWORD,
    KAFKA_TOPIC_PREFIX: `${prefix}.`,
  });
  t.teardown(() => deleteTopicsWithPrefix(env.KAFKA_BROKERS || '127.0.0.1:59092', prefix));
  const admin = createKafkaFromEnv(s, { clientId: unique('list'), logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  t.teardown(() => admin.disconnect());
  const listed = (await admin.listTopics()).filter((name) => name.startsWith(prefix));
  const expected = topicSpecs({ prefix: `${prefix}.` }).map((spec) => spec.name);
  t.same(listed.sort(), [...expected].sort(), 'every contract topic exists under the prefix');
  t.match(stdout, /^created: /, 'the command says what it created');
  t.notMatch(stdout, new RegExp(String(s.KAFKA_SASL_PASSWORD)), 'the password is not printed');
});

t.test('a client certificate from the CA is accepted; one from another CA is refused', async (t) => {
  const tlsDir = dirname(caFile);
  const withCert = (cert: string, key: string) =>
    createKafkaFromEnv(
      { ...secured('scram-sha-512'), KAFKA_SSL_CERT_FILE: cert, KAFKA_SSL_KEY_FILE: key },
      { clientId: unique('mtls'), logLevel: logLevel.NOTHING, config: quick },
    ).admin();
  // The scripts' certificate carries clientAuth too (deploy/local/tls.sh).
  const trusted = withCert(join(tlsDir, 'server.pem'), join(tlsDir, 'server.key'));
  await trusted.connect();
  t.teardown(() => trusted.disconnect());
  t.ok((await trusted.describeCluster()).brokers.length > 0, 'the CA-signed client certificate is accepted');

  const dir = mkdtempSync(join(tmpdir(), 'kafka-stranger-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  await promisify(execFile)('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '1',
    '-subj',
    '/CN=stranger',
    '-keyout',
    join(dir, 'key.pem'),
    '-out',
    join(dir, 'cert.pem'),
  ]);
  const stranger = withCert(join(dir, 'cert.pem'), join(dir, 'key.pem'));
  await t.rejects(
    stranger.connect().then(() => stranger.describeCluster()),
    'a certificate from another CA is refused by the broker',
  );
  await stranger.disconnect();
});
