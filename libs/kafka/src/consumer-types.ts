import {
  type AnyCloudEvent,
  type CloudEvent,
  type EventType,
  isEventType,
  validateEvent,
} from '@appgov/contracts';
import type { Context } from '@opentelemetry/api';
import type { Consumer, Kafka } from 'kafkajs';
import type { Registry } from 'prom-client';
import type { KafkaLogger } from './kafka-logger.js';

/** Where a consumed message came from. */
export interface MessageOrigin {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  headers: Record<string, string>;
  /** The W3C `traceparent` header of the producer, if any. */
  traceparent: string | undefined;
}

/** What a handler gets besides the event. */
export interface HandlerContext extends MessageOrigin {
  /** 1 on the first try, up to `maxAttempts`. */
  attempt: number;
  /** The OpenTelemetry context extracted from the headers (the handler already runs inside it). */
  traceContext: Context;
  /** Aborts when `stop()` is called; a handler that gives up early has its message redelivered later. */
  signal: AbortSignal;
  logger: KafkaLogger;
}

/** Handles one event type; throw to retry (non-retryable AppError: straight to the DLQ). */
export type EventHandler<T extends EventType = EventType> = (
  event: CloudEvent<T>,
  ctx: HandlerContext,
) => Promise<void>;
/** Handlers by event type; valid events of other types are committed and counted `skipped`. */
export type EventHandlers = { [T in EventType]?: EventHandler<T> };

/** One validated event of a batch, with its origin. */
export interface BatchItem {
  event: AnyCloudEvent;
  origin: MessageOrigin;
}

/** What a batch handler gets besides the events. */
export interface BatchContext {
  topic: string;
  partition: number;
  attempt: number;
  signal: AbortSignal;
  logger: KafkaLogger;
  heartbeat(): Promise<void>;
}

/** The event schemas the runner checks messages against (default: the contracts registry). */
export interface EventRegistry {
  isKnownType(type: unknown): boolean;
  validate(envelope: unknown): string[];
}

/** The contracts' own registry. */
export const contractsRegistry: EventRegistry = { isKnownType: isEventType, validate: validateEvent };

/** Exponential backoff settings of a consumer's retries (equal jitter, so replicas spread). */
export interface BackoffOptions {
  /** Delay before the second attempt, in ms (default 200). */
  baseMs?: number;
  /** Upper bound of any delay, in ms (default 10 000). */
  maxMs?: number;
}

/** Options of `runConsumer`. */
export interface RunConsumerOptions {
  kafka: Kafka;
  groupId: string;
  topics: string[];
  handlers: EventHandlers;
  dlqTopic: string;
  /**
   * Tries per message before the DLQ (default 5). Failures that say Kafka, Postgres or Redis is
   * unreachable (`isDependencyOutage`) do not count: the message waits for the dependency, however
   * long, and its partition with it, so an outage never dead-letters good messages (SPEC §11).
   */
  maxAttempts?: number;
  backoff?: BackoffOptions;
  logger?: KafkaLogger;
  registry?: EventRegistry;
  metricsRegistry?: Registry;
  /** Where a group without committed offsets starts (default true: the beginning, so nothing is missed). */
  fromBeginning?: boolean;
  /** How often the lag gauge is refreshed (default 15 000 ms; 0 turns the timer off). */
  lagIntervalMs?: number;
  /** Partitions processed in parallel (default 1); order is kept within a partition. */
  partitionsConcurrently?: number;
  sessionTimeoutMs?: number;
  /**
   * Longest fetch long-poll (default 1000 ms). kafkajs cannot cancel a fetch in flight, so stop()
   * waits up to this long for the poll to return before leaving the group; a busy consumer is not
   * slowed (the broker answers as soon as there is data), an idle one sends a fetch a second.
   */
  maxWaitTimeMs?: number;
  /**
   * High-throughput mode: valid events reach `handler` in chunks of up to `maxItems` (default 500)
   * instead of one by one through `handlers`. A chunk is retried whole; if it still fails, its events
   * are retried one at a time so that only the poison ones reach the DLQ.
   */
  eachBatch?: { handler: (items: BatchItem[], ctx: BatchContext) => Promise<void>; maxItems?: number };
}

/** A running consumer. */
export interface ConsumerRunner {
  /** Finishes the in-flight message (or chunk), commits it, leaves the group and disconnects. */
  stop(): Promise<void>;
  /** Recomputes the lag gauge now (also runs on a timer). */
  refreshLag(): Promise<void>;
  readonly consumer: Consumer;
}
