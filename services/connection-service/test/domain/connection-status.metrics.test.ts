import { createDb, migrateToLatest } from '@appgov/db';
import { createMetricsRegistry } from '@appgov/telemetry';
import { freshSchema, testEnv } from '@appgov/testing';
import t from 'tap';
import type { Database } from '../../src/domain/connection.table.js';
import { registerConnectionStatusMetrics } from '../../src/domain/connection-status.metrics.js';
import { migrations } from '../../src/migrations/index.js';

const HOUR = 3600_000;
const now = new Date('2026-12-01T12:00:00Z');
const ago = (ms: number) => new Date(now.getTime() - ms);

t.test('status, stale and freshness gauges come from the database, with bounded labels', async (t) => {
  const schema = await freshSchema(t, 'conn_metrics');
  const db = createDb<Database>({ connectionString: testEnv().DATABASE_URL, schema });
  t.teardown(() => db.destroy());
  await migrateToLatest(db, migrations, schema);

  let n = 0;
  const add = async (
    tenant: string,
    status: 'in_progress' | 'success' | 'error',
    created: Date,
    lastSuccess: Date | null,
  ) => {
    n += 1;
    const id = `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
    await db
      .insertInto('connections')
      .values({
        id,
        tenant_id: tenant,
        provider: 'okta',
        domain: `org${n}.okta.com`,
        token_last4: 'abcd',
        token_fingerprint: 'f',
        token_updated_at: created,
        oauth_client_id: null,
        oauth_key_id: null,
        oauth_scopes: null,
        public_key_fingerprint: null,
        token_updated_by_sub: null,
        vault_version: 1,
        admin_role: null,
        permission_warnings: '[]',
        created_at: created,
        created_by_sub: 'a',
        created_by_email: 'a@x',
        status,
        status_reason_code: null,
        status_message: null,
        current_sync_id: null,
        last_success_at: lastSuccess,
        last_sync_finished_at: lastSuccess,
        last_sync_duration_ms: null,
        next_sync_at: null,
        deleted_at: null,
        deleted_by_sub: null,
      })
      .execute();
    return id;
  };
  // Interval 6 h: fresh under 12 h, stale after 18 h. Tenant "slow" syncs every 24 h (fresh under 48 h).
  await add('t1', 'success', ago(100 * HOUR), ago(1 * HOUR)); // fresh
  await add('t1', 'success', ago(100 * HOUR), ago(13 * HOUR)); // late, not stale
  await add('t1', 'error', ago(100 * HOUR), ago(20 * HOUR)); // late and stale
  await add('t2', 'in_progress', ago(0.5 * HOUR), null); // fresh (young), never synced
  await add('slow', 'success', ago(100 * HOUR), ago(30 * HOUR)); // fresh by its own interval, stale by the global threshold
  await db
    .insertInto('tenant_settings')
    .values({ tenant_id: 'slow', sync_interval_seconds: 24 * 3600 })
    .execute();
  const gone = await add('t1', 'success', ago(100 * HOUR), ago(50 * HOUR));
  await db.updateTable('connections').set({ deleted_at: now }).where('id', '=', gone).execute();

  const options = {
    db,
    clock: () => now,
    syncIntervalSeconds: 6 * 3600,
    staleAfterMs: 18 * HOUR,
    runningStaleAfterMs: HOUR,
    cacheMs: 0,
  };
  const registry = createMetricsRegistry('connection-service');
  registerConnectionStatusMetrics(registry, { ...options, perConnectionLabels: false });
  const text = await registry.metrics();
  const value = (series: string) => {
    const line = text
      .split('\n')
      .find(
        (l) =>
          l.startsWith(`${series} `) ||
          l.startsWith(`${series.replace('}', ',service="connection-service"}')} `),
      );
    return line ? Number(line.split(' ').at(-1)) : undefined;
  };
  t.equal(
    value('appgov_connections_by_status{status="success"}'),
    3,
    'success (deleted connection not counted)',
  );
  t.equal(value('appgov_connections_by_status{status="error"}'), 1);
  t.equal(value('appgov_connections_by_status{status="in_progress"}'), 1);
  t.equal(value('appgov_connections_stale{service="connection-service"}'), 2, 'two stale (C7 threshold)');
  t.equal(value('appgov_connections_sync_freshness{state="late"}'), 2, 'late against twice each interval');
  t.equal(
    value('appgov_connections_sync_freshness{state="fresh"}'),
    3,
    'the tenant override keeps a slow tenant fresh',
  );
  t.notMatch(text, /tenant=|domain=|connection_id=/, 'no tenant, domain or connection labels by default');

  const optIn = createMetricsRegistry('connection-service');
  registerConnectionStatusMetrics(optIn, { ...options, perConnectionLabels: true });
  const withLabels = await optIn.metrics();
  const perConnection = withLabels
    .split('\n')
    .filter((l) => l.startsWith('appgov_connection_last_success_timestamp_seconds{'));
  t.equal(perConnection.length, 5, 'opted in: one series per live connection');
  t.match(
    withLabels,
    /appgov_connection_last_success_timestamp_seconds\{tenant="t2",domain="org4\.okta\.com",connection_id="[^"]+",service="connection-service"\} 0/,
  );
});

t.test('a database error keeps /metrics answering', async (t) => {
  const schema = await freshSchema(t, 'conn_metrics_err');
  const db = createDb<Database>({ connectionString: testEnv().DATABASE_URL, schema });
  t.teardown(() => db.destroy());
  const errors: unknown[] = [];
  const registry = createMetricsRegistry('connection-service');
  registerConnectionStatusMetrics(registry, {
    db,
    clock: () => now,
    syncIntervalSeconds: 3600,
    staleAfterMs: HOUR,
    runningStaleAfterMs: HOUR,
    perConnectionLabels: false,
    onError: (e) => errors.push(e),
  });
  // No migrations: the connections table does not exist.
  const text = await registry.metrics();
  t.match(text, /process_cpu_user_seconds_total/, 'the other metrics are still served');
  t.ok(errors.length >= 1, 'the error is reported');
});
