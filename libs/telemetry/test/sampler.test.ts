import { ConfigError } from '@appgov/config';
import { type Context, context, ROOT_CONTEXT, SpanKind, TraceFlags, trace } from '@opentelemetry/api';
import {
  InMemorySpanExporter,
  SamplingDecision,
  SimpleSpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import t from 'tap';
import { createSampler, type SamplerChoice, startTelemetryFromEnv } from '../src/index.js';

const TRACE_LOW = '0000000000000000ffffffffffffffff'; // the ratio samplers read the low 8 bytes
const remoteParent = (sampled: boolean): Context =>
  trace.setSpanContext(ROOT_CONTEXT, {
    traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
    spanId: '00f067aa0ba902b7',
    traceFlags: sampled ? TraceFlags.SAMPLED : TraceFlags.NONE,
    isRemote: true,
  });

const decide = (choice: SamplerChoice, exporting: boolean, parent: Context = ROOT_CONTEXT) =>
  createSampler(choice, exporting).shouldSample(parent, TRACE_LOW, 'op', SpanKind.INTERNAL, {}, []).decision;

t.test('unset: parent-based always-on when exporting, nothing recorded when not', async (t) => {
  t.equal(decide({}, true), SamplingDecision.RECORD_AND_SAMPLED, 'exporting: a root span is sampled');
  t.equal(
    decide({}, true, remoteParent(false)),
    SamplingDecision.NOT_RECORD,
    'exporting: unsampled parent wins',
  );
  t.equal(decide({}, false), SamplingDecision.NOT_RECORD, 'not exporting: root not recorded');
  t.equal(
    decide({}, false, remoteParent(true)),
    SamplingDecision.NOT_RECORD,
    'not exporting: nor a sampled child',
  );
});

t.test('an explicit OTEL_TRACES_SAMPLER wins, with its ratio', async (t) => {
  t.equal(decide({ name: 'always_on' }, false), SamplingDecision.RECORD_AND_SAMPLED);
  t.equal(decide({ name: 'always_off' }, true), SamplingDecision.NOT_RECORD);
  t.equal(decide({ name: 'traceidratio', arg: 0 }, true), SamplingDecision.NOT_RECORD);
  t.equal(decide({ name: 'traceidratio' }, true), SamplingDecision.RECORD_AND_SAMPLED, 'ratio defaults to 1');
  t.equal(decide({ name: 'parentbased_traceidratio', arg: 0 }, true), SamplingDecision.NOT_RECORD);
  t.equal(
    decide({ name: 'parentbased_traceidratio', arg: 0 }, true, remoteParent(true)),
    SamplingDecision.RECORD_AND_SAMPLED,
    'a sampled parent keeps the whole trace',
  );
  t.equal(
    decide({ name: 'parentbased_always_off' }, true, remoteParent(true)),
    SamplingDecision.RECORD_AND_SAMPLED,
  );
  t.equal(decide({ name: 'parentbased_always_off' }, true), SamplingDecision.NOT_RECORD);
  t.equal(decide({ name: 'parentbased_always_on' }, false, remoteParent(false)), SamplingDecision.NOT_RECORD);
});

t.test('unrecorded spans still carry ids for logs and traceparent', async (t) => {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({
    sampler: createSampler({}, false),
    spanProcessors: [new SimpleSpanProcessor({ exporter })],
  });
  t.teardown(() => provider.shutdown());
  const span = provider.getTracer('t').startSpan('work', {}, context.active());
  span.end();
  t.notOk(span.isRecording());
  t.ok(trace.isSpanContextValid(span.spanContext()), 'valid trace and span ids');
  t.equal(span.spanContext().traceFlags, TraceFlags.NONE);
  t.equal(exporter.getFinishedSpans().length, 0, 'nothing reaches a processor');
});

t.test('startTelemetryFromEnv refuses an unknown sampler before starting anything', async (t) => {
  const err = t.throws(() => startTelemetryFromEnv('x', { OTEL_TRACES_SAMPLER: 'jaeger_remote' }));
  t.ok(err instanceof ConfigError);
  t.match((err as Error).message, /OTEL_TRACES_SAMPLER/);
  t.throws(() => startTelemetryFromEnv('x', { OTEL_TRACES_SAMPLER_ARG: 'half' }), /OTEL_TRACES_SAMPLER_ARG/);
});
