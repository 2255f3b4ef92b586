import type { OutboxDatabase } from '@appgov/db';
import type { ApiTokenTable } from './api-token.table.js';
import type { AppTable } from './app.table.js';
import type { AppGrantTable } from './app-grant.table.js';
import type { AppUserTable } from './app-user.table.js';
import type { AppliedBatchTable } from './applied-batch.table.js';
import type { ConnectionStateTable } from './connection-state.table.js';
import type { DatasetCountTable } from './dataset-count.table.js';
import type { FindingTable } from './finding.table.js';
import type { GroupTable } from './group.table.js';
import type { GroupAppTable } from './group-app.table.js';
import type { GroupMemberTable } from './group-member.table.js';
import type { PendingChangeTable } from './pending-change.table.js';
import type { SyncProgressTable } from './sync-progress.table.js';
import type { UserTable } from './user.table.js';
import type { UserRoleTable } from './user-role.table.js';

/** The `catalog` schema as kysely sees it, built from its `*.table.ts` files. */
export interface CatalogDatabase extends OutboxDatabase {
  users: UserTable;
  user_roles: UserRoleTable;
  groups: GroupTable;
  group_members: GroupMemberTable;
  group_apps: GroupAppTable;
  apps: AppTable;
  app_users: AppUserTable;
  app_grants: AppGrantTable;
  api_tokens: ApiTokenTable;
  findings: FindingTable;
  sync_progress: SyncProgressTable;
  applied_batches: AppliedBatchTable;
  connection_state: ConnectionStateTable;
  pending_changes: PendingChangeTable;
  dataset_counts: DatasetCountTable;
}
