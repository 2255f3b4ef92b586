import t from 'tap';
import {
  EVENT_TYPES,
  eventSchemas,
  eventTypesOf,
  inventoryKey,
  TOPIC_IDS,
  topicNames,
  topicSpecs,
} from '../src/index.js';

t.test('default names and settings', async (t) => {
  const names = topicNames();
  t.same(names, {
    connections: 'appgov.connections.v1',
    syncRequests: 'appgov.sync-requests.v1',
    oktaRecords: 'appgov.okta-records.v1',
    syncStatus: 'appgov.sync-status.v1',
    appInventory: 'appgov.app-inventory.v1',
    appInventoryState: 'appgov.app-inventory-state.v1',
    dlq: 'appgov.dlq.v1',
  });
  const state = topicSpecs().find((s) => s.id === 'appInventoryState')!;
  t.equal(state.configs['cleanup.policy'], 'compact');
  for (const spec of topicSpecs()) {
    t.ok(spec.partitions >= 1, spec.name);
    t.equal(spec.configs['compression.type'], 'gzip');
    if (spec.payload === 'cloudevents') t.equal(spec.dlq, 'dlq', `${spec.name} has a DLQ`);
  }
});

t.test('names are configurable for tests', async (t) => {
  const names = topicNames({ prefix: 'test-123.', overrides: { dlq: 'my-dlq' } });
  t.equal(names.connections, 'test-123.appgov.connections.v1');
  t.equal(names.dlq, 'my-dlq');
  t.equal(topicSpecs({ prefix: 'p.' }).find((s) => s.id === 'dlq')!.name, 'p.appgov.dlq.v1');
});

t.test('every event type belongs to a CloudEvents topic', async (t) => {
  const carried = TOPIC_IDS.flatMap((id) => eventTypesOf(id));
  t.same(new Set(carried), new Set(EVENT_TYPES));
  for (const type of EVENT_TYPES) {
    t.equal(topicSpecs().find((s) => s.id === eventSchemas[type].topic)!.payload, 'cloudevents', type);
  }
  t.same(eventTypesOf('connections'), [
    'connection.created',
    'connection.token-updated',
    'connection.deleted',
  ]);
});

t.test('inventory keys', async (t) => {
  t.equal(inventoryKey('t', 'c', 'a'), 't:c:a');
  t.equal(inventoryKey('t', 'c'), 't:c');
});
