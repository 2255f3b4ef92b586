// The one event → outbox mapping: topic from the contracts registry, key by the topic's rule,
// CloudEvents headers, and an invalid event refused before anything is written.
import {
  EVENT_TYPES,
  EXAMPLE_IDS,
  eventExamples,
  eventSchemas,
  makeEvent,
  TOPIC_DEFAULTS,
  topicNames,
} from '@appgov/contracts';
import t from 'tap';
import { eventOutboxMessage } from '../src/index.js';

const topics = topicNames({ prefix: 'unit.' });
const { tenantId, connectionId } = EXAMPLE_IDS;

t.test('every event type goes to its registry topic, keyed as the topic says', async (t) => {
  for (const type of EVENT_TYPES) {
    const event = makeEvent(type, {
      source: '/appgov/test',
      tenantId,
      connectionId,
      subject: 'obj-1',
      data: eventExamples[type] as never,
    });
    const message = eventOutboxMessage(event as never, topics);
    const topicId = eventSchemas[type].topic;
    t.equal(message.topic, `unit.${TOPIC_DEFAULTS[topicId].name}`, `${type}: topic`);
    const key = topicId === 'appInventory' ? `${tenantId}:${connectionId}:obj-1` : connectionId;
    t.equal(message.key, key, `${type}: key`);
    t.same(message.headers, {
      'content-type': 'application/cloudevents+json',
      ce_type: type,
      ce_id: event.id,
    });
  }
});

t.test('an event that violates its schema is refused', async (t) => {
  const event = makeEvent('connection.deleted', {
    source: '/appgov/test',
    tenantId,
    connectionId,
    data: { nonsense: true } as never,
  });
  t.throws(() => eventOutboxMessage(event as never, topics), { code: 'EVENT_SCHEMA_INVALID' });
});
