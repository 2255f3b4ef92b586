import {
  type AppInventoryState,
  connectionKey,
  type EventData,
  type EventType,
  inventoryKey,
  makeEvent,
  type TopicId,
  validateAppInventoryState,
} from '@appgov/contracts';
import { enqueueOutbox, type OutboxMessage } from '@appgov/db';
import { assertValidEvent, CLOUDEVENTS_CONTENT_TYPE } from '@appgov/kafka';
import type { Transaction } from 'kysely';

export const EVENT_SOURCE = '/appgov/catalog-service';

/**
 * Collects the messages one transaction publishes (through the outbox, so they commit with the data).
 * Every event is validated against its contract schema when added: an invalid event fails the
 * transaction instead of reaching a consumer.
 */
export class OutboxBatch {
  readonly messages: OutboxMessage[] = [];
  constructor(
    readonly topics: Readonly<Record<TopicId, string>>,
    readonly tenantId: string,
    readonly connectionId: string,
    readonly now: Date,
  ) {}

  /** An app-inventory event keyed `tenant:connection:object`. */
  inventory<T extends EventType>(type: T, objectId: string | undefined, data: EventData<T>): void {
    this.#event(
      'appInventory',
      inventoryKey(this.tenantId, this.connectionId, objectId),
      type,
      objectId,
      data,
    );
  }

  /** A sync-status event keyed by connection. */
  syncStatus<T extends EventType>(type: T, data: EventData<T>): void {
    this.#event('syncStatus', connectionKey(this.connectionId), type, undefined, data);
  }

  /** The full state of an app on the compacted topic, or its tombstone (null). */
  appState(appId: string, state: AppInventoryState | null): void {
    const errors = validateAppInventoryState(state);
    if (errors.length > 0) throw new Error(`app state of ${appId} violates its schema: ${errors.join('; ')}`);
    this.messages.push({
      topic: this.topics.appInventoryState,
      key: inventoryKey(this.tenantId, this.connectionId, appId),
      value: state as object,
      headers: { 'content-type': 'application/json' },
    });
  }

  #event<T extends EventType>(
    topic: TopicId,
    key: string,
    type: T,
    subject: string | undefined,
    data: EventData<T>,
  ) {
    const event = makeEvent(type, {
      source: EVENT_SOURCE,
      tenantId: this.tenantId,
      connectionId: this.connectionId,
      ...(subject ? { subject } : {}),
      time: this.now,
      data,
    });
    assertValidEvent(event);
    this.messages.push({
      topic: this.topics[topic],
      key,
      value: event,
      headers: { 'content-type': CLOUDEVENTS_CONTENT_TYPE, ce_type: event.type, ce_id: event.id },
    });
  }

  async flush(trx: Transaction<any>): Promise<void> {
    await enqueueOutbox(trx, this.messages.splice(0));
  }
}
