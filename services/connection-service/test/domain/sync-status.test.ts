import t from 'tap';
import type { SyncRunRow } from '../../src/domain/sync-run.table.js';
import {
  FAILURE_MESSAGES,
  mayChangeStatus,
  runTransition,
  type SyncSettlement,
  type SyncStatusEvent,
  settledConnection,
  settlementOf,
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
const applied = event('catalog.applied', { counts: { users: 2 }, appliedAt: at(35).toISOString() });
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
  applied_at: null,
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

t.test(
  'C6: a completion settles only once both ingest and the catalog are done, in either order',
  async (t) => {
    const pulled = runTransition(run({ outcome: 'running', started_at: at(1) }), completed);
    t.equal(pulled.settles, false, 'ingest alone does not complete the sync');
    t.match(pulled.patch, { outcome: 'running', finished_at: at(31), duration_ms: '30000' });
    const afterPull = run({
      outcome: 'running',
      started_at: at(1),
      finished_at: at(31),
      duration_ms: '30000',
    });
    t.same(runTransition(afterPull, completed), { patch: null, touch: false, settles: false }, 'duplicate');
    const done = runTransition(afterPull, applied);
    t.equal(done.settles, true);
    t.same(done.patch, { outcome: 'completed', applied_at: at(35) });

    const early = runTransition(run({ outcome: 'running', started_at: at(1) }), applied);
    t.same(early, { patch: { applied_at: at(35) }, touch: true, settles: false }, 'applied first waits');
    const late = runTransition(run({ outcome: 'running', applied_at: at(35) }), completed);
    t.equal(late.settles, true);
    t.match(late.patch, { outcome: 'completed', finished_at: at(31) });
    t.same(runTransition(run({ applied_at: at(35) }), applied).patch, null, 'duplicate applied');

    for (const outcome of ['completed', 'failed', 'cancelled'] as const) {
      t.same(runTransition(run({ outcome }), completed), { patch: null, touch: false, settles: false });
      t.same(runTransition(run({ outcome }), applied).patch, null);
      t.same(runTransition(run({ outcome }), failed('internal')).patch, null);
    }
  },
);

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
  const merged = run({ outcome: 'completed', finished_at: at(31), duration_ms: '30000' });
  const success = settlementOf(merged, applied);
  t.same(success, { kind: 'completed', syncId, finishedAt: at(31), durationMs: 30_000 });
  const invalid = settlementOf(merged, failed('invalid_token')) as SyncSettlement;
  t.equal(mayChangeStatus(success), true);
  t.equal(mayChangeStatus(invalid), true);
  t.equal(mayChangeStatus(settlementOf(merged, failed('cancelled'))), false);
  t.same(settledConnection(connection, success, true), {
    status: 'success',
    status_reason_code: null,
    status_message: null,
    last_sync_finished_at: at(31),
    last_success_at: at(31),
    last_sync_duration_ms: 30_000,
    current_sync_id: null,
  });
  t.same(settledConnection(connection, invalid, true), {
    status: 'error',
    status_reason_code: 'invalid_token',
    status_message: FAILURE_MESSAGES.invalid_token,
    last_sync_finished_at: at(41),
    current_sync_id: null,
  });
  t.same(settledConnection(connection, invalid, false), { current_sync_id: null });
  t.same(
    settledConnection(
      { ...connection, current_sync_id: 'other' },
      settlementOf(merged, failed('cancelled')),
      false,
    ),
    {},
    'nothing to change',
  );
  t.equal(
    settledConnection(connection, settlementOf(merged, failed('no_such_reason')), true).status_message,
    'E0000011',
    'unknown reasons show the event message',
  );
});

t.test('a later success keeps the newer last success', async (t) => {
  const merged = run({ outcome: 'completed', finished_at: at(31), duration_ms: '30000' });
  const patch = settledConnection(
    { last_success_at: at(100), current_sync_id: null },
    settlementOf(merged, applied),
    false,
  );
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
  t.equal(unrequestedRun(connectionId, applied).requested_at.valueOf(), at(35).valueOf());
});
