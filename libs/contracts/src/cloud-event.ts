import { randomUUID } from 'node:crypto';
import { type EventData, type EventType, eventSchemas } from './event-registry.js';

/** A CloudEvents 1.0 event of one Appgov event type (structured mode, JSON data). */
export interface CloudEvent<T extends EventType = EventType> {
  id: string;
  source: string;
  type: T;
  specversion: '1.0';
  time: string;
  subject?: string;
  datacontenttype: 'application/json';
  dataschema: string;
  tenantid: string;
  connectionid?: string;
  data: EventData<T>;
}

/** Any Appgov event, discriminated by `type`. */
export type AnyCloudEvent = { [T in EventType]: CloudEvent<T> }[EventType];

/** What the producer of an event supplies; the rest of the envelope is filled in. */
export interface MakeEventInput<T extends EventType> {
  source: string;
  tenantId: string;
  connectionId?: string;
  subject?: string;
  data: EventData<T>;
  /** Defaults to a random UUID; pass a deterministic id to make re-publishing idempotent. */
  id?: string;
  time?: string | Date;
}

/** Builds the envelope of an event (does not validate; producers validate before sending). */
export function makeEvent<T extends EventType>(type: T, input: MakeEventInput<T>): CloudEvent<T> {
  const time =
    input.time instanceof Date ? input.time.toISOString() : (input.time ?? new Date().toISOString());
  const event: CloudEvent<T> = {
    id: input.id ?? randomUUID(),
    source: input.source,
    type,
    specversion: '1.0',
    time,
    datacontenttype: 'application/json',
    dataschema: eventSchemas[type].dataschema,
    tenantid: input.tenantId,
    data: input.data,
  };
  if (input.subject !== undefined) event.subject = input.subject;
  if (input.connectionId !== undefined) event.connectionid = input.connectionId;
  return event;
}
