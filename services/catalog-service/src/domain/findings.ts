import type { Transaction } from 'kysely';
import type { OutboxBatch } from './inventory-outbox.js';
import { runSql, type SyncScope } from './record-apply.js';
import { iso } from './row-mappers.js';

/** Sign-on modes where Okta stores or replays a password (SPEC K4 "password-based sign-on apps"). */
export const PASSWORD_SIGN_ON_MODES = ['BASIC_AUTH', 'BROWSER_PLUGIN', 'SECURE_PASSWORD_STORE', 'AUTO_LOGIN'];
/** User statuses that count as deactivated. */
export const DEACTIVATED_STATUSES = ['DEPROVISIONED', 'SUSPENDED'];

/** Settings of the findings rules. */
export interface FindingRules {
  /** More super admins than this raises `super_admin_count`. */
  superAdminThreshold: number;
}

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

/**
 * Recomputes the connection's findings in SQL: new ones are opened, vanished ones resolved, and each
 * transition raises `finding.opened` / `finding.resolved`.
 */
export async function recomputeFindings(
  trx: Transaction<any>,
  scope: SyncScope,
  rules: FindingRules,
  outbox: OutboxBatch,
): Promise<{ opened: number; resolved: number }> {
  // The rules run once into a temporary table; opening, resolving and refreshing compare against it.
  await runSql(trx, 'drop table if exists cur_findings', []);
  await runSql(trx, `create temp table cur_findings on commit drop as ${CURRENT_FINDINGS}`, [
    scope.tenantId,
    scope.connectionId,
    rules.superAdminThreshold,
  ]);
  // Without fresh statistics the planner takes the temp table (and the findings just opened) for tiny
  // and compares every open finding with every current one (nested loops: 8 s for the first sync of the
  // large preset, 10k findings; 10 ms with a hash anti join).
  await runSql(trx, 'analyze cur_findings', []);
  const params = [scope.tenantId, scope.connectionId, scope.syncId, outbox.now];
  const opened = await runSql(
    trx,
    `insert into findings (id, tenant_id, connection_id, kind, severity, subject_type, subject_id, subject_label, details, first_seen, last_seen_sync)
     select gen_random_uuid(), $1, $2::uuid, c.kind, c.severity, c.subject_type, c.subject_id, c.subject_label, c.details, $4::timestamptz, $3::uuid
       from cur_findings c
      where not exists (select 1 from findings f where f.tenant_id = $1 and f.connection_id = $2::uuid and f.resolved_at is null
                          and f.kind = c.kind and f.subject_type = c.subject_type and f.subject_id = c.subject_id)
     returning *`,
    params,
  );
  await runSql(trx, 'select analyze_catalog_tables($1::text[])', [['findings']]);
  const resolved = await runSql(
    trx,
    `update findings f set resolved_at = $4::timestamptz, last_seen_sync = $3::uuid
      where f.tenant_id = $1 and f.connection_id = $2::uuid and f.resolved_at is null
        and not exists (select 1 from cur_findings c where c.kind = f.kind and c.subject_type = f.subject_type and c.subject_id = f.subject_id)
     returning *`,
    params,
  );
  // Details of findings that still hold follow the data (e.g. the number of super admins).
  await runSql(
    trx,
    `update findings f set details = c.details, subject_label = c.subject_label, last_seen_sync = $3::uuid
       from cur_findings c
      where f.tenant_id = $1 and f.connection_id = $2::uuid and f.resolved_at is null
        and c.kind = f.kind and c.subject_type = f.subject_type and c.subject_id = f.subject_id
        and (f.details is distinct from c.details or f.subject_label is distinct from c.subject_label)`,
    params.slice(0, 3),
  );
  await refreshFindingCounters(trx, scope.tenantId, scope.connectionId);
  for (const row of opened) {
    outbox.inventory('finding.opened', row.id, { ...findingFields(row), details: row.details ?? {} });
  }
  for (const row of resolved) {
    outbox.inventory('finding.resolved', row.id, {
      ...findingFields(row),
      resolvedAt: iso(row.resolved_at)!,
    });
  }
  return { opened: opened.length, resolved: resolved.length };
}

/** The event fields of a `findings` row. */
export function findingFields(row: Record<string, any>) {
  return {
    findingId: row.id as string,
    kind: row.kind,
    severity: row.severity,
    subject: {
      type: row.subject_type,
      id: row.subject_id as string,
      ...(row.subject_label ? { label: row.subject_label as string } : {}),
    },
    firstSeen: iso(row.first_seen)!,
  };
}

/**
 * Maintained counters of open findings: `apps.open_finding_count` (the apps list's findingCount, risk
 * filter) and the connection's `open-findings` entry of `dataset_counts` (its summary).
 */
export async function refreshFindingCounters(
  trx: Transaction<any>,
  tenantId: string,
  connectionId: string,
): Promise<void> {
  const params = [tenantId, connectionId];
  await runSql(
    trx,
    `update apps a set open_finding_count = c.n
       from (select x.id, (select count(*)::int from findings f
                            where f.tenant_id = x.tenant_id and f.connection_id = x.connection_id and f.resolved_at is null
                              and f.subject_type = 'app' and f.subject_id = x.id) as n
               from apps x where x.tenant_id = $1 and x.connection_id = $2::uuid) c
      where a.tenant_id = $1 and a.connection_id = $2::uuid and a.id = c.id and a.open_finding_count <> c.n`,
    params,
  );
  await runSql(
    trx,
    `insert into dataset_counts (tenant_id, connection_id, dataset, row_count)
     select $1, $2::uuid, 'open-findings', count(*)::int from findings
      where tenant_id = $1 and connection_id = $2::uuid and resolved_at is null
     on conflict (connection_id, dataset) do update set row_count = excluded.row_count`,
    params,
  );
}
