import { type AnyCloudEvent, type EventData, type EventType, makeEvent } from '@appgov/contracts';

/** CloudEvents `source` of everything this service emits. */
export const EVENT_SOURCE = '/appgov/connection-service';

/** One event about a connection. */
export interface ConnectionEventInput<T extends EventType> {
  type: T;
  tenantId: string;
  connectionId: string;
  data: EventData<T>;
  time: Date;
}

/**
 * The CloudEvents of a connection (subject = connection id). They go to Kafka through
 * `enqueueEvents` in the transaction of the state change, which takes topic and key from the contract.
 */
export function connectionEvents(inputs: ConnectionEventInput<EventType>[]): AnyCloudEvent[] {
  return inputs.map(
    (e) =>
      makeEvent(e.type, {
        source: EVENT_SOURCE,
        tenantId: e.tenantId,
        connectionId: e.connectionId,
        subject: e.connectionId,
        data: e.data as never,
        time: e.time,
      }) as AnyCloudEvent,
  );
}
