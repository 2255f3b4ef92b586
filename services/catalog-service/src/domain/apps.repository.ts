import type { Transaction } from 'kysely';
import type { SyncScope } from './okta-rows.repository.js';
import type { AppGrantRow, AppRow } from './row-mappers.js';
import { runStatement } from './sql-statement.js';
import type { CatalogDatabase } from './tables/catalog.database.js';

// The maintained columns of `apps` (assignment and open-finding counters) and the full state of
// changed apps; set-based statements with correlated subqueries, kept as SQL text.

type Trx = Transaction<CatalogDatabase>;

/** Sets every app's user and group counts of the connection from its assignments (changed ones only). */
export async function refreshAssignmentCounts(
  trx: Trx,
  tenantId: string,
  connectionId: string,
): Promise<void> {
  await runStatement(
    trx,
    `with counts as (
       select a.id,
              (select count(*) from app_users u where u.tenant_id = a.tenant_id and u.connection_id = a.connection_id and u.app_id = a.id) as users,
              (select count(*) from group_apps g where g.tenant_id = a.tenant_id and g.connection_id = a.connection_id and g.app_id = a.id) as groups
         from apps a where a.tenant_id = $1 and a.connection_id = $2::uuid)
     update apps a set user_count = c.users, group_count = c.groups from counts c
      where a.tenant_id = $1 and a.connection_id = $2::uuid and a.id = c.id
        and (a.user_count <> c.users or a.group_count <> c.groups)`,
    [tenantId, connectionId],
  );
}

/** An app with its grants as `jsonb_agg` hands them over (timestamps as strings). */
export type AppWithGrants = AppRow & { grants: (Omit<AppGrantRow, 'created'> & { created: string })[] };

/** The apps this sync changed (`pending_changes`), each with its grants, by id. */
export function changedAppStates(trx: Trx, scope: SyncScope): Promise<AppWithGrants[]> {
  return runStatement<AppWithGrants>(
    trx,
    `select a.*, coalesce((select jsonb_agg(to_jsonb(g) order by g.id) from app_grants g
               where g.tenant_id = a.tenant_id and g.connection_id = a.connection_id and g.app_id = a.id), '[]') as grants
       from apps a
      where a.tenant_id = $1 and a.connection_id = $2::uuid
        and a.id in (select distinct app_id from pending_changes where sync_id = $3::uuid and connection_id = $2::uuid)
      order by a.id`,
    [scope.tenantId, scope.connectionId, scope.syncId],
  );
}

/** Sets `apps.open_finding_count` of the connection's apps from `findings` (changed ones only). */
export async function refreshOpenFindingCounts(
  trx: Trx,
  tenantId: string,
  connectionId: string,
): Promise<void> {
  await runStatement(
    trx,
    `update apps a set open_finding_count = c.n
       from (select x.id, (select count(*)::int from findings f
                            where f.tenant_id = x.tenant_id and f.connection_id = x.connection_id and f.resolved_at is null
                              and f.subject_type = 'app' and f.subject_id = x.id) as n
               from apps x where x.tenant_id = $1 and x.connection_id = $2::uuid) c
      where a.tenant_id = $1 and a.connection_id = $2::uuid and a.id = c.id and a.open_finding_count <> c.n`,
    [tenantId, connectionId],
  );
}
