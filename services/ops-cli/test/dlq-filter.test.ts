import type { DlqRecord } from '@appgov/contracts';
import t from 'tap';
import { type DlqEntry, matches } from '../src/dlq-reader.js';

const entry = (originTopic: string, eventType: string | undefined, failedAt: string): DlqEntry => ({
  partition: 0,
  offset: '0',
  record: {
    originTopic,
    partition: 1,
    offset: '7',
    key: 'k',
    headers: {},
    value: '{}',
    valueEncoding: 'utf8',
    groupId: 'g',
    ...(eventType ? { eventType } : {}),
    reason: 'handler_failed',
    attempts: [],
    failedAt,
  } as DlqRecord,
});

t.test('filters by origin topic, event type and an inclusive failure-time range', async (t) => {
  const e = entry('appgov.okta-records.v1', 'records.batch', '2026-12-01T10:00:00.000Z');
  t.ok(matches(e, {}), 'no filter matches everything');
  t.ok(matches(e, { topic: 'appgov.okta-records.v1', type: 'records.batch' }));
  t.notOk(matches(e, { topic: 'appgov.connections.v1' }), 'other topic');
  t.notOk(matches(e, { type: 'records.sync-ended' }), 'other type');
  t.notOk(matches(entry('t', undefined, e.record.failedAt), { type: 'records.batch' }), 'no type recorded');
  t.ok(
    matches(e, { since: new Date('2026-12-01T10:00:00Z'), until: new Date('2026-12-01T10:00:00Z') }),
    'bounds inclusive',
  );
  t.notOk(matches(e, { since: new Date('2026-12-01T10:00:01Z') }), 'before --since');
  t.notOk(matches(e, { until: new Date('2026-12-01T09:59:59Z') }), 'after --until');
});
