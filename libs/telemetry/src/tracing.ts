import { loadConfig, type TracesSamplerName, Type, telemetryConfigProperties } from '@appgov/config';
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
import type { Instrumentation } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { BatchSpanProcessor, NoopSpanProcessor } from '@opentelemetry/sdk-trace';
import { createSampler } from './sampler.js';

/** Options of {@link startTelemetry}. */
export interface StartTelemetryOptions {
  serviceName: string;
  /** The full OTLP/HTTP traces URL (e.g. `http://collector:4318/v1/traces`); no export when absent. */
  tracesUrl?: string | undefined;
  /** `OTEL_TRACES_SAMPLER`; unset: `parentbased_always_on` when exporting, else `always_off` ({@link createSampler}). */
  sampler?: TracesSamplerName | undefined;
  /** `OTEL_TRACES_SAMPLER_ARG`: the ratio of the traceidratio samplers (default 1). */
  samplerArg?: number | undefined;
}

/** A started OpenTelemetry SDK. */
export interface Telemetry {
  /** Flushes pending spans and stops the SDK. */
  shutdown(): Promise<void>;
}

/** Probe and scrape paths: no server spans for them (they would drown the sync traces). */
const UNTRACED_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

let instrumentations: Instrumentation[] | undefined;

/** The header that marks an outgoing request whose URL is a secret (webhook deliveries). */
export const SECRET_URL_HEADER = 'appgov-delivery-id';

/**
 * Finding 15: a client span records the full URL, and a webhook URL (a Slack one above all) is a
 * credential: such requests get no span at all.
 */
export function isSecretUrlRequest(options: { headers?: unknown }): boolean {
  const headers = options.headers as Record<string, unknown> | undefined;
  return (
    headers !== undefined && headers !== null && typeof headers === 'object' && SECRET_URL_HEADER in headers
  );
}

/**
 * The instrumentations, created once per process (constructing one installs its module hooks).
 * None of them records request or response headers: `headersToSpanAttributes` and the http
 * `headersToSpanAttributes` options stay unset, so the Okta `Authorization` header and the Vault
 * token never reach a span (a test scans every exported attribute for the token).
 */
function defaultInstrumentations(): Instrumentation[] {
  instrumentations ??= [
    new HttpInstrumentation({
      ignoreIncomingRequestHook: (req) => UNTRACED_PATHS.has((req.url ?? '').split('?')[0] ?? ''),
      ignoreOutgoingRequestHook: isSecretUrlRequest,
    }),
    // The Okta client uses undici (diagnostics channels: works for ESM and CJS alike).
    new UndiciInstrumentation(),
    // Statement text only; values (which may hold anything) are never added.
    new PgInstrumentation({ enhancedDatabaseReporting: false, requireParentSpan: true }),
    new IORedisInstrumentation({ requireParentSpan: true }),
  ];
  return instrumentations;
}

/**
 * Starts the OpenTelemetry Node SDK with the http (server and client), undici, pg and ioredis
 * instrumentations. Spans always get ids (so they reach logs and Kafka headers); which ones are
 * recorded is the sampler's choice, and recorded ones leave the process only when `tracesUrl` is
 * set.
 *
 * The pg and ioredis instrumentations patch those modules when they are first loaded, so the SDK
 * must start before anything imports them: services start it from `src/instrumentation.ts`, the
 * first import of `src/server.ts` (ESM evaluates imports in order, and both packages are CommonJS,
 * loaded through `require`, which the SDK hooks).
 */
export function startTelemetry(options: StartTelemetryOptions): Telemetry {
  const exporting = Boolean(options.tracesUrl);
  const spanProcessor = exporting
    ? new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url: options.tracesUrl }) })
    : new NoopSpanProcessor();
  const sdk = new NodeSDK({
    serviceName: options.serviceName,
    spanProcessors: [spanProcessor],
    sampler: createSampler({ name: options.sampler, arg: options.samplerArg }, exporting),
    // Only traces leave over OTLP: metrics are prom-client's /metrics and logs are pino's stdout.
    // Left unset, the SDK starts OTLP metric and log exporters of its own (to localhost:4318, or
    // OTEL_EXPORTER_OTLP_ENDPOINT's /v1/metrics and /v1/logs) whose retries held every shutdown
    // for about 8 s.
    metricReaders: [],
    logRecordProcessors: [],
    // No resource detection: it would probe cloud metadata endpoints at boot.
    resourceDetectors: [],
    instrumentations: defaultInstrumentations(),
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

const telemetryEnvSchema = Type.Object(telemetryConfigProperties());

/**
 * The OTLP/HTTP traces URL the OpenTelemetry spec derives from the environment:
 * `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` as-is, else `OTEL_EXPORTER_OTLP_ENDPOINT` as a base with
 * `v1/traces` appended (as the SDK's own exporters do); undefined when neither is set.
 */
export function otlpTracesUrl(env: {
  OTEL_EXPORTER_OTLP_ENDPOINT?: string | undefined;
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?: string | undefined;
}): string | undefined {
  if (env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) return env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (!base) return undefined;
  return `${base.endsWith('/') ? base : `${base}/`}v1/traces`;
}

/**
 * {@link startTelemetry} configured by the standard `OTEL_*` variables of the services' config schema
 * (`OTEL_EXPORTER_OTLP_ENDPOINT` or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`, `OTEL_TRACES_SAMPLER`,
 * `OTEL_TRACES_SAMPLER_ARG`); a bad value throws a `ConfigError` naming it, before the service starts.
 */
export function startTelemetryFromEnv(serviceName: string, env: NodeJS.ProcessEnv = process.env): Telemetry {
  const config = loadConfig(telemetryEnvSchema, env);
  return startTelemetry({
    serviceName,
    tracesUrl: otlpTracesUrl(config),
    sampler: config.OTEL_TRACES_SAMPLER,
    samplerArg: config.OTEL_TRACES_SAMPLER_ARG,
  });
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
