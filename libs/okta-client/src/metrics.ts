// Okta call metrics (SPEC 8). Labels are bucket/status/state only: domains and tenants would make
// cardinality grow with customers.
import { Counter, register as defaultRegistry, Gauge, Histogram, type Registry } from 'prom-client';
import type { BreakerState } from './breaker.js';
import { OKTA_BUCKETS, type OktaBucket } from './buckets.js';

/** The Okta client's metric instruments. */
export interface OktaMetrics {
  calls: Counter<'bucket' | 'status'>;
  duration: Histogram<'bucket'>;
  remainingRatio: Gauge<'bucket'>;
  rateLimited: Counter<'bucket'>;
  circuitState: Gauge<'state'>;
}

function getOrCreate<T>(registry: Registry, name: string, create: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? create();
}

/** Registers (once per registry) and returns the instruments. */
export function createOktaMetrics(registry: Registry = defaultRegistry): OktaMetrics {
  const registers = [registry];
  const fresh = !registry.getSingleMetric('appgov_okta_429_total');
  const m: OktaMetrics = {
    calls: getOrCreate(
      registry,
      'appgov_okta_calls_total',
      () =>
        new Counter({
          name: 'appgov_okta_calls_total',
          help: 'Okta API calls by rate-limit bucket and HTTP status (or "network")',
          labelNames: ['bucket', 'status'],
          registers,
        }),
    ),
    duration: getOrCreate(
      registry,
      'appgov_okta_call_duration_seconds',
      () =>
        new Histogram({
          name: 'appgov_okta_call_duration_seconds',
          help: 'Duration of Okta API calls (one HTTP attempt) by bucket',
          labelNames: ['bucket'],
          buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
          registers,
        }),
    ),
    remainingRatio: getOrCreate(
      registry,
      'appgov_okta_rate_limit_remaining_ratio',
      () =>
        new Gauge({
          name: 'appgov_okta_rate_limit_remaining_ratio',
          help: 'X-Rate-Limit-Remaining / X-Rate-Limit-Limit of the latest Okta response per bucket',
          labelNames: ['bucket'],
          registers,
        }),
    ),
    rateLimited: getOrCreate(
      registry,
      'appgov_okta_429_total',
      () =>
        new Counter({
          name: 'appgov_okta_429_total',
          help: 'Okta 429 responses by bucket',
          labelNames: ['bucket'],
          registers,
        }),
    ),
    circuitState: getOrCreate(
      registry,
      'appgov_okta_circuit_state',
      () =>
        new Gauge({
          name: 'appgov_okta_circuit_state',
          help: 'Number of Okta org circuit breakers in each state (closed, open, half_open)',
          labelNames: ['state'],
          registers,
        }),
    ),
  };
  // Known label values start at 0 so that a quiet system exports the series (alerts and panels
  // on 429s or open breakers need them); only once per registry, the gauge counts breakers.
  if (fresh) {
    for (const bucket of OKTA_BUCKETS) m.rateLimited.inc({ bucket }, 0);
    for (const state of ['closed', 'open', 'half_open'] as const) m.circuitState.inc({ state }, 0);
  }
  return m;
}

/** Records a breaker moving between states. */
export function recordBreakerTransition(
  m: OktaMetrics,
  from: BreakerState | undefined,
  to: BreakerState,
): void {
  if (from) m.circuitState.dec({ state: from });
  m.circuitState.inc({ state: to });
}

/** Bucket label type re-exported for callers that record their own observations. */
export type { OktaBucket };
