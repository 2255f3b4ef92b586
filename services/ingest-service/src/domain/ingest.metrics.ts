import {
  type Counter,
  defineCounter,
  defineGauge,
  defineHistogram,
  type Gauge,
  type Histogram,
  type Registry,
} from '@appgov/telemetry';

/** The sync metrics of SPEC section 8 (no tenant or domain labels: cardinality). */
export interface IngestMetrics {
  duration: Histogram<'outcome'>;
  syncs: Counter<'outcome' | 'reason'>;
  records: Counter<'dataset'>;
  running: Gauge<string>;
}

export function createIngestMetrics(registry: Registry): IngestMetrics {
  return {
    duration: defineHistogram(registry, {
      name: 'appgov_sync_duration_seconds',
      help: 'Wall time of finished syncs, from first start to end, by outcome',
      labelNames: ['outcome'],
      buckets: [1, 5, 15, 60, 300, 900, 1800, 3600, 7200, 14400],
    }),
    syncs: defineCounter(registry, {
      name: 'appgov_syncs_total',
      help: 'Finished syncs by outcome (completed, failed, cancelled) and failure reason',
      labelNames: ['outcome', 'reason'],
    }),
    records: defineCounter(registry, {
      name: 'appgov_sync_records_total',
      help: 'Records published to the okta-records topic, by dataset',
      labelNames: ['dataset'],
    }),
    running: defineGauge(registry, {
      name: 'appgov_sync_running_jobs',
      help: 'Syncs this replica is running now',
    }),
  };
}
