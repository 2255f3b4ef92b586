import {
  type CloudEvent,
  connectionKey,
  type EventData,
  type EventType,
  makeEvent,
  type TopicId,
} from '@appgov/contracts';
import { enqueueOutbox } from '@appgov/db';
import { assertValidEvent, CLOUDEVENTS_CONTENT_TYPE } from '@appgov/kafka';
import { injectTraceparent } from '@appgov/telemetry';
import type { Transaction } from 'kysely';
import type { Database } from './connection.table.js';

/** CloudEvents `source` of everything this service emits. */
export const EVENT_SOURCE = '/appgov/connection-service';

/** One event to enqueue for a connection. */
export interface ConnectionEventInput<T extends EventType> {
  type: T;
  tenantId: string;
  connectionId: string;
  data: EventData<T>;
  time: Date;
}

/**
 * Validates events against their contract and adds them to the outbox inside `trx`, so they are
 * published if and only if the state change commits (SPEC section 6). Key = connection id.
 */
export async function enqueueConnectionEvents(
  trx: Transaction<Database>,
  topics: Readonly<Record<TopicId, string>>,
  events: ConnectionEventInput<EventType>[],
): Promise<CloudEvent[]> {
  const built = events.map((e) => {
    const event = makeEvent(e.type, {
      source: EVENT_SOURCE,
      tenantId: e.tenantId,
      connectionId: e.connectionId,
      subject: e.connectionId,
      data: e.data as never,
      time: e.time,
    });
    assertValidEvent(event);
    return event as CloudEvent;
  });
  await enqueueOutbox(
    trx as Transaction<any>,
    built.map((event, i) => {
      const input = events[i] as ConnectionEventInput<EventType>;
      const headers: Record<string, string> = {
        'content-type': CLOUDEVENTS_CONTENT_TYPE,
        ce_type: event.type,
        ce_id: event.id,
      };
      injectTraceparent(headers);
      return {
        topic: topics[topicOf(event.type)],
        key: connectionKey(input.connectionId),
        value: event,
        headers,
      };
    }),
  );
  return built;
}

function topicOf(type: EventType): TopicId {
  if (type.startsWith('connection.')) return 'connections';
  if (type === 'sync.requested' || type === 'sync.cancel-requested') return 'syncRequests';
  throw new Error(`connection-service does not emit ${type}`);
}
