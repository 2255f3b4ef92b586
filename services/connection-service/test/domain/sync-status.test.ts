import t from 'tap';
import type { SyncRunRow } from '../../src/domain/sync-run.table.js';
import {
  FAILURE_MESSAGES,
  mayChangeStatus,
  runTransition,
  type SyncStatusEvent,
  settledConnection,
  unrequestedRun,
} from '../../src/domain/sync-status.js';

const syncId = '00000000-0000-4000-8000-000000000001';
const connectionId = '00000000-0000-4000-8000-0000000000c1';
const at = (s: number) => new Date(Date.UTC(2026, 11, 1, 0, 0, s));

const event = (type: string, data: Record<string, unknown>) =>
  ({
    id: 'e',
    type,
    tenantid: 'tenant-a',
    connectionid: connectionId,
    data: { syncId, ...data },
  }) as never as SyncStatusEvent;
const started = event('sync.started', { trigger: 'manual', startedAt: at(1).toISOString() });
const completed = event('sync.completed', {
  startedAt: at(1).toISOString(),
  finishedAt: at(31).toISOString(),
  durationMs: 30_000,
  counts: { users: 2 },
  warnings: [],
});
const failed = (reasonCode: string, startedAt?: Date) =>
  event('sync.failed', {
    reasonCode,
    message: 'E0000011',
    failedAt: at(41).toISOString(),
    ...(startedAt ? { startedAt: startedAt.toISOString() } : {}),
  });

const run = (patch: Partial<SyncRunRow>): SyncRunRow => ({
  sync_id: syncId,
  connection_id: connectionId,
  tenant_id: 'tenant-a',
  trigger: 'manual',
  requested_at: at(0),
  requested_by_sub: null,
  started_at: null,
  finished_at: null,
  duration_ms: null,
  outcome: 'requested',
  counts: null,
  warnings: null,
  error_code: null,
  error_message: null,
  updated_at: at(0),
  ...patch,
});

t.test('started: a requested run runs; a settled run only learns its start time', async (t) => {
  t.same(runTransition(run({}), started), {
    patch: { outcome: 'running', started_at: at(1) },
    touch: true,
    settles: false,
  });
  t.same(runTransition(run({ outcome: 'completed' }), started).patch, { started_at: at(1) });
  t.same(runTransition(run({ outcome: 'completed', started_at: at(1) }), started).patch, null);
});

t.test('an outcome settles an open run once; repeats change nothing', async (t) => {
  const done = runTransition(run({ outcome: 'running', started_at: at(1) }), completed);
  t.equal(done.settles, true);
  t.match(done.patch, { outcome: 'completed', finished_at: at(31), duration_ms: 30_000 });
  for (const outcome of ['completed', 'failed', 'cancelled'] as const) {
    t.same(runTransition(run({ outcome }), completed), { patch: null, touch: false, settles: false });
    t.same(runTransition(run({ outcome }), failed('internal')).patch, null);
  }
});

t.test('failed: duration from the known start; cancelled is its own outcome', async (t) => {
  t.match(runTransition(run({ started_at: at(1) }), failed('internal')).patch, {
    outcome: 'failed',
    duration_ms: 40_000,
    error_code: 'internal',
  });
  const fromEvent = runTransition(run({}), failed('internal', at(11))).patch;
  t.match(fromEvent, { started_at: at(11), duration_ms: 30_000 });
  t.equal(runTransition(run({}), failed('internal')).patch?.duration_ms, null, 'never started');
  t.equal(runTransition(run({}), failed('cancelled')).patch?.outcome, 'cancelled');
});

t.test('the connection: status only from the newest outcome, never from a cancellation', async (t) => {
  const connection = { last_success_at: null, current_sync_id: syncId };
  t.equal(mayChangeStatus(completed), true);
  t.equal(mayChangeStatus(failed('invalid_token')), true);
  t.equal(mayChangeStatus(failed('cancelled')), false);
  t.same(settledConnection(connection, completed, true), {
    status: 'success',
    status_reason_code: null,
    status_message: null,
    last_sync_finished_at: at(31),
    last_success_at: at(31),
    last_sync_duration_ms: 30_000,
    current_sync_id: null,
  });
  t.same(settledConnection(connection, failed('invalid_token'), true), {
    status: 'error',
    status_reason_code: 'invalid_token',
    status_message: FAILURE_MESSAGES.invalid_token,
    last_sync_finished_at: at(41),
    current_sync_id: null,
  });
  t.same(settledConnection(connection, failed('invalid_token'), false), { current_sync_id: null });
  t.same(
    settledConnection({ ...connection, current_sync_id: 'other' }, failed('cancelled'), false),
    {},
    'nothing to change',
  );
  t.equal(
    settledConnection(connection, failed('no_such_reason'), true).status_message,
    'E0000011',
    'unknown reasons show the event message',
  );
});

t.test('a later success keeps the newer last success', async (t) => {
  const patch = settledConnection({ last_success_at: at(100), current_sync_id: null }, completed, false);
  t.same(patch, {});
});

t.test('an unrequested sync is recorded from its event', async (t) => {
  t.same(unrequestedRun(connectionId, started), {
    sync_id: syncId,
    connection_id: connectionId,
    tenant_id: 'tenant-a',
    trigger: 'manual',
    requested_at: at(1),
    outcome: 'requested',
  });
  t.equal(unrequestedRun(connectionId, failed('internal')).requested_at.valueOf(), at(41).valueOf());
  t.equal(unrequestedRun(connectionId, completed).trigger, 'unknown');
});
