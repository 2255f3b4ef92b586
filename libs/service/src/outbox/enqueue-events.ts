import { type AnyCloudEvent, eventSchemas, messageKey, type TopicId } from '@appgov/contracts';
import { enqueueOutbox, type OutboxDatabase, type OutboxMessage } from '@appgov/db';
import { assertValidEvent, CLOUDEVENTS_CONTENT_TYPE } from '@appgov/kafka';
import type { Transaction } from 'kysely';

/**
 * The outbox message of a domain event: validated against its contract (throws
 * `EVENT_SCHEMA_INVALID`), topic and key from the contracts registry, CloudEvents headers.
 */
export function eventOutboxMessage(
  event: AnyCloudEvent,
  topics: Readonly<Record<TopicId, string>>,
): OutboxMessage {
  assertValidEvent(event);
  return {
    topic: topics[eventSchemas[event.type].topic],
    key: messageKey(event),
    value: event,
    headers: { 'content-type': CLOUDEVENTS_CONTENT_TYPE, ce_type: event.type, ce_id: event.id },
  };
}

/**
 * Adds domain events to the outbox inside `trx`, so they are published if and only if the state
 * change commits. Each event is validated against its contract (an invalid one fails the
 * transaction); its topic and key come from the contracts registry; `enqueueOutbox` writes
 * `traceparent`.
 */
export async function enqueueEvents<DB extends OutboxDatabase>(
  trx: Transaction<DB>,
  events: readonly AnyCloudEvent[],
  topics: Readonly<Record<TopicId, string>>,
): Promise<void> {
  // Built (and validated) before anything is written: one invalid event enqueues none.
  const messages = events.map((event) => eventOutboxMessage(event, topics));
  await enqueueOutbox(trx, messages);
}
