import { InvalidInputError } from '@appgov/errors';
import { type Kysely, sql, type Transaction } from 'kysely';
import { READER_ROLE } from '../migrations/index.js';
import { DATASET_SPECS } from './dataset-specs.js';
import { mapQueryLimitError, queryTimeoutOf } from './query-limits.js';
import { runSql } from './record-apply.js';
import { iso, toInventoryApiToken, toInventoryApp, toInventoryGrant } from './row-mappers.js';

/** A transaction that can only see one tenant's rows (row-level security). */
export type TenantTransaction = Transaction<any> & { readonly __tenantScoped: true };

/**
 * Runs `fn` in a read transaction as the `catalog_reader` role with `app.tenant_id` set: every
 * catalog table's policy then hides other tenants' rows, whatever the query forgets to filter.
 */
export function withTenant<T>(
  db: Kysely<any>,
  tenantId: string,
  fn: (trx: TenantTransaction) => Promise<T>,
): Promise<T> {
  const timeoutMs = Math.max(1, Math.floor(queryTimeoutOf(db)));
  const run = db.transaction().execute(async (trx) => {
    await sql.raw(`set local statement_timeout = ${timeoutMs}`).execute(trx);
    await sql.raw(`set local role ${READER_ROLE}`).execute(trx);
    await sql`select set_config('app.tenant_id', ${tenantId}, true)`.execute(trx);
    await sql
      .raw('set transaction read only')
      .execute(trx)
      .catch(() => {});
    return fn(trx as TenantTransaction);
  });
  return run.catch((error: unknown) => {
    throw mapQueryLimitError(error);
  });
}

/** A page of results with the opaque cursor of the next page (null at the end). */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

type Cursor = [string | number | null, string, string];

const encodeCursor = (c: Cursor) => Buffer.from(JSON.stringify(c), 'utf8').toString('base64url');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing NUL is the point
const SAFE_TEXT = /^[^\u0000]{0,1000}$/;

// Finding 12: every part of a cursor is checked against what its SQL cast accepts, so a forged
// cursor is a 400, never a Postgres cast error (500).
function sortValueFits(value: unknown, type: KeysetQuery['sortType']): boolean {
  if (value === null) return true;
  if (type === 'int') return Number.isSafeInteger(value);
  if (typeof value !== 'string' || !SAFE_TEXT.test(value)) return false;
  if (type === 'timestamptz')
    return /^\d{4}-\d{2}-\d{2}T[\d:.]+Z$/.test(value) && !Number.isNaN(Date.parse(value));
  return true;
}

function decodeCursor(raw: string | undefined, sortType: KeysetQuery['sortType']): Cursor | null {
  if (!raw) return null;
  try {
    const value: unknown = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
    if (
      Array.isArray(value) &&
      value.length === 3 &&
      sortValueFits(value[0], sortType) &&
      typeof value[1] === 'string' &&
      UUID.test(value[1]) &&
      typeof value[2] === 'string' &&
      SAFE_TEXT.test(value[2])
    ) {
      return value as Cursor;
    }
  } catch {}
  throw new InvalidInputError('CATALOG_INVALID_CURSOR', 'The cursor is not one this API returned.');
}

interface KeysetQuery {
  select: string;
  from: string;
  where: string[];
  params: unknown[];
  /** The sort expression (its value goes into the cursor). */
  sortExpr: string;
  sortType: 'text' | 'int' | 'timestamptz';
  desc: boolean;
  limit: number;
  cursor?: string | undefined;
  /** Alias of the table holding connection_id and id. */
  alias: string;
}

/**
 * Keyset pagination over (sort key, connection id, id): stable under concurrent writes, because a page
 * starts strictly after the last row of the previous one instead of at an offset.
 */
async function keysetPage(
  trx: Transaction<any>,
  query: KeysetQuery,
): Promise<{ rows: Record<string, any>[]; nextCursor: string | null }> {
  const params = [...query.params];
  const where = [...query.where];
  const cursor = decodeCursor(query.cursor, query.sortType);
  const key = `(${query.sortExpr}, ${query.alias}.connection_id, ${query.alias}.id)`;
  if (cursor) {
    params.push(cursor[0], cursor[1], cursor[2]);
    const n = params.length;
    where.push(`${key} ${query.desc ? '<' : '>'} ($${n - 2}::${query.sortType}, $${n - 1}::uuid, $${n})`);
  }
  const dir = query.desc ? 'desc' : 'asc';
  params.push(query.limit + 1);
  const text = `select ${query.select}, ${query.sortExpr} as sort_key from ${query.from}
    ${where.length ? `where ${where.join(' and ')}` : ''}
    order by ${query.sortExpr} ${dir}, ${query.alias}.connection_id ${dir}, ${query.alias}.id ${dir}
    limit $${params.length}`;
  const rows = await runSql(trx, text, params);
  const more = rows.length > query.limit;
  const page = more ? rows.slice(0, query.limit) : rows;
  const last = page[page.length - 1];
  const sortValue = last?.sort_key instanceof Date ? last.sort_key.toISOString() : (last?.sort_key ?? null);
  return {
    rows: page,
    nextCursor: more && last ? encodeCursor([sortValue, last.connection_id, last.id]) : null,
  };
}

const like = (q: string) => `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** Filters and order of the apps list. */
export interface AppListQuery {
  q?: string | undefined;
  status?: string | undefined;
  signOnMode?: string | undefined;
  risk?: boolean | undefined;
  connectionId?: string | undefined;
  sort?: 'label' | 'lastUpdated' | 'userCount' | undefined;
  order?: 'asc' | 'desc' | undefined;
  limit?: number | undefined;
  cursor?: string | undefined;
}

const APP_SORTS = {
  label: { expr: 'lower(a.label)', type: 'text' },
  lastUpdated: { expr: 'a.last_updated', type: 'timestamptz' },
  userCount: { expr: 'a.user_count', type: 'int' },
} as const;

const openFindingCount = (alias: string, type: string) =>
  `(select count(*)::int from findings f where f.tenant_id = ${alias}.tenant_id and f.connection_id = ${alias}.connection_id
     and f.subject_type = '${type}' and f.subject_id = ${alias}.id and f.resolved_at is null)`;

/** Apps of the tenant: search, filters, sort, keyset pages. */
export async function listApps(trx: TenantTransaction, query: AppListQuery) {
  const params: unknown[] = [];
  const where: string[] = [];
  const add = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  if (query.q) {
    const p = add(like(query.q));
    where.push(`(a.label ilike ${p} or a.name ilike ${p})`);
  }
  if (query.status) where.push(`a.status = ${add(query.status)}`);
  if (query.signOnMode) where.push(`a.sign_on_mode = ${add(query.signOnMode)}`);
  if (query.connectionId) where.push(`a.connection_id = ${add(query.connectionId)}::uuid`);
  // Risk reads the counter of open findings kept on the app when findings are recomputed (the partial
  // indexes `apps_risk_*_idx` serve `> 0` in the label and userCount orders).
  if (query.risk !== undefined)
    where.push(query.risk ? 'a.open_finding_count > 0' : 'a.open_finding_count = 0');
  const sort = APP_SORTS[query.sort ?? 'label'];
  const { rows, nextCursor } = await keysetPage(trx, {
    select: 'a.*, a.open_finding_count as finding_count',
    from: 'apps a',
    alias: 'a',
    where,
    params,
    sortExpr: sort.expr,
    sortType: sort.type,
    desc: query.order === 'desc',
    limit: query.limit ?? 50,
    cursor: query.cursor,
  });
  return { items: rows.map(appSummary), nextCursor };
}

function appSummary(row: Record<string, any>) {
  return {
    connectionId: row.connection_id as string,
    ...toInventoryApp(row),
    userCount: row.user_count as number,
    groupCount: row.group_count as number,
    findingCount: Number(row.finding_count ?? 0),
  };
}

/** One app with grants, assigned users and groups (bounded lists), or null. */
export async function getApp(trx: TenantTransaction, connectionId: string, appId: string, memberLimit = 100) {
  const [row] = await runSql(
    trx,
    `select a.*, a.open_finding_count as finding_count from apps a where a.connection_id = $1::uuid and a.id = $2`,
    [connectionId, appId],
  );
  if (!row) return null;
  const p = [connectionId, appId, memberLimit];
  const grants = await runSql(
    trx,
    `select * from app_grants where connection_id = $1::uuid and app_id = $2 order by id`,
    [connectionId, appId],
  );
  const users = await runSql(
    trx,
    `select au.user_id, au.scope, au.status, u.login, u.status as user_status from app_users au
       left join users u on u.tenant_id = au.tenant_id and u.connection_id = au.connection_id and u.id = au.user_id
      where au.connection_id = $1::uuid and au.app_id = $2 order by au.user_id limit $3`,
    p,
  );
  const groups = await runSql(
    trx,
    `select ga.group_id, ga.priority, g.name from group_apps ga
       left join groups g on g.tenant_id = ga.tenant_id and g.connection_id = ga.connection_id and g.id = ga.group_id
      where ga.connection_id = $1::uuid and ga.app_id = $2 order by ga.group_id limit $3`,
    p,
  );
  return {
    ...appSummary(row),
    grants: grants.map(toInventoryGrant),
    users: users.map((u) => ({
      userId: u.user_id,
      scope: u.scope,
      status: u.status ?? null,
      login: u.login ?? null,
      userStatus: u.user_status ?? null,
    })),
    groups: groups.map((g) => ({ groupId: g.group_id, name: g.name ?? null, priority: g.priority ?? null })),
  };
}

/** Generic filters of the other lists. */
export interface ListQuery {
  q?: string | undefined;
  status?: string | undefined;
  connectionId?: string | undefined;
  limit?: number | undefined;
  cursor?: string | undefined;
}

function userOut(row: Record<string, any>) {
  return {
    connectionId: row.connection_id as string,
    id: row.id as string,
    status: row.status as string,
    login: row.login as string,
    email: row.email ?? null,
    firstName: row.first_name ?? null,
    lastName: row.last_name ?? null,
    created: iso(row.created)!,
    lastLogin: iso(row.last_login),
    lastUpdated: iso(row.last_updated)!,
  };
}

/** Users: search on login/email/name, filter by status. */
export async function listUsers(trx: TenantTransaction, query: ListQuery) {
  const params: unknown[] = [];
  const where: string[] = [];
  if (query.q) {
    params.push(like(query.q));
    where.push(
      `(u.login ilike $${params.length} or u.email ilike $${params.length} or (u.first_name || ' ' || u.last_name) ilike $${params.length})`,
    );
  }
  if (query.status) {
    params.push(query.status);
    where.push(`u.status = $${params.length}`);
  }
  if (query.connectionId) {
    params.push(query.connectionId);
    where.push(`u.connection_id = $${params.length}::uuid`);
  }
  const { rows, nextCursor } = await keysetPage(trx, {
    select: 'u.*',
    from: 'users u',
    alias: 'u',
    where,
    params,
    sortExpr: 'lower(u.login)',
    sortType: 'text',
    desc: false,
    limit: query.limit ?? 50,
    cursor: query.cursor,
  });
  return { items: rows.map(userOut), nextCursor };
}

/** One user with roles, groups and apps, or null. */
export async function getUser(trx: TenantTransaction, connectionId: string, userId: string) {
  const [row] = await runSql(trx, `select * from users where connection_id = $1::uuid and id = $2`, [
    connectionId,
    userId,
  ]);
  if (!row) return null;
  const p = [connectionId, userId];
  const roles = await runSql(
    trx,
    `select * from user_roles where connection_id = $1::uuid and user_id = $2 order by role_id`,
    p,
  );
  const groups = await runSql(
    trx,
    `select gm.group_id, g.name from group_members gm
       left join groups g on g.tenant_id = gm.tenant_id and g.connection_id = gm.connection_id and g.id = gm.group_id
      where gm.connection_id = $1::uuid and gm.user_id = $2 order by gm.group_id`,
    p,
  );
  const apps = await runSql(
    trx,
    `select au.app_id, au.scope, a.label from app_users au
       left join apps a on a.tenant_id = au.tenant_id and a.connection_id = au.connection_id and a.id = au.app_id
      where au.connection_id = $1::uuid and au.user_id = $2 order by au.app_id`,
    p,
  );
  return {
    ...userOut(row),
    roles: roles.map((r) => ({
      roleId: r.role_id,
      type: r.type,
      label: r.label,
      assignmentType: r.assignment_type,
    })),
    groups: groups.map((g) => ({ groupId: g.group_id, name: g.name ?? null })),
    apps: apps.map((a) => ({ appId: a.app_id, label: a.label ?? null, scope: a.scope })),
  };
}

/** Groups with member counts. */
export async function listGroups(trx: TenantTransaction, query: ListQuery) {
  const params: unknown[] = [];
  const where: string[] = [];
  if (query.q) {
    params.push(like(query.q));
    where.push(`g.name ilike $${params.length}`);
  }
  if (query.connectionId) {
    params.push(query.connectionId);
    where.push(`g.connection_id = $${params.length}::uuid`);
  }
  const { rows, nextCursor } = await keysetPage(trx, {
    select: `g.*, (select count(*)::int from group_members m where m.tenant_id = g.tenant_id and m.connection_id = g.connection_id and m.group_id = g.id) as member_count`,
    from: 'groups g',
    alias: 'g',
    where,
    params,
    sortExpr: 'lower(g.name)',
    sortType: 'text',
    desc: false,
    limit: query.limit ?? 50,
    cursor: query.cursor,
  });
  return {
    items: rows.map((g) => ({
      connectionId: g.connection_id as string,
      id: g.id as string,
      type: g.type as string,
      name: g.name as string,
      description: g.description ?? null,
      lastUpdated: iso(g.last_updated)!,
      memberCount: g.member_count as number,
    })),
    nextCursor,
  };
}

/** API tokens (metadata only). */
export async function listApiTokens(trx: TenantTransaction, query: ListQuery) {
  const params: unknown[] = [];
  const where: string[] = [];
  if (query.connectionId) {
    params.push(query.connectionId);
    where.push(`t.connection_id = $${params.length}::uuid`);
  }
  const { rows, nextCursor } = await keysetPage(trx, {
    select: `t.*, ${openFindingCount('t', 'api-token')} as finding_count`,
    from: 'api_tokens t',
    alias: 't',
    where,
    params,
    sortExpr: 'lower(t.name)',
    sortType: 'text',
    desc: false,
    limit: query.limit ?? 50,
    cursor: query.cursor,
  });
  return {
    items: rows.map((t) => ({
      connectionId: t.connection_id as string,
      ...toInventoryApiToken(t),
      findingCount: t.finding_count as number,
    })),
    nextCursor,
  };
}

/** Users holding admin roles, with their role types. */
export async function listAdmins(trx: TenantTransaction, query: ListQuery) {
  const params: unknown[] = [];
  const where = [
    `exists (select 1 from user_roles r where r.tenant_id = u.tenant_id and r.connection_id = u.connection_id and r.user_id = u.id)`,
  ];
  if (query.connectionId) {
    params.push(query.connectionId);
    where.push(`u.connection_id = $${params.length}::uuid`);
  }
  const { rows, nextCursor } = await keysetPage(trx, {
    select: `u.*, (select array_agg(distinct r.type order by r.type) from user_roles r where r.tenant_id = u.tenant_id
               and r.connection_id = u.connection_id and r.user_id = u.id) as role_types`,
    from: 'users u',
    alias: 'u',
    where,
    params,
    sortExpr: 'lower(u.login)',
    sortType: 'text',
    desc: false,
    limit: query.limit ?? 50,
    cursor: query.cursor,
  });
  return {
    items: rows.map((u) => ({ ...userOut(u), roleTypes: (u.role_types ?? []) as string[] })),
    nextCursor,
  };
}

/** Findings (open by default). */
export async function listFindings(
  trx: TenantTransaction,
  query: ListQuery & {
    kind?: string | undefined;
    severity?: string | undefined;
    includeResolved?: boolean | undefined;
  },
) {
  const params: unknown[] = [];
  const where: string[] = [];
  if (!query.includeResolved) where.push('f.resolved_at is null');
  for (const [column, value] of [
    ['kind', query.kind],
    ['severity', query.severity],
  ] as const) {
    if (value) {
      params.push(value);
      where.push(`f.${column} = $${params.length}`);
    }
  }
  if (query.connectionId) {
    params.push(query.connectionId);
    where.push(`f.connection_id = $${params.length}::uuid`);
  }
  const { rows, nextCursor } = await keysetPage(trx, {
    select: 'f.*, f.id::text as id',
    from: 'findings f',
    alias: 'f',
    where,
    params,
    sortExpr: 'f.first_seen',
    sortType: 'timestamptz',
    desc: true,
    limit: query.limit ?? 50,
    cursor: query.cursor,
  });
  return {
    items: rows.map((f) => ({
      id: f.id as string,
      connectionId: f.connection_id as string,
      kind: f.kind as string,
      severity: f.severity as string,
      subject: {
        type: f.subject_type as string,
        id: f.subject_id as string,
        label: (f.subject_label ?? null) as string | null,
      },
      details: f.details ?? {},
      firstSeen: iso(f.first_seen)!,
      resolvedAt: iso(f.resolved_at),
    })),
    nextCursor,
  };
}

/**
 * Counts per dataset and open findings of one connection, plus the last applied sync; null when
 * unknown. The counts come from `dataset_counts`, which the apply, the sweep, the findings recompute
 * and the purge maintain, instead of count(*) over tables of a million rows.
 */
export async function connectionSummary(trx: TenantTransaction, connectionId: string) {
  const rows = await runSql(
    trx,
    `select dataset, row_count from dataset_counts where connection_id = $1::uuid`,
    [connectionId],
  );
  const stored = new Map(rows.map((r) => [r.dataset as string, Number(r.row_count)]));
  const [sync] = await runSql(
    trx,
    `select sync_id, applied_at from sync_progress where connection_id = $1::uuid and state = 'completed'
      order by applied_at desc nulls last limit 1`,
    [connectionId],
  );
  const datasets = Object.fromEntries(
    Object.values(DATASET_SPECS).map((spec) => [spec.dataset, stored.get(spec.dataset) ?? 0]),
  ) as Record<string, number>;
  const findings = stored.get('open-findings') ?? 0;
  const total = Object.values(datasets).reduce((sum, n) => sum + n, 0);
  if (total === 0 && !sync && findings === 0) return null;
  return {
    connectionId,
    counts: datasets,
    openFindings: findings,
    lastAppliedSync: sync ? { syncId: sync.sync_id as string, appliedAt: iso(sync.applied_at) } : null,
  };
}
