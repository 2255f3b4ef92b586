import { type Static, type TObject, type TSchema, Type } from '@sinclair/typebox';
import { appInventoryEvents } from './app-inventory.events.js';
import { DateTime, TenantId, Uuid } from './common.schema.js';
import { connectionEvents } from './connection.events.js';
import type { EventDefinition } from './event-definition.js';
import { oktaRecordEvents } from './okta-records.events.js';
import { syncRequestEvents } from './sync-request.events.js';
import { syncStatusEvents } from './sync-status.events.js';
import type { TopicId } from './topics.js';

const definitions = {
  ...connectionEvents,
  ...syncRequestEvents,
  ...oktaRecordEvents,
  ...syncStatusEvents,
  ...appInventoryEvents,
} as const;
type Definitions = typeof definitions;

/** Every event type name, e.g. `'connection.created'`. */
export type EventType = keyof Definitions;
/** The `data` of one event type. */
export type EventData<T extends EventType> = Static<Definitions[T]['data']>;

/** The `dataschema` URI of an event type version (also the `$id` of its JSON Schema file). */
export const dataschemaUri = (type: string, version: number): string =>
  `urn:appgov:event:${type}:v${version}`;

/** The CloudEvents 1.0 envelope schema around one event type's data. */
export function envelopeSchema<T extends string, S extends TSchema>(type: T, definition: EventDefinition<S>) {
  return Type.Object(
    {
      id: Type.String({
        minLength: 1,
        maxLength: 256,
        description: 'Unique per event; consumers deduplicate on it',
      }),
      source: Type.String({
        minLength: 1,
        format: 'uri-reference',
        examples: ['/appgov/connection-service'],
      }),
      type: Type.Literal(type),
      specversion: Type.Literal('1.0'),
      time: DateTime(),
      subject: Type.Optional(Type.String({ minLength: 1 })),
      datacontenttype: Type.Literal('application/json'),
      dataschema: Type.Literal(dataschemaUri(type, definition.version)),
      tenantid: TenantId,
      connectionid: Type.Optional(Uuid()),
      data: definition.data,
    },
    // Open on purpose: CloudEvents consumers must tolerate extension attributes they do not know.
    { title: `${type} v${definition.version}`, description: definition.description },
  );
}

/** One registry entry: the definition plus its envelope schema and dataschema URI. */
export interface EventSchemaEntry<T extends EventType = EventType> {
  readonly type: T;
  readonly version: number;
  readonly topic: TopicId;
  readonly description: string;
  readonly dataschema: string;
  readonly data: Definitions[T]['data'];
  readonly envelope: TObject;
}

/** Every event type → its version, topic, data schema and envelope schema. */
export const eventSchemas: { readonly [T in EventType]: EventSchemaEntry<T> } = Object.freeze(
  Object.fromEntries(
    Object.entries(definitions).map(([type, definition]) => [
      type,
      Object.freeze({
        type,
        version: definition.version,
        topic: definition.topic,
        description: definition.description,
        dataschema: dataschemaUri(type, definition.version),
        data: definition.data,
        envelope: envelopeSchema(type, definition as EventDefinition),
      }),
    ]),
  ),
) as never;

/** Every event type name. */
export const EVENT_TYPES = Object.keys(eventSchemas) as EventType[];

/** True when `type` names an event type of the contract. */
export const isEventType = (type: unknown): type is EventType =>
  typeof type === 'string' && Object.hasOwn(eventSchemas, type);

/** The event types a topic carries. */
export const eventTypesOf = (topic: TopicId): EventType[] =>
  EVENT_TYPES.filter((t) => eventSchemas[t].topic === topic);
