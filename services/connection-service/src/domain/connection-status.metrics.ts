// Connection status gauges (SPEC §8, O1): computed from the database at scrape time, so every
// replica reports the same numbers (dashboards and alerts take max over replicas). Labels are
// bounded (status, state); tenant, domain and connection id appear only when the operator opts in
// with METRICS_CONNECTION_LABELS (one series per connection).
import { defineGauge, type Registry } from '@appgov/telemetry';
import { type Kysely, sql } from 'kysely';
import type { ConnectionStatus, Database } from './connection.table.js';

const STATUSES: readonly ConnectionStatus[] = ['in_progress', 'success', 'error'];

/** What the gauges are computed from. */
export interface ConnectionStatusMetricsOptions {
  db: Kysely<Database>;
  clock: () => Date;
  /** The default sync interval (tenants may override it in tenant_settings). */
  syncIntervalSeconds: number;
  /** C7 thresholds. */
  staleAfterMs: number;
  runningStaleAfterMs: number;
  /** Opt-in: one series per connection with tenant, domain and connection id. */
  perConnectionLabels: boolean;
  /** Scrapes within this many ms share one database round trip (default 1000). */
  cacheMs?: number;
  onError?: (error: unknown) => void;
}

interface Snapshot {
  byStatus: Map<string, number>;
  stale: number;
  fresh: number;
  late: number;
  perConnection: { tenant: string; domain: string; id: string; lastSuccess: number | null }[];
}

interface AggregateRow {
  status: string;
  connections: string;
  stale: string;
  late: string;
}

/** Reads the aggregate in one statement (plus the per-connection rows only when opted in). */
async function readSnapshot(o: ConnectionStatusMetricsOptions): Promise<Snapshot> {
  const now = o.clock();
  // Freshness SLI: last successful (catalog-applied, C6) sync younger than twice the connection's
  // interval; a connection that never synced counts from its creation.
  const { rows } = await sql<AggregateRow>`
    select c.status,
           count(*) as connections,
           count(*) filter (where
             (r.outcome in ('requested', 'running')
               and ${now}::timestamptz - coalesce(r.started_at, r.requested_at) > ${o.runningStaleAfterMs} * interval '1 millisecond')
             or ${now}::timestamptz - coalesce(c.last_success_at, c.created_at) > ${o.staleAfterMs} * interval '1 millisecond'
           ) as stale,
           count(*) filter (where
             ${now}::timestamptz - coalesce(c.last_success_at, c.created_at)
               > 2 * coalesce(t.sync_interval_seconds, ${o.syncIntervalSeconds}) * interval '1 second'
           ) as late
    from connections c
    left join sync_runs r on r.sync_id = c.current_sync_id
    left join tenant_settings t on t.tenant_id = c.tenant_id
    where c.deleted_at is null
    group by c.status`.execute(o.db);
  const snap: Snapshot = { byStatus: new Map(), stale: 0, fresh: 0, late: 0, perConnection: [] };
  for (const r of rows) {
    const total = Number(r.connections);
    snap.byStatus.set(r.status, total);
    snap.stale += Number(r.stale);
    snap.late += Number(r.late);
    snap.fresh += total - Number(r.late);
  }
  if (o.perConnectionLabels) {
    const list = await o.db
      .selectFrom('connections')
      .select(['id', 'tenant_id', 'domain', 'last_success_at'])
      .where('deleted_at', 'is', null)
      .execute();
    snap.perConnection = list.map((c) => ({
      tenant: c.tenant_id,
      domain: c.domain,
      id: c.id,
      lastSuccess: c.last_success_at ? c.last_success_at.getTime() / 1000 : null,
    }));
  }
  return snap;
}

/** Registers the connection gauges on `registry`; their values are read on each scrape. */
export function registerConnectionStatusMetrics(registry: Registry, o: ConnectionStatusMetricsOptions): void {
  const cacheMs = o.cacheMs ?? 1000;
  let cached: { at: number; snap: Promise<Snapshot> } | undefined;
  let last: Snapshot | undefined;
  // One query per scrape, whichever gauge asks first; on a database error the previous values stay
  // (a failing /metrics would hide every other metric too) and the error is reported.
  const snapshot = async (): Promise<Snapshot | undefined> => {
    const now = Date.now();
    if (!cached || now - cached.at > cacheMs) cached = { at: now, snap: readSnapshot(o) };
    try {
      last = await cached.snap;
    } catch (error) {
      cached = undefined;
      o.onError?.(error);
    }
    return last;
  };

  defineGauge(registry, {
    name: 'appgov_connections_by_status',
    help: 'Connections (not deleted) per status: in_progress, success, error (C6); from the database',
    labelNames: ['status'],
    async collect() {
      const snap = await snapshot();
      if (!snap) return;
      for (const status of STATUSES) this.set({ status }, snap.byStatus.get(status) ?? 0);
    },
  });
  defineGauge(registry, {
    name: 'appgov_connections_stale',
    help: 'Connections that are stale (C7): last success older than the threshold, or a sync running too long',
    async collect() {
      const snap = await snapshot();
      if (snap) this.set(snap.stale);
    },
  });
  defineGauge(registry, {
    name: 'appgov_connections_sync_freshness',
    help: 'Connections whose last applied sync is younger (fresh) or older (late) than twice their interval: the sync-freshness SLI',
    labelNames: ['state'],
    async collect() {
      const snap = await snapshot();
      if (!snap) return;
      this.set({ state: 'fresh' }, snap.fresh);
      this.set({ state: 'late' }, snap.late);
    },
  });
  if (o.perConnectionLabels) {
    defineGauge(registry, {
      name: 'appgov_connection_last_success_timestamp_seconds',
      help: 'Per connection (opt-in, METRICS_CONNECTION_LABELS): Unix time of the last applied sync, 0 if none',
      labelNames: ['tenant', 'domain', 'connection_id'],
      async collect() {
        const snap = await snapshot();
        if (!snap) return;
        this.reset();
        for (const c of snap.perConnection) {
          this.set({ tenant: c.tenant, domain: c.domain, connection_id: c.id }, c.lastSuccess ?? 0);
        }
      },
    });
  }
}
