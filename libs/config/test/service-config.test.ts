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
