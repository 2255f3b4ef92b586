import t from 'tap';
import { KafkaConfigError, kafkaSecurity } from '../src/index.js';

const files: Record<string, string> = { '/ca.pem': 'CA', '/cert.pem': 'CERT', '/key.pem': 'KEY' };
const read = (path: string) => {
  const pem = files[path];
  if (pem === undefined) throw Object.assign(new Error('missing'), { code: 'ENOENT' });
  return pem;
};
const base = { KAFKA_BROKERS: 'b:9093' };

t.test('plaintext without any security variable', async (t) => {
  t.same(kafkaSecurity(base, read), {});
});

t.test('TLS with the system CAs, with a private CA, with a client certificate', async (t) => {
  t.same(kafkaSecurity({ ...base, KAFKA_SSL: true }, read), { ssl: true });
  t.same(kafkaSecurity({ ...base, KAFKA_SSL: true, KAFKA_SSL_CA_FILE: '/ca.pem' }, read), {
    ssl: { ca: ['CA'] },
  });
  t.same(
    kafkaSecurity(
      { ...base, KAFKA_SSL: true, KAFKA_SSL_CERT_FILE: '/cert.pem', KAFKA_SSL_KEY_FILE: '/key.pem' },
      read,
    ),
    { ssl: { cert: 'CERT', key: 'KEY' } },
  );
});

t.test('every SASL mechanism', async (t) => {
  for (const mechanism of ['plain', 'scram-sha-256', 'scram-sha-512'] as const) {
    const env = {
      ...base,
      KAFKA_SSL: true,
      KAFKA_SASL_MECHANISM: mechanism,
      KAFKA_SASL_USERNAME: 'u',
      KAFKA_SASL_PASSWORD: 'p',
    };
    t.same(kafkaSecurity(env, read).sasl, { mechanism, username: 'u', password: 'p' });
  }
});

t.test('variables that do not fit together are named, values never', async (t) => {
  const cases: Array<[Record<string, unknown>, RegExp]> = [
    [{ KAFKA_SSL_CA_FILE: '/ca.pem' }, /KAFKA_SSL_CA_FILE set but KAFKA_SSL is not true/],
    [
      { KAFKA_SSL: true, KAFKA_SSL_CERT_FILE: '/cert.pem' },
      /KAFKA_SSL_CERT_FILE and KAFKA_SSL_KEY_FILE go together/,
    ],
    [
      { KAFKA_SSL: true, KAFKA_SSL_CA_FILE: '/nope.pem' },
      /KAFKA_SSL_CA_FILE: cannot read \/nope.pem \(ENOENT\)/,
    ],
    [
      { KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'u' },
      /needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD/,
    ],
    [{ KAFKA_SASL_PASSWORD: 'hunter2-secret' }, /set without KAFKA_SASL_MECHANISM/],
  ];
  for (const [env, message] of cases) {
    const error = t.throws(() => kafkaSecurity({ ...base, ...env }, read)) as Error;
    t.type(error, KafkaConfigError);
    t.match(error.message, message);
    t.notMatch(error.message, /hunter2/);
  }
});
