import { Counter, register as defaultRegistry, Gauge, type Registry } from 'prom-client';

/** The consumer runner's metrics (registered once per registry, shared by every runner in a process). */
export interface ConsumerMetrics {
  consumed: Counter<'topic' | 'outcome'>;
  handlerErrors: Counter<'topic'>;
  dlq: Counter<'reason'>;
  lag: Gauge<'group' | 'topic' | 'partition'>;
}

function getOrCreate<T>(registry: Registry, name: string, create: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? create();
}

/** Returns the metrics on `registry`, creating them the first time. */
export function consumerMetrics(registry: Registry = defaultRegistry): ConsumerMetrics {
  const registers = [registry];
  const fresh = !registry.getSingleMetric('appgov_kafka_dlq_messages_total');
  const m: ConsumerMetrics = {
    consumed: getOrCreate(
      registry,
      'appgov_kafka_messages_consumed_total',
      () =>
        new Counter({
          name: 'appgov_kafka_messages_consumed_total',
          help: 'Kafka messages consumed, by outcome (ok, dlq, skipped)',
          labelNames: ['topic', 'outcome'] as const,
          registers,
        }),
    ),
    handlerErrors: getOrCreate(
      registry,
      'appgov_kafka_handler_errors_total',
      () =>
        new Counter({
          name: 'appgov_kafka_handler_errors_total',
          help: 'Failed handler attempts (each retry counts)',
          labelNames: ['topic'] as const,
          registers,
        }),
    ),
    dlq: getOrCreate(
      registry,
      'appgov_kafka_dlq_messages_total',
      () =>
        new Counter({
          name: 'appgov_kafka_dlq_messages_total',
          help: 'Messages sent to the DLQ, by reason',
          labelNames: ['reason'] as const,
          registers,
        }),
    ),
    lag: getOrCreate(
      registry,
      'appgov_kafka_consumer_lag',
      () =>
        new Gauge({
          name: 'appgov_kafka_consumer_lag',
          help: 'Messages not yet processed on partitions assigned to this consumer (high watermark − next offset)',
          labelNames: ['group', 'topic', 'partition'] as const,
          registers,
        }),
    ),
  };
  // Every DLQ reason starts at 0: the DLQ alert and panels need the series before the first one.
  if (fresh) for (const reason of DLQ_REASONS) m.dlq.inc({ reason }, 0);
  return m;
}

const DLQ_REASONS = ['handler_failed', 'schema_invalid', 'unknown_type', 'unparseable'] as const;
