import type { Kysely, Transaction } from 'kysely';
import type { SyncScope } from './okta-rows.repository.js';
import { runStatement } from './sql-statement.js';
import type { CatalogDatabase } from './tables/catalog.database.js';

type Trx = Transaction<CatalogDatabase>;

/** Records (one statement) that these apps' full state must be republished at the end of the sync. */
export async function markDirty(trx: Trx, scope: SyncScope, appIds: readonly string[]): Promise<void> {
  if (appIds.length === 0) return;
  await runStatement(
    trx,
    `insert into pending_changes (sync_id, connection_id, app_id, kind, member_id, change)
     select $1::uuid, $2::uuid, a, 'state', '', 'dirty' from unnest($3::text[]) as a on conflict do nothing`,
    [scope.syncId, scope.connectionId, appIds],
  );
}

/** The assignment changes of one app collected during a sync, with the app's counts. */
export interface AssignmentChanges {
  app_id: string;
  user_count: number;
  group_count: number;
  added_users: string[] | null;
  removed_users: string[] | null;
  added_groups: string[] | null;
  removed_groups: string[] | null;
}

/** Every app with assignment changes in this sync, by app id. */
export function assignmentChanges(trx: Trx, scope: SyncScope): Promise<AssignmentChanges[]> {
  return runStatement<AssignmentChanges>(
    trx,
    `select p.app_id, a.user_count, a.group_count,
            (array_agg(p.member_id order by p.member_id) filter (where kind = 'user' and change = 'added')) as added_users,
            (array_agg(p.member_id order by p.member_id) filter (where kind = 'user' and change = 'removed')) as removed_users,
            (array_agg(p.member_id order by p.member_id) filter (where kind = 'group' and change = 'added')) as added_groups,
            (array_agg(p.member_id order by p.member_id) filter (where kind = 'group' and change = 'removed')) as removed_groups
       from pending_changes p join apps a on a.tenant_id = $1 and a.connection_id = p.connection_id and a.id = p.app_id
      where p.sync_id = $3::uuid and p.connection_id = $2::uuid and p.kind in ('user', 'group')
      group by p.app_id, a.user_count, a.group_count order by p.app_id`,
    [scope.tenantId, scope.connectionId, scope.syncId],
  );
}

export async function deleteSyncChanges(trx: Trx, syncId: string): Promise<void> {
  await trx.deleteFrom('pending_changes').where('sync_id', '=', syncId).execute();
}

export async function deleteConnectionChanges(
  db: Kysely<CatalogDatabase>,
  connectionId: string,
): Promise<void> {
  await db.deleteFrom('pending_changes').where('connection_id', '=', connectionId).execute();
}
