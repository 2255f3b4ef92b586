import type { Selectable, Transaction } from 'kysely';
import type { SyncScope } from './okta-rows.repository.js';
import { runStatement } from './sql-statement.js';
import type { CatalogDatabase } from './tables/catalog.database.js';
import type { FindingTable } from './tables/finding.table.js';

// The findings rules run as SQL into a temporary table that opening, resolving and refreshing then
// compare against: temporary tables, `analyze` and anti joins over it stay SQL text.

type Trx = Transaction<CatalogDatabase>;
export type FindingRow = Selectable<FindingTable>;

// Every rule as one SELECT of (kind, severity, subject_type, subject_id, subject_label, details);
// $1 tenant, $2 connection, $3 super admin threshold.
const CURRENT_FINDINGS = `
  select 'app_write_scope' as kind, 'high' as severity, 'app' as subject_type, a.id as subject_id, a.label as subject_label,
         jsonb_build_object('scopes', jsonb_agg(distinct g.scope_id)) as details
    from apps a join app_grants g on g.tenant_id = a.tenant_id and g.connection_id = a.connection_id and g.app_id = a.id
   where a.tenant_id = $1 and a.connection_id = $2::uuid and g.status = 'ACTIVE' and g.scope_id like 'okta.%.manage'
   group by a.id, a.label
  union all
  select 'api_token_never_expires', 'medium', 'api-token', t.id, t.name, jsonb_build_object('userId', t.user_id)
    from api_tokens t where t.tenant_id = $1 and t.connection_id = $2::uuid and t.expires_at is null
  union all
  select 'api_token_owner_deactivated', 'high', 'api-token', t.id, t.name, jsonb_build_object('userId', t.user_id, 'userStatus', u.status)
    from api_tokens t join users u on u.tenant_id = t.tenant_id and u.connection_id = t.connection_id and u.id = t.user_id
   where t.tenant_id = $1 and t.connection_id = $2::uuid and u.status in ('DEPROVISIONED', 'SUSPENDED')
  union all
  select 'api_token_owner_super_admin', 'medium', 'api-token', t.id, t.name, jsonb_build_object('userId', t.user_id)
    from api_tokens t
   where t.tenant_id = $1 and t.connection_id = $2::uuid and exists (
     select 1 from user_roles r where r.tenant_id = t.tenant_id and r.connection_id = t.connection_id
        and r.user_id = t.user_id and r.type = 'SUPER_ADMIN')
  union all
  select 'super_admin_count', 'high', 'connection', $2::text, null, jsonb_build_object('count', n, 'threshold', $3::int)
    from (select count(distinct user_id) as n from user_roles
           where tenant_id = $1 and connection_id = $2::uuid and type = 'SUPER_ADMIN') s
   where n > $3::int
  union all
  select 'deactivated_user_assigned', 'medium', 'user', u.id, u.login,
         jsonb_build_object('status', u.status, 'appCount', count(*), 'appIds', (array_agg(au.app_id order by au.app_id))[1:20])
    from users u join app_users au on au.tenant_id = u.tenant_id and au.connection_id = u.connection_id and au.user_id = u.id
   where u.tenant_id = $1 and u.connection_id = $2::uuid and u.status in ('DEPROVISIONED', 'SUSPENDED')
   group by u.id, u.login, u.status
  union all
  select 'app_without_assignments', 'low', 'app', a.id, a.label, '{}'::jsonb
    from apps a
   where a.tenant_id = $1 and a.connection_id = $2::uuid and a.status = 'ACTIVE'
     and not exists (select 1 from app_users x where x.tenant_id = a.tenant_id and x.connection_id = a.connection_id and x.app_id = a.id)
     and not exists (select 1 from group_apps x where x.tenant_id = a.tenant_id and x.connection_id = a.connection_id and x.app_id = a.id)
  union all
  select 'password_sign_on_app', 'medium', 'app', a.id, a.label, jsonb_build_object('signOnMode', a.sign_on_mode)
    from apps a
   where a.tenant_id = $1 and a.connection_id = $2::uuid
     and a.sign_on_mode in ('BASIC_AUTH', 'BROWSER_PLUGIN', 'SECURE_PASSWORD_STORE', 'AUTO_LOGIN')`;

/** Runs every rule once into the transaction's temporary table `cur_findings`. */
export async function computeCurrentFindings(
  trx: Trx,
  scope: SyncScope,
  superAdminThreshold: number,
): Promise<void> {
  await runStatement(trx, 'drop table if exists cur_findings', []);
  await runStatement(trx, `create temp table cur_findings on commit drop as ${CURRENT_FINDINGS}`, [
    scope.tenantId,
    scope.connectionId,
    superAdminThreshold,
  ]);
  // Without fresh statistics the planner takes the temp table (and the findings just opened) for tiny
  // and compares every open finding with every current one (nested loops: 8 s for the first sync of the
  // large preset, 10k findings; 10 ms with a hash anti join).
  await runStatement(trx, 'analyze cur_findings', []);
}

/** Opens the current findings that are not open yet; returns them. */
export async function openNewFindings(trx: Trx, scope: SyncScope, now: Date): Promise<FindingRow[]> {
  const opened = await runStatement<FindingRow>(
    trx,
    `insert into findings (id, tenant_id, connection_id, kind, severity, subject_type, subject_id, subject_label, details, first_seen, last_seen_sync)
     select gen_random_uuid(), $1, $2::uuid, c.kind, c.severity, c.subject_type, c.subject_id, c.subject_label, c.details, $4::timestamptz, $3::uuid
       from cur_findings c
      where not exists (select 1 from findings f where f.tenant_id = $1 and f.connection_id = $2::uuid and f.resolved_at is null
                          and f.kind = c.kind and f.subject_type = c.subject_type and f.subject_id = c.subject_id)
     returning *`,
    [scope.tenantId, scope.connectionId, scope.syncId, now],
  );
  // As the tables' owner (see analyzeOktaTables).
  await runStatement(trx, 'select analyze_catalog_tables($1::text[])', [['findings']]);
  return opened;
}

/** Resolves the open findings that no rule raises any more; returns them. */
export function resolveVanishedFindings(trx: Trx, scope: SyncScope, now: Date): Promise<FindingRow[]> {
  return runStatement<FindingRow>(
    trx,
    `update findings f set resolved_at = $4::timestamptz, last_seen_sync = $3::uuid
      where f.tenant_id = $1 and f.connection_id = $2::uuid and f.resolved_at is null
        and not exists (select 1 from cur_findings c where c.kind = f.kind and c.subject_type = f.subject_type and c.subject_id = f.subject_id)
     returning *`,
    [scope.tenantId, scope.connectionId, scope.syncId, now],
  );
}

/** Details of findings that still hold follow the data (e.g. the number of super admins). */
export async function refreshHeldFindings(trx: Trx, scope: SyncScope): Promise<void> {
  await runStatement(
    trx,
    `update findings f set details = c.details, subject_label = c.subject_label, last_seen_sync = $3::uuid
       from cur_findings c
      where f.tenant_id = $1 and f.connection_id = $2::uuid and f.resolved_at is null
        and c.kind = f.kind and c.subject_type = f.subject_type and c.subject_id = f.subject_id
        and (f.details is distinct from c.details or f.subject_label is distinct from c.subject_label)`,
    [scope.tenantId, scope.connectionId, scope.syncId],
  );
}

/** Resolves every open finding of the connection (deleted); returns them. */
export function resolveConnectionFindings(
  trx: Trx,
  tenantId: string,
  connectionId: string,
  now: Date,
): Promise<FindingRow[]> {
  return trx
    .updateTable('findings')
    .set({ resolved_at: now })
    .where('tenant_id', '=', tenantId)
    .where('connection_id', '=', connectionId)
    .where('resolved_at', 'is', null)
    .returningAll()
    .execute();
}

export async function deleteConnectionFindings(
  trx: Trx,
  tenantId: string,
  connectionId: string,
): Promise<void> {
  await trx
    .deleteFrom('findings')
    .where('tenant_id', '=', tenantId)
    .where('connection_id', '=', connectionId)
    .execute();
}
