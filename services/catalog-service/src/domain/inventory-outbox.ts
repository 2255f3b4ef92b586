import {
  type AnyCloudEvent,
  type AppInventoryState,
  type EventData,
  type EventType,
  inventoryKey,
  makeEvent,
  type TopicId,
  validateAppInventoryState,
} from '@appgov/contracts';
import { enqueueOutbox, type OutboxMessage } from '@appgov/db';
import { eventOutboxMessage } from '@appgov/service';
import type { Transaction } from 'kysely';
import type { CatalogDatabase } from './tables/catalog.database.js';

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
    this.#event(type, objectId, data);
  }

  /** A sync-status event keyed by connection. */
  syncStatus<T extends EventType>(type: T, data: EventData<T>): void {
    this.#event(type, undefined, data);
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

  // Topic and key come from the contracts registry (the app-inventory key uses the subject).
  #event<T extends EventType>(type: T, subject: string | undefined, data: EventData<T>) {
    const event = makeEvent(type, {
      source: EVENT_SOURCE,
      tenantId: this.tenantId,
      connectionId: this.connectionId,
      ...(subject ? { subject } : {}),
      time: this.now,
      data,
    });
    this.messages.push(eventOutboxMessage(event as AnyCloudEvent, this.topics));
  }

  async flush(trx: Transaction<CatalogDatabase>): Promise<void> {
    await enqueueOutbox(trx, this.messages.splice(0));
  }
}
