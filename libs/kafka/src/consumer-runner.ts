import type { Admin } from 'kafkajs';
import { ConsumerLag } from './consumer-lag.js';
import { batchLoop, eachMessageLoop, type LoopDeps } from './consumer-loop.js';
import { consumerMetrics } from './consumer-metrics.js';
import { type ConsumerRunner, contractsRegistry, type RunConsumerOptions } from './consumer-types.js';
import { createDlqWriter } from './dlq-writer.js';
import { createProducer, type EventProducer } from './event-producer.js';
import { createRetryPolicy } from './handler-retries.js';
import { silentLogger } from './kafka-logger.js';
import { createAdmission } from './message-admission.js';

// kafkajs's own default is 5000 ms: most of the 2-5 s each consumer added to a SIGTERM exit.
const DEFAULT_MAX_WAIT_MS = 1000;

/**
 * Subscribes and runs handlers with validation, bounded retries, DLQ, manual commits and lag metrics.
 * The parts live beside it: message-admission (decoding and validation), handler-retries (the
 * retry policy), dlq-writer, consumer-loop (single and batch modes), consumer-tracing, consumer-lag.
 */
export async function runConsumer(options: RunConsumerOptions): Promise<ConsumerRunner> {
  const logger = options.logger ?? silentLogger;
  const metrics = consumerMetrics(options.metricsRegistry);
  for (const topic of options.topics) metrics.handlerErrors.inc({ topic }, 0);
  const abort = new AbortController();
  const { groupId } = options;

  const consumer = options.kafka.consumer({
    groupId,
    allowAutoTopicCreation: false,
    ...(options.sessionTimeoutMs ? { sessionTimeout: options.sessionTimeoutMs } : {}),
    maxWaitTimeInMs: options.maxWaitTimeMs ?? DEFAULT_MAX_WAIT_MS,
  });
  const dlqProducer: EventProducer = createProducer(options.kafka, { logger });
  const admin: Admin = options.kafka.admin();
  const lag = new ConsumerLag(consumer, admin, groupId, metrics, options.fromBeginning !== false);
  consumer.on(consumer.events.CRASH, (e) =>
    logger.error({ groupId, err: e.payload.error, restart: e.payload.restart }, 'Kafka consumer crashed'),
  );

  const sendToDlq = createDlqWriter({
    producer: dlqProducer,
    dlqTopic: options.dlqTopic,
    groupId,
    metrics,
    logger,
  });
  const deps: LoopDeps = {
    groupId,
    admit: createAdmission(options.registry ?? contractsRegistry, sendToDlq),
    sendToDlq,
    withRetries: createRetryPolicy({
      maxAttempts: Math.max(1, options.maxAttempts ?? 5),
      backoff: options.backoff,
      metrics,
      logger,
      signal: abort.signal,
    }),
    metrics,
    logger,
    signal: abort.signal,
    onCommitted: (topic, partition, next) => lag.committed(topic, partition, next),
  };

  await Promise.all([admin.connect(), dlqProducer.connect(), consumer.connect()]);
  await consumer.subscribe({ topics: options.topics, fromBeginning: options.fromBeginning ?? true });
  await consumer.run({
    autoCommit: false,
    eachBatchAutoResolve: false,
    partitionsConsumedConcurrently: options.partitionsConcurrently ?? 1,
    eachBatch: options.eachBatch
      ? batchLoop(deps, options.eachBatch)
      : eachMessageLoop(deps, options.handlers),
  });

  const refreshLag = () => lag.refresh();
  const lagIntervalMs = options.lagIntervalMs ?? 15_000;
  const lagTimer =
    lagIntervalMs > 0
      ? setInterval(() => {
          refreshLag().catch((error: unknown) => logger.debug({ groupId, err: error }, 'lag refresh failed'));
        }, lagIntervalMs)
      : undefined;
  lagTimer?.unref();

  let stopping: Promise<void> | undefined;
  return {
    consumer,
    refreshLag,
    stop() {
      stopping ??= (async () => {
        if (lagTimer) clearInterval(lagTimer);
        abort.abort();
        // disconnect() waits for the running eachBatch to return, then leaves the group.
        await consumer.disconnect();
        await Promise.allSettled([dlqProducer.disconnect(), admin.disconnect()]);
        lag.clear();
        logger.info({ groupId }, 'Kafka consumer stopped');
      })();
      return stopping;
    },
  };
}
