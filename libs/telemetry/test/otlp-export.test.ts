import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import t from 'tap';
import { otlpTracesUrl, startTelemetryFromEnv, withSpan } from '../src/index.js';

t.test('OTLP endpoints follow the spec: base URL + v1/traces, or the traces URL as-is', async (t) => {
  t.equal(otlpTracesUrl({}), undefined, 'neither set: no export');
  t.equal(otlpTracesUrl({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' }), 'http://c:4318/v1/traces');
  t.equal(otlpTracesUrl({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318/' }), 'http://c:4318/v1/traces');
  t.equal(otlpTracesUrl({ OTEL_EXPORTER_OTLP_ENDPOINT: 'https://c/otlp' }), 'https://c/otlp/v1/traces');
  t.equal(
    otlpTracesUrl({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://t:4318/custom/path' }),
    'http://t:4318/custom/path',
    'the signal-specific URL is used without modification',
  );
  t.equal(
    otlpTracesUrl({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://t:4318/v1/traces',
    }),
    'http://t:4318/v1/traces',
    'the signal-specific URL wins',
  );
  t.throws(
    () => startTelemetryFromEnv('x', { OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' }),
    /OTLP_ENDPOINT/,
  );
});

t.test(
  'a base OTEL_EXPORTER_OTLP_ENDPOINT exports traces to <base>/v1/traces and nothing else',
  async (t) => {
    const requests: { path: string; body: string }[] = [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        requests.push({ path: req.url ?? '', body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/collector`;

    // process.env as a service has it, so the SDK's own env-driven exporters would see it too.
    const saved = process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = base;
    t.teardown(() => {
      if (saved === undefined) delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
      else process.env.OTEL_EXPORTER_OTLP_ENDPOINT = saved;
    });
    const telemetry = startTelemetryFromEnv('otlp-export-test');
    // An undici call inside the span: it records a client span and, were an SDK metric reader
    // running, an http.client duration metric that shutdown would flush to <base>/v1/metrics.
    await withSpan('exported-work', async (span) => {
      t.ok(span.isRecording(), 'exporting with no sampler set: root spans are recorded');
      await (await fetch(`${base}/ping`)).text();
    });
    const started = performance.now();
    await telemetry.shutdown();
    // Waiting on another exporter means its 10 s export timeout; a loaded machine needs headroom.
    t.ok(performance.now() - started < 8000, 'shutdown flushes without waiting on other exporters');

    const exports = requests.filter((r) => r.path !== '/collector/ping');
    t.ok(exports.length > 0, 'spans were exported');
    t.same([...new Set(exports.map((r) => r.path))], ['/collector/v1/traces'], 'only the traces path');
    t.ok(
      exports.some((r) => r.body.includes('exported-work')),
      'the span reached the collector',
    );
  },
);
