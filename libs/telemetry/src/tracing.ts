import {
  type Attributes,
  type Context,
  context,
  type Span,
  type SpanKind,
  SpanStatusCode,
  type TextMapGetter,
  trace,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { BatchSpanProcessor, NoopSpanProcessor } from '@opentelemetry/sdk-trace';

/** Options of {@link startTelemetry}. */
export interface StartTelemetryOptions {
  serviceName: string;
  /** OTLP/HTTP traces URL (e.g. `http://collector:4318/v1/traces`); no export when absent. */
  otlpEndpoint?: string | undefined;
}

/** A started OpenTelemetry SDK. */
export interface Telemetry {
  /** Flushes pending spans and stops the SDK. */
  shutdown(): Promise<void>;
}

/**
 * Starts the OpenTelemetry Node SDK. Spans are always created (so ids reach logs and Kafka
 * headers) but leave the process only when `otlpEndpoint` is set.
 */
export function startTelemetry(options: StartTelemetryOptions): Telemetry {
  const spanProcessor = options.otlpEndpoint
    ? new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url: options.otlpEndpoint }) })
    : new NoopSpanProcessor();
  const sdk = new NodeSDK({
    serviceName: options.serviceName,
    spanProcessors: [spanProcessor],
    // No resource detection: it would probe cloud metadata endpoints at boot.
    resourceDetectors: [],
    instrumentations: [],
  });
  sdk.start();
  let stopped: Promise<void> | undefined;
  return {
    shutdown: () => {
      stopped ??= sdk.shutdown();
      return stopped;
    },
  };
}

// The helpers use W3C trace context directly so they work whatever global propagator is set.
const propagator = new W3CTraceContextPropagator();

/** Carrier values as they come from Kafka headers or HTTP: strings, Buffers or lists of them. */
export type TraceCarrier = Record<string, string | Buffer | (string | Buffer)[] | undefined>;

const getter: TextMapGetter<TraceCarrier> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => {
    const raw = carrier[key] ?? carrier[key.toLowerCase()];
    const first = Array.isArray(raw) ? raw[0] : raw;
    return first === undefined ? undefined : first.toString();
  },
};

/** Writes `traceparent` (and `tracestate`) for the active span into `carrier` and returns it. */
export function injectTraceparent<C extends Record<string, unknown>>(
  carrier: C,
  ctx: Context = context.active(),
): C {
  propagator.inject(ctx, carrier, {
    set: (c, key, value) => {
      (c as Record<string, unknown>)[key] = value;
    },
  });
  return carrier;
}

/** Reads `traceparent` from message/request headers into a context to start child spans from. */
export function extractContext(carrier: TraceCarrier, base: Context = context.active()): Context {
  return propagator.extract(base, carrier, getter);
}

/** Options of {@link withSpan} beyond the attributes. */
export interface WithSpanOptions {
  /** Parent context, e.g. from {@link extractContext}; defaults to the active one. */
  parent?: Context;
  kind?: SpanKind;
}

/**
 * Runs `fn` inside a new active span that ends when `fn` settles; a thrown error is recorded on
 * the span and rethrown.
 */
export async function withSpan<T>(
  name: string,
  fn: (span: Span) => Promise<T> | T,
  attrs: Attributes = {},
  options: WithSpanOptions = {},
): Promise<T> {
  const tracer = trace.getTracer('appgov');
  const parent = options.parent ?? context.active();
  return tracer.startActiveSpan(
    name,
    { attributes: attrs, ...(options.kind === undefined ? {} : { kind: options.kind }) },
    parent,
    async (span) => {
      try {
        return await fn(span);
      } catch (error) {
        span.recordException(error instanceof Error ? error : String(error));
        span.setStatus({
          code: SpanStatusCode.ERROR,
          message: error instanceof Error ? error.message : String(error),
        });
        throw error;
      } finally {
        span.end();
      }
    },
  );
}

/** The active span's trace id, or undefined outside a span. */
export function currentTraceId(): string | undefined {
  const ctx = trace.getActiveSpan()?.spanContext();
  return ctx && trace.isSpanContextValid(ctx) ? ctx.traceId : undefined;
}
