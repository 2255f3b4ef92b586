import { type TSchema, Type } from '@sinclair/typebox';
import { stringify } from 'yaml';
import { AppInventoryState } from './app-inventory-state.schema.js';
import { DateTime, TenantId, Uuid } from './common.schema.js';
import { DlqRecord } from './dlq-record.schema.js';
import { appInventoryStateExample, dlqRecordExample, EXAMPLE_IDS, eventExamples } from './event-examples.js';
import { EVENT_TYPES, eventSchemas, eventTypesOf } from './event-registry.js';
import { type TopicSpec, topicSpecs } from './topics.js';

// Builds the published documents (JSON Schema files, AsyncAPI) from the TypeBox source. Pure, so the
// generate script writes exactly what the freshness test compares against.

const DRAFT7 = 'http://json-schema.org/draft-07/schema#';

/** A schema as JSON text (TypeBox's symbol keys drop out). */
const toJson = (schema: unknown): string => `${JSON.stringify(schema, null, 2)}\n`;

const withId = (id: string, schema: TSchema) => ({ $schema: DRAFT7, $id: id, ...schema });

/** The generic envelope: any event type, data unchecked (per-type files check the data). */
const GenericEnvelope = Type.Object(
  {
    id: Type.String({ minLength: 1 }),
    source: Type.String({ minLength: 1 }),
    type: Type.Union(EVENT_TYPES.map((t) => Type.Literal(t))),
    specversion: Type.Literal('1.0'),
    time: DateTime(),
    subject: Type.Optional(Type.String()),
    datacontenttype: Type.Literal('application/json'),
    dataschema: Type.String({ minLength: 1 }),
    tenantid: TenantId,
    connectionid: Type.Optional(Uuid()),
    data: Type.Unknown(),
  },
  { title: 'Appgov CloudEvents envelope' },
);

/** File name → content of every JSON Schema file under `libs/contracts/schemas/`. */
export function buildSchemaFiles(): Record<string, string> {
  const files: Record<string, string> = {};
  files['cloudevent-envelope.json'] = toJson(withId('urn:appgov:envelope:v1', GenericEnvelope));
  for (const type of EVENT_TYPES) {
    const entry = eventSchemas[type];
    // `$id` equals the envelope's `dataschema`, as CloudEvents defines it: the schema of `data`.
    files[`${type}.v${entry.version}.json`] = toJson({
      ...withId(entry.dataschema, entry.data),
      title: `${type} v${entry.version} data`,
      description: entry.description,
    });
  }
  files['app-inventory-state.v1.json'] = toJson(
    withId('urn:appgov:state:app-inventory:v1', AppInventoryState),
  );
  files['dlq-record.v1.json'] = toJson(withId('urn:appgov:dlq-record:v1', DlqRecord));
  return files;
}

const messageName = (type: string) => type.replace(/[^A-Za-z0-9]+(.)/g, (_, c: string) => c.toUpperCase());
const channelName = (spec: TopicSpec) => spec.id;

const kafkaChannelBinding = (spec: TopicSpec) => {
  // The Kafka binding lists only some topic configs; the others stay in the description.
  const topicConfiguration: Record<string, unknown> = {};
  if (spec.configs['cleanup.policy'])
    topicConfiguration['cleanup.policy'] = spec.configs['cleanup.policy'].split(',');
  if (spec.configs['retention.ms']) topicConfiguration['retention.ms'] = Number(spec.configs['retention.ms']);
  if (spec.configs['delete.retention.ms'])
    topicConfiguration['delete.retention.ms'] = Number(spec.configs['delete.retention.ms']);
  if (spec.configs['max.message.bytes'])
    topicConfiguration['max.message.bytes'] = Number(spec.configs['max.message.bytes']);
  return {
    kafka: { topic: spec.name, partitions: spec.partitions, topicConfiguration, bindingVersion: '0.5.0' },
  };
};

const messageBinding = (spec: TopicSpec) => ({
  kafka: { key: { type: 'string', description: spec.key }, bindingVersion: '0.5.0' },
});

const cloudEventHeaders = {
  type: 'object',
  properties: {
    'content-type': { type: 'string', const: 'application/cloudevents+json' },
    ce_type: { type: 'string', description: 'The event type (same as the envelope `type`)' },
    ce_id: { type: 'string', description: 'The event id (same as the envelope `id`)' },
    traceparent: { type: 'string', description: 'W3C trace context of the producer' },
  },
};

/** The AsyncAPI 3.0 document of every topic and message, as YAML. */
export function buildAsyncApiYaml(): string {
  const specs = topicSpecs();
  const channels: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  const messages: Record<string, unknown> = {};

  for (const spec of specs) {
    const channelMessages: Record<string, unknown> = {};
    if (spec.payload === 'cloudevents') {
      for (const type of eventTypesOf(spec.id)) {
        const entry = eventSchemas[type];
        const name = messageName(type);
        messages[name] = {
          name: type,
          title: `${type} v${entry.version}`,
          summary: entry.description,
          contentType: 'application/cloudevents+json',
          headers: cloudEventHeaders,
          payload: entry.envelope,
          bindings: messageBinding(spec),
          examples: [
            {
              name: 'example',
              headers: { 'content-type': 'application/cloudevents+json', ce_type: type },
              payload: {
                id: '00000000-0000-4000-8000-000000000001',
                source: '/appgov/example',
                type,
                specversion: '1.0',
                time: '2026-01-15T10:00:00.000Z',
                datacontenttype: 'application/json',
                dataschema: entry.dataschema,
                tenantid: EXAMPLE_IDS.tenantId,
                connectionid: EXAMPLE_IDS.connectionId,
                data: eventExamples[type],
              },
            },
          ],
        };
        channelMessages[name] = { $ref: `#/components/messages/${name}` };
      }
    } else {
      const name = spec.payload === 'dlq-record' ? 'dlqRecord' : 'appInventoryState';
      messages[name] = {
        name: spec.payload,
        title: spec.payload === 'dlq-record' ? 'DLQ record' : 'App inventory state (null = tombstone)',
        contentType: 'application/json',
        payload: spec.payload === 'dlq-record' ? DlqRecord : { oneOf: [AppInventoryState, { type: 'null' }] },
        bindings: messageBinding(spec),
        examples: [
          {
            name: 'example',
            payload: spec.payload === 'dlq-record' ? dlqRecordExample : appInventoryStateExample,
          },
        ],
      };
      channelMessages[name] = { $ref: `#/components/messages/${name}` };
    }
    const configs = Object.entries(spec.configs)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ');
    channels[channelName(spec)] = {
      address: spec.name,
      title: spec.name,
      description: `${spec.description}. Key: ${spec.key}. Partitions: ${spec.partitions}. Configs: ${configs}.${
        spec.dlq ? ' Failed messages go to the DLQ channel.' : ''
      }`,
      messages: channelMessages,
      bindings: kafkaChannelBinding(spec),
    };
    operations[`send-${spec.id}`] = {
      action: 'send',
      channel: { $ref: `#/channels/${channelName(spec)}` },
      summary: `Appgov publishes to ${spec.name}`,
      messages: Object.keys(channelMessages).map((m) => ({
        $ref: `#/channels/${channelName(spec)}/messages/${m}`,
      })),
    };
  }

  const document = {
    asyncapi: '3.0.0',
    info: {
      title: 'Appgov events',
      version: '1.0.0',
      description:
        'Kafka topics and events of Appgov. Generated from libs/contracts (pnpm --filter @appgov/contracts run generate); do not edit.\n' +
        'Events are CloudEvents 1.0 in structured mode (JSON); `dataschema` names the JSON Schema of `data` in libs/contracts/schemas.',
    },
    defaultContentType: 'application/cloudevents+json',
    servers: {
      local: { host: '127.0.0.1:59092', protocol: 'kafka', description: 'make up (Kafka 4.1, KRaft)' },
    },
    channels,
    operations,
    components: { messages },
  };
  return `# Generated by libs/contracts (pnpm --filter @appgov/contracts run generate); do not edit.\n${stringify(document, { lineWidth: 0, aliasDuplicateObjects: false })}`;
}
