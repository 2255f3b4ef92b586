import t from 'tap';
import {
  appInventoryStateExample,
  compileAllValidators,
  dlqRecordExample,
  EVENT_TYPES,
  type EventType,
  EXAMPLE_IDS,
  eventExamples,
  eventSchemas,
  isEventType,
  makeEvent,
  RECORD_BATCH_LIMITS,
  validateAppInventoryState,
  validateDlqRecord,
  validateEvent,
  validateEventData,
} from '../src/index.js';

const example = <T extends EventType>(type: T) =>
  makeEvent(type, {
    source: '/appgov/test',
    tenantId: EXAMPLE_IDS.tenantId,
    connectionId: EXAMPLE_IDS.connectionId,
    data: eventExamples[type],
  });

t.test('every schema compiles under strict ajv', async (t) => {
  t.doesNotThrow(() => compileAllValidators());
  t.equal(EVENT_TYPES.length, 26);
});

t.test('every example validates inside its envelope', async (t) => {
  for (const type of EVENT_TYPES) {
    t.same(validateEvent(example(type)), [], type);
    t.same(validateEventData(type, eventExamples[type]), [], `${type} data`);
  }
  t.same(validateAppInventoryState(appInventoryStateExample), []);
  t.same(validateAppInventoryState(null), [], 'a tombstone is valid');
  t.same(validateDlqRecord(dlqRecordExample), []);
});

t.test('makeEvent fills the CloudEvents attributes', async (t) => {
  const event = example('sync.requested');
  t.match(event, {
    specversion: '1.0',
    type: 'sync.requested',
    datacontenttype: 'application/json',
    dataschema: eventSchemas['sync.requested'].dataschema,
    tenantid: EXAMPLE_IDS.tenantId,
    connectionid: EXAMPLE_IDS.connectionId,
  });
  t.match(event.id, /^[0-9a-f-]{36}$/);
  t.ok(!Number.isNaN(Date.parse(event.time)));
  t.notOk('subject' in event, 'absent optionals stay absent');
  const fixed = makeEvent('sync.requested', {
    source: '/x',
    tenantId: 't',
    data: eventExamples['sync.requested'],
    id: 'fixed-id',
    time: new Date(0),
  });
  t.equal(fixed.id, 'fixed-id');
  t.equal(fixed.time, '1970-01-01T00:00:00.000Z');
});

t.test('bad examples fail', async (t) => {
  const cases: Array<[string, (e: any) => void, RegExp]> = [
    ['unknown type', (e) => (e.type = 'nope.happened'), /unknown event type/],
    ['wrong specversion', (e) => (e.specversion = '0.3'), /specversion/],
    ['missing tenant', (e) => delete e.tenantid, /tenantid/],
    ['bad time', (e) => (e.time = 'yesterday'), /\/time/],
    ['wrong dataschema version', (e) => (e.dataschema = 'urn:appgov:event:sync.requested:v2'), /dataschema/],
    ['extra data field', (e) => (e.data.extra = 1), /additional/],
    ['bad uuid', (e) => (e.data.syncId = 'not-a-uuid'), /syncId/],
    ['bad trigger', (e) => (e.data.trigger = 'whenever'), /trigger/],
  ];
  for (const [name, mutate, expected] of cases) {
    const event = structuredClone(example('sync.requested'));
    mutate(event);
    const errors = validateEvent(event);
    t.ok(errors.length > 0, name);
    t.match(errors.join('\n'), expected, name);
  }
  t.match(validateEvent(null).join(), /unknown event type/);
  t.notOk(isEventType('nope'));
});

t.test('record batches are typed by dataset', async (t) => {
  const good = example('records.batch');
  const wrongShape = structuredClone(good) as any;
  wrongShape.data.dataset = 'groups'; // user records under the groups dataset
  t.not(validateEvent(wrongShape).length, 0);
  const nullStatus = structuredClone(good) as any;
  nullStatus.data.records[0].status = 'ON_VACATION';
  t.not(validateEvent(nullStatus).length, 0, 'user status is an enum');
  const tooMany = structuredClone(good) as any;
  tooMany.data.records = Array.from(
    { length: RECORD_BATCH_LIMITS.maxRecords + 1 },
    () => good.data.records[0],
  );
  t.not(validateEvent(tooMany).length, 0, 'a batch is bounded');
  const nullable = structuredClone(good) as any;
  Object.assign(nullable.data.records[0], { email: null, lastLogin: null, typeId: null });
  t.same(validateEvent(nullable), []);
});

t.test('assignment id lists are bounded', async (t) => {
  const event = structuredClone(example('app.assignments.changed')) as any;
  event.data.addedUserIds = Array.from({ length: 101 }, (_, i) => `00u${i}`);
  t.match(validateEvent(event).join(), /addedUserIds/);
});

t.test('bad state and DLQ records fail', async (t) => {
  t.not(validateAppInventoryState({ ...appInventoryStateExample, userCount: -1 }).length, 0);
  t.not(validateDlqRecord({ ...dlqRecordExample, reason: 'bored' }).length, 0);
  t.not(validateDlqRecord({ ...dlqRecordExample, offset: 12 }).length, 0);
});
