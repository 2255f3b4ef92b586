import type { TracesSamplerName } from '@appgov/config';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  ParentBasedSampler,
  type Sampler,
  TraceIdRatioBasedSampler,
} from '@opentelemetry/sdk-trace';

/** `OTEL_TRACES_SAMPLER` and `OTEL_TRACES_SAMPLER_ARG`, as read by `@appgov/config`. */
export interface SamplerChoice {
  name?: TracesSamplerName | undefined;
  /** The ratio of the traceidratio samplers (spec default 1). */
  arg?: number | undefined;
}

/**
 * The sampler of the OpenTelemetry SDK spec's `OTEL_TRACES_SAMPLER` values. Unset, it is the spec's
 * `parentbased_always_on` when spans are exported, and `always_off` when they are not: recording
 * spans that no processor sends anywhere only costs CPU and memory on every Okta call and SQL
 * statement. Unrecorded spans still carry valid ids, so log lines keep `trace_id` and Kafka headers
 * keep `traceparent` (with the sampled flag off). An explicit choice always wins, e.g. to mark
 * traces sampled for downstream services that do export.
 */
export function createSampler(choice: SamplerChoice, exporting: boolean): Sampler {
  const name = choice.name ?? (exporting ? 'parentbased_always_on' : 'always_off');
  const ratio = choice.arg ?? 1;
  switch (name) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return new TraceIdRatioBasedSampler(ratio);
    case 'parentbased_always_on':
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratio) });
  }
}
