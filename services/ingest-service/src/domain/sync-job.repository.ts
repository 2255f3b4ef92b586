import { injectTraceparent } from '@appgov/telemetry';
import { type Kysely, sql, type Transaction } from 'kysely';
import type { IngestDatabase, SyncCheckpointTable, SyncJobTable } from './ingest.tables.js';

type Db = Kysely<IngestDatabase>;
type Trx = Transaction<IngestDatabase>;

/** A job as the runner sees it. */
export interface SyncJob {
  syncId: string;
  connectionId: string;
  tenantId: string;
  domain: string;
  trigger: string;
  state: SyncJobTable['state'];
  attempts: number;
  startedAt: Date | null;
  /** The trace the sync continues (that of its sync.requested message). */
  traceparent?: string | null;
  /** The connection's own share of each Okta bucket (null: the deployment's). */
  rateLimitShare?: number | null;
  /** Pauses on a dependency outage so far. */
  outagePauses: number;
}

/** Where one dataset of a sync stands. */
export interface Checkpoint {
  dataset: string;
  status: SyncCheckpointTable['status'];
  phase: string;
  parentIndex: number;
  pageUrl: string | null;
  pageSkip: number;
  seq: number;
  recordCount: number;
  parentCount: number;
  warning: { dataset: string; code: string; message: string } | null;
  /**
   * Batch `seq` may already be on Kafka with this many records (a timed flush writes this before
   * publishing): a resumed worker must cut batch `seq` at exactly this count, since the catalog
   * keeps the first batch of each seq. Null when no batch is pending.
   */
  pendingCount: number | null;
}

const toJob = (r: {
  sync_id: string;
  connection_id: string;
  tenant_id: string;
  domain: string;
  trigger: string;
  state: SyncJobTable['state'];
  attempts: number;
  started_at: Date | null;
  traceparent: string | null;
  rate_limit_share: number | null;
  outage_pauses: number;
}): SyncJob => ({
  syncId: r.sync_id,
  connectionId: r.connection_id,
  tenantId: r.tenant_id,
  domain: r.domain,
  trigger: r.trigger,
  state: r.state,
  attempts: r.attempts,
  startedAt: r.started_at,
  traceparent: r.traceparent,
  rateLimitShare: r.rate_limit_share,
  outagePauses: r.outage_pauses,
});

const JOB_COLUMNS = [
  'sync_id',
  'connection_id',
  'tenant_id',
  'domain',
  'trigger',
  'state',
  'attempts',
  'started_at',
  'traceparent',
  'rate_limit_share',
  'outage_pauses',
] as const;

/**
 * Records a requested sync with the active trace context (the consumer's span of the
 * sync.requested message); false when it was already recorded (redelivery).
 */
export async function insertJob(
  trx: Trx,
  job: {
    syncId: string;
    connectionId: string;
    tenantId: string;
    domain: string;
    trigger: string;
    rateLimitShare?: number | undefined;
  },
): Promise<boolean> {
  const res = await trx
    .insertInto('sync_jobs')
    .values({
      sync_id: job.syncId,
      connection_id: job.connectionId,
      tenant_id: job.tenantId,
      domain: job.domain,
      trigger: job.trigger,
      state: 'queued',
      worker_id: null,
      reason_code: null,
      message: null,
      started_at: null,
      heartbeat_at: null,
      finished_at: null,
      traceparent: injectTraceparent<Record<string, string>>({}).traceparent ?? null,
      rate_limit_share: job.rateLimitShare ?? null,
    })
    .onConflict((oc) => oc.column('sync_id').doNothing())
    .executeTakeFirst();
  return Number(res.numInsertedOrUpdatedRows ?? 0) > 0;
}

/** Queued jobs of a connection other than `exceptSyncId`, locked for the caller's transaction. */
export function lockQueuedJobs(trx: Trx, connectionId: string, exceptSyncId?: string): Promise<SyncJob[]> {
  let q = trx
    .selectFrom('sync_jobs')
    .select(JOB_COLUMNS)
    .where('connection_id', '=', connectionId)
    .where('state', '=', 'queued');
  if (exceptSyncId) q = q.where('sync_id', '<>', exceptSyncId);
  return q
    .forUpdate()
    .execute()
    .then((rows) => rows.map(toJob));
}

/** Running jobs of a connection (or just `syncId`), locked. */
export function lockRunningJobs(trx: Trx, connectionId: string, syncId?: string): Promise<SyncJob[]> {
  let q = trx
    .selectFrom('sync_jobs')
    .select(JOB_COLUMNS)
    .where('connection_id', '=', connectionId)
    .where('state', '=', 'running');
  if (syncId) q = q.where('sync_id', '=', syncId);
  return q
    .forUpdate()
    .execute()
    .then((rows) => rows.map(toJob));
}

/** Marks running jobs for cancellation; the replica running each one notices within a second. */
export async function requestCancel(trx: Trx, syncIds: string[]): Promise<void> {
  if (syncIds.length === 0) return;
  await trx
    .updateTable('sync_jobs')
    .set({ cancel_requested: true })
    .where('sync_id', 'in', syncIds)
    .execute();
}

/**
 * Jobs this replica may try to run: queued ones, and running ones whose holder stopped
 * heartbeating (its lease has expired or is about to). Locked SKIP LOCKED so replicas polling
 * together never pick the same row; the Redis lease then decides. Fair between tenants (issue 16):
 * within a tenant in request order; across tenants, the tenant with the fewest syncs running (on
 * every replica) and queued ahead first, so one tenant's thousand due connections cannot starve
 * another tenant's one.
 */
export async function lockClaimable(
  trx: Trx,
  limit: number,
  staleAfterMs: number,
  exclude: string[],
): Promise<SyncJob[]> {
  if (limit <= 0) return [];
  const stale = sql<Date>`now() - make_interval(secs => ${staleAfterMs / 1000})`;
  const excluded = exclude.length > 0 ? sql`and connection_id <> all(${exclude}::uuid[])` : sql``;
  // The window function sits in a CTE so that FOR UPDATE OF j may lock the jobs themselves.
  const ordered = await sql<{ sync_id: string }>`
    with claimable as (
      select sync_id, tenant_id, requested_at from sync_jobs
      where (state = 'queued' or (state = 'running' and (heartbeat_at is null or heartbeat_at < ${stale})))
      ${excluded}
    ),
    busy as (
      select tenant_id, count(*)::int as n from sync_jobs
      where state = 'running' and heartbeat_at >= ${stale}
      group by tenant_id
    ),
    ranked as (
      select c.sync_id, c.requested_at,
        row_number() over (partition by c.tenant_id order by c.requested_at) + coalesce(b.n, 0) as rank
      from claimable c left join busy b on b.tenant_id = c.tenant_id
    )
    select j.sync_id from sync_jobs j join ranked r on r.sync_id = j.sync_id
    order by r.rank, r.requested_at, j.sync_id
    limit ${limit}
    for update of j skip locked`.execute(trx);
  const ids = ordered.rows.map((r) => r.sync_id);
  if (ids.length === 0) return [];
  const rows = await trx.selectFrom('sync_jobs').select(JOB_COLUMNS).where('sync_id', 'in', ids).execute();
  const byId = new Map(rows.map((r) => [r.sync_id, toJob(r)]));
  return ids.map((id) => byId.get(id)).filter((j): j is SyncJob => j !== undefined);
}

/** Takes a job: state running, owned by `workerId`, one more attempt. */
export async function markRunning(trx: Trx, syncId: string, workerId: string): Promise<SyncJob> {
  const row = await trx
    .updateTable('sync_jobs')
    .set({
      state: 'running',
      worker_id: workerId,
      attempts: sql`attempts + 1`,
      heartbeat_at: sql`now()`,
      started_at: sql`coalesce(started_at, now())`,
    })
    .where('sync_id', '=', syncId)
    .returning(JOB_COLUMNS)
    .executeTakeFirstOrThrow();
  return toJob(row);
}

/** Heartbeat of a running job; returns whether a cancel was requested (undefined: not ours anymore). */
export async function heartbeat(
  db: Db,
  syncId: string,
  workerId: string,
  progress?: { counts: Record<string, number>; callsMade: number },
): Promise<{ cancelRequested: boolean } | undefined> {
  const row = await db
    .updateTable('sync_jobs')
    .set({
      heartbeat_at: sql`now()`,
      ...(progress ? { counts: JSON.stringify(progress.counts), calls_made: progress.callsMade } : {}),
    })
    .where('sync_id', '=', syncId)
    .where('worker_id', '=', workerId)
    .where('state', '=', 'running')
    .returning(['cancel_requested'])
    .executeTakeFirst();
  return row ? { cancelRequested: row.cancel_requested } : undefined;
}

/** Counts a pause on a dependency outage (best effort: with Postgres down it cannot be counted). */
export async function notePause(db: Db, syncId: string, workerId: string): Promise<void> {
  await db
    .updateTable('sync_jobs')
    .set({ outage_pauses: sql`outage_pauses + 1` })
    .where('sync_id', '=', syncId)
    .where('worker_id', '=', workerId)
    .where('state', '=', 'running')
    .execute();
}

/** Gives a job back (shutdown): any replica may resume it from its checkpoints at once. */
export async function requeue(db: Db, syncId: string, workerId: string): Promise<void> {
  await db
    .updateTable('sync_jobs')
    .set({ state: 'queued', worker_id: null, heartbeat_at: null })
    .where('sync_id', '=', syncId)
    .where('worker_id', '=', workerId)
    .where('state', '=', 'running')
    .execute();
}

/** Locks the job `FOR UPDATE` and tells whether `workerId` still runs it. */
export async function lockOwnRunningJob(trx: Trx, syncId: string, workerId: string): Promise<boolean> {
  const row = await trx
    .selectFrom('sync_jobs')
    .select(['state', 'worker_id'])
    .where('sync_id', '=', syncId)
    .forUpdate()
    .executeTakeFirst();
  return row !== undefined && row.state === 'running' && row.worker_id === workerId;
}

/** Ends a job. */
export async function finishJob(
  trx: Trx,
  syncId: string,
  end: {
    state: 'done' | 'failed' | 'cancelled';
    reasonCode?: string;
    message?: string;
    counts?: Record<string, number>;
    warnings?: unknown[];
  },
): Promise<void> {
  await trx
    .updateTable('sync_jobs')
    .set({
      state: end.state,
      reason_code: end.reasonCode ?? null,
      message: end.message ?? null,
      finished_at: sql`now()`,
      heartbeat_at: null,
      ...(end.counts ? { counts: JSON.stringify(end.counts) } : {}),
      ...(end.warnings ? { warnings: JSON.stringify(end.warnings) } : {}),
    })
    .where('sync_id', '=', syncId)
    .execute();
}

export function getJob(db: Db | Trx, syncId: string): Promise<SyncJob | undefined> {
  return db
    .selectFrom('sync_jobs')
    .select(JOB_COLUMNS)
    .where('sync_id', '=', syncId)
    .executeTakeFirst()
    .then((r) => (r ? toJob(r) : undefined));
}

/** Recent jobs for operators. */
/** Jobs, newest request first; those after `after` (requested, sync id) when given. */
export function listJobs(
  db: Db,
  options: { state?: string; limit: number; after?: [Date, string] | undefined },
) {
  const requested = sql<Date>`date_trunc('milliseconds', requested_at)`;
  let q = db
    .selectFrom('sync_jobs')
    .select([
      'sync_id',
      'connection_id',
      'tenant_id',
      'domain',
      'trigger',
      'state',
      'attempts',
      'reason_code',
      'counts',
      'calls_made',
      'requested_at',
      'started_at',
      'heartbeat_at',
      'finished_at',
    ])
    .orderBy(requested, 'desc')
    .orderBy('sync_id')
    .limit(options.limit);
  if (options.state) q = q.where('state', '=', options.state as SyncJobTable['state']);
  if (options.after) {
    const [at, id] = options.after;
    q = q.where(sql<boolean>`(${requested} < ${at} or (${requested} = ${at} and sync_id > ${id}::uuid))`);
  }
  return q.execute();
}

const toCheckpoint = (r: {
  dataset: string;
  status: SyncCheckpointTable['status'];
  phase: string;
  parent_index: number;
  page_url: string | null;
  page_skip: number;
  seq: number;
  record_count: number;
  parent_count: number;
  warning: unknown;
  pending_count: number | null;
}): Checkpoint => ({
  dataset: r.dataset,
  status: r.status,
  phase: r.phase,
  parentIndex: r.parent_index,
  pageUrl: r.page_url,
  pageSkip: r.page_skip,
  seq: r.seq,
  recordCount: r.record_count,
  parentCount: r.parent_count,
  warning: (r.warning as Checkpoint['warning']) ?? null,
  pendingCount: r.pending_count,
});

const CP_COLUMNS = [
  'dataset',
  'status',
  'phase',
  'parent_index',
  'page_url',
  'page_skip',
  'seq',
  'record_count',
  'parent_count',
  'warning',
  'pending_count',
] as const;

export function getCheckpoints(db: Db | Trx, syncId: string): Promise<Checkpoint[]> {
  return db
    .selectFrom('sync_checkpoints')
    .select(CP_COLUMNS)
    .where('sync_id', '=', syncId)
    .execute()
    .then((rows) => rows.map(toCheckpoint));
}

export function getCheckpoint(
  db: Db | Trx,
  syncId: string,
  dataset: string,
): Promise<Checkpoint | undefined> {
  return db
    .selectFrom('sync_checkpoints')
    .select(CP_COLUMNS)
    .where('sync_id', '=', syncId)
    .where('dataset', '=', dataset)
    .executeTakeFirst()
    .then((r) => (r ? toCheckpoint(r) : undefined));
}

/** Creates or overwrites a dataset's checkpoint. */
export async function saveCheckpoint(db: Db | Trx, syncId: string, cp: Checkpoint): Promise<void> {
  const values = {
    status: cp.status,
    phase: cp.phase,
    parent_index: cp.parentIndex,
    page_url: cp.pageUrl,
    page_skip: cp.pageSkip,
    seq: cp.seq,
    record_count: cp.recordCount,
    parent_count: cp.parentCount,
    warning: cp.warning ? JSON.stringify(cp.warning) : null,
    pending_count: cp.pendingCount,
    updated_at: sql<Date>`now()`,
  };
  await db
    .insertInto('sync_checkpoints')
    .values({ sync_id: syncId, dataset: cp.dataset, ...values })
    .onConflict((oc) => oc.columns(['sync_id', 'dataset']).doUpdateSet(values))
    .execute();
}

/** Remembers parents (groups, apps, admins) by ordinal; replays are no-ops. */
export async function addParents(
  db: Db | Trx,
  syncId: string,
  kind: 'group' | 'app' | 'admin',
  firstOrdinal: number,
  ids: string[],
): Promise<void> {
  if (ids.length === 0) return;
  await db
    .insertInto('sync_parents')
    .values(ids.map((okta_id, i) => ({ sync_id: syncId, kind, ordinal: firstOrdinal + i, okta_id })))
    .onConflict((oc) => oc.columns(['sync_id', 'kind', 'ordinal']).doNothing())
    .execute();
}

/** Parents from `fromOrdinal` on, at most `limit`. */
export function getParents(
  db: Db,
  syncId: string,
  kind: 'group' | 'app' | 'admin',
  fromOrdinal: number,
  limit: number,
): Promise<{ ordinal: number; id: string }[]> {
  return db
    .selectFrom('sync_parents')
    .select(['ordinal', 'okta_id'])
    .where('sync_id', '=', syncId)
    .where('kind', '=', kind)
    .where('ordinal', '>=', fromOrdinal)
    .orderBy('ordinal')
    .limit(limit)
    .execute()
    .then((rows) => rows.map((r) => ({ ordinal: r.ordinal, id: r.okta_id })));
}
