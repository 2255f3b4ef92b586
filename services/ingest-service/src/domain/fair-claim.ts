// Which jobs a replica claims next, fairly between tenants (SPEC C10, issue 16): within each
// tenant, jobs go in request order; across tenants, the tenant with the fewest syncs running (on
// every replica) and queued ahead goes first. So a tenant with a thousand due connections and
// another with one: the second's job ranks first among the first round's claims.
import { sql, type Transaction } from 'kysely';
import type { IngestDatabase } from './ingest.tables.js';
import { JOB_COLUMNS, type SyncJob, toJob } from './sync-job.repository.js';

/**
 * Claimable jobs (queued, or running with a stale heartbeat: their worker died) in fair order,
 * locked for the caller's transaction (`SKIP LOCKED`: replicas claiming at once take different
 * jobs). `exclude`: connections this replica already runs.
 */
export async function lockClaimableFairly(
  trx: Transaction<IngestDatabase>,
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
