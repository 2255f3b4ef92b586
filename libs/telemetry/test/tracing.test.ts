import { context, trace } from '@opentelemetry/api';
import t from 'tap';
import { currentTraceId, extractContext, injectTraceparent, startTelemetry, withSpan } from '../src/index.js';

// Without an OTLP endpoint the default sampler records nothing, yet trace ids still propagate.
t.test('traceparent round-trips through a carrier into a child span', async (t) => {
  const telemetry = startTelemetry({ serviceName: 'tracing-test' });
  t.teardown(() => telemetry.shutdown());
  const headers: Record<string, string> = {};
  let parentTrace = '';
  await withSpan('produce', async (span) => {
    parentTrace = span.spanContext().traceId;
    t.notOk(span.isRecording(), 'no export, no sampler set: not recorded');
    injectTraceparent(headers);
  });
  t.match(headers.traceparent, new RegExp(`^00-${parentTrace}-[0-9a-f]{16}-00$`), 'sampled flag off');

  const kafkaHeaders = { traceparent: Buffer.from(headers.traceparent as string) };
  const parent = extractContext(kafkaHeaders, context.active());
  const childTrace = await withSpan('consume', async () => currentTraceId(), { topic: 't' }, { parent });
  t.equal(childTrace, parentTrace);
  t.equal(trace.getActiveSpan(), undefined);
});

t.test('withSpan records and rethrows errors', async (t) => {
  await t.rejects(
    withSpan('boom', async () => {
      throw new Error('boom');
    }),
    /boom/,
  );
});
