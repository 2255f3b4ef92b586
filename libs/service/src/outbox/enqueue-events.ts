import { type AnyCloudEvent, eventSchemas, messageKey, type TopicId } from '@appgov/contracts';
import { enqueueOutbox } from '@appgov/db';
import { assertValidEvent, CLOUDEVENTS_CONTENT_TYPE } from '@appgov/kafka';
import type { Transaction } from 'kysely';

/**
 * Adds domain events to the outbox inside `trx`, so they are published if and only if the state
 * change commits. Each event is validated against its contract (an invalid one fails the
 * transaction); its topic and key come from the contracts registry; `enqueueOutbox` writes
 * `traceparent`.
 */
export async function enqueueEvents(
  trx: Transaction<any>,
  events: readonly AnyCloudEvent[],
  topics: Readonly<Record<TopicId, string>>,
): Promise<void> {
  for (const event of events) assertValidEvent(event);
  await enqueueOutbox(
    trx,
    events.map((event) => ({
      topic: topics[eventSchemas[event.type].topic],
      key: messageKey(event),
      value: event,
      headers: { 'content-type': CLOUDEVENTS_CONTENT_TYPE, ce_type: event.type, ce_id: event.id },
    })),
  );
}
