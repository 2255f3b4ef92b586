import t from 'tap';
import {
  ConfigError,
  loadConfig,
  serviceConfigProperties,
  Type,
  telemetryConfigProperties,
} from '../src/index.js';

const telemetry = Type.Object(telemetryConfigProperties());

t.test('OTEL_TRACES_SAMPLER and its ratio are read and checked', async (t) => {
  t.same(loadConfig(telemetry, {}), {}, 'all optional: the defaults depend on whether spans are exported');
  const cfg = loadConfig(telemetry, {
    OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
    OTEL_TRACES_SAMPLER_ARG: '0.25',
  });
  t.equal(cfg.OTEL_TRACES_SAMPLER, 'parentbased_traceidratio');
  t.equal(cfg.OTEL_TRACES_SAMPLER_ARG, 0.25);

  const bad = t.throws(() =>
    loadConfig(telemetry, { OTEL_TRACES_SAMPLER: 'jaeger_remote', OTEL_TRACES_SAMPLER_ARG: '2' }),
  ) as ConfigError;
  t.ok(bad instanceof ConfigError);
  t.match(bad.message, /OTEL_TRACES_SAMPLER:.*"jaeger_remote"/);
  t.match(bad.message, /OTEL_TRACES_SAMPLER_ARG:.*"2"/);
});

t.test('every service schema carries the telemetry variables', async (t) => {
  const schema = Type.Object(serviceConfigProperties({ port: 1, schema: 'x', redisKeyPrefix: 'x' }));
  const cfg = loadConfig(schema, { OTEL_TRACES_SAMPLER: 'always_off' });
  t.equal(cfg.OTEL_TRACES_SAMPLER, 'always_off');
  t.throws(() => loadConfig(schema, { OTEL_TRACES_SAMPLER: 'sometimes' }), /OTEL_TRACES_SAMPLER/);
});

t.test(
  'the production connection variables: Kafka TLS/SASL, topic management, migrations, CAs',
  async (t) => {
    const schema = Type.Object(serviceConfigProperties({ port: 1, schema: 'x', redisKeyPrefix: 'x' }));
    const local = loadConfig(schema, {});
    t.equal(local.KAFKA_SSL, false);
    t.equal(local.KAFKA_MANAGE_TOPICS, true, 'locally a service creates its topics');
    t.equal(local.MIGRATE_ON_START, true, 'locally a service migrates at start');
    const cfg = loadConfig(schema, {
      KAFKA_BROKERS: 'k1:9093,k2:9093',
      KAFKA_SSL: 'true',
      KAFKA_SSL_CA_FILE: '/etc/appgov/kafka/ca.crt',
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: 'appgov',
      KAFKA_SASL_PASSWORD: 'pw',
      KAFKA_MANAGE_TOPICS: 'false',
      MIGRATE_ON_START: 'false',
      DATABASE_SSL_CA_FILE: '/etc/appgov/pg/ca.crt',
      REDIS_URL: 'rediss://appgov:pw@redis:6380',
      REDIS_TLS_CA_FILE: '/etc/appgov/redis/ca.crt',
    });
    t.equal(cfg.KAFKA_SSL, true);
    t.equal(cfg.KAFKA_SASL_MECHANISM, 'scram-sha-512');
    t.equal(cfg.KAFKA_MANAGE_TOPICS, false);
    t.equal(cfg.MIGRATE_ON_START, false);
    t.equal(cfg.DATABASE_SSL_CA_FILE, '/etc/appgov/pg/ca.crt');
    t.equal(cfg.REDIS_TLS_CA_FILE, '/etc/appgov/redis/ca.crt');

    const bad = t.throws(() =>
      loadConfig(schema, { KAFKA_SASL_MECHANISM: 'gssapi', KAFKA_SSL: 'maybe', KAFKA_SASL_PASSWORD: '' }),
    ) as ConfigError;
    t.match(bad.message, /KAFKA_SASL_MECHANISM:.*"gssapi"/);
    t.match(bad.message, /KAFKA_SSL:/);
  },
);
