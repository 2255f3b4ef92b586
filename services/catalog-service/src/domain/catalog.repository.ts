import { InvalidInputError } from '@appgov/errors';
import { type Kysely, type Selectable, sql, type Transaction } from 'kysely';
import { READER_ROLE } from '../migrations/index.js';
import { countsOf } from './dataset-counts.repository.js';
import { DATASET_SPECS } from './dataset-specs.js';
import type { FindingRow } from './findings.repository.js';
import { mapQueryLimitError, queryTimeoutOf } from './query-limits.js';
import {
  type ApiTokenRow,
  type AppRow,
  iso,
  toInventoryApiToken,
  toInventoryApp,
  toInventoryGrant,
} from './row-mappers.js';
import { runStatement } from './sql-statement.js';
import { lastCompletedSync } from './sync-progress.repository.js';
import type { CatalogDatabase } from './tables/catalog.database.js';
import type { GroupTable } from './tables/group.table.js';
import type { UserTable } from './tables/user.table.js';

/** A transaction that can only see one tenant's rows (row-level security). */
export type TenantTransaction = Transaction<CatalogDatabase> & { readonly __tenantScoped: true };

type UserRow = Selectable<UserTable>;

/**
 * Runs `fn` in a read transaction as the `catalog_reader` role with `app.tenant_id` set: every
 * catalog table's policy then hides other tenants' rows, whatever the query forgets to filter.
 */
export function withTenant<T>(
  db: Kysely<CatalogDatabase>,
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

/** What every keyset row carries besides its own columns. */
interface KeysetRow {
  connection_id: string;
  id: string;
  /** The sort expression's value: text, int or timestamptz. */
  sort_key: string | number | Date | null;
}

/**
 * Keyset pagination over (sort key, connection id, id): stable under concurrent writes, because a page
 * starts strictly after the last row of the previous one instead of at an offset. SQL text: the row
 * value comparison runs over a sort expression the caller picks, with the filters each list adds.
 */
async function keysetPage<R extends KeysetRow>(
  trx: TenantTransaction,
  query: KeysetQuery,
): Promise<{ rows: R[]; nextCursor: string | null }> {
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
  const rows = await runStatement<R>(trx, text, params);
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
  const { rows, nextCursor } = await keysetPage<AppRow & KeysetRow & { finding_count: number }>(trx, {
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

function appSummary(row: AppRow & { finding_count: number | null }) {
  return {
    connectionId: row.connection_id,
    ...toInventoryApp(row),
    userCount: row.user_count,
    groupCount: row.group_count,
    findingCount: Number(row.finding_count ?? 0),
  };
}

/** One app with grants, assigned users and groups (bounded lists), or null. */
export async function getApp(trx: TenantTransaction, connectionId: string, appId: string, memberLimit = 100) {
  const row = await trx
    .selectFrom('apps as a')
    .selectAll('a')
    .select('a.open_finding_count as finding_count')
    .where('a.connection_id', '=', connectionId)
    .where('a.id', '=', appId)
    .executeTakeFirst();
  if (!row) return null;
  const grants = await trx
    .selectFrom('app_grants')
    .selectAll()
    .where('connection_id', '=', connectionId)
    .where('app_id', '=', appId)
    .orderBy('id')
    .execute();
  const users = await trx
    .selectFrom('app_users as au')
    .leftJoin('users as u', (j) =>
      j
        .onRef('u.tenant_id', '=', 'au.tenant_id')
        .onRef('u.connection_id', '=', 'au.connection_id')
        .onRef('u.id', '=', 'au.user_id'),
    )
    .select(['au.user_id', 'au.scope', 'au.status', 'u.login', 'u.status as user_status'])
    .where('au.connection_id', '=', connectionId)
    .where('au.app_id', '=', appId)
    .orderBy('au.user_id')
    .limit(memberLimit)
    .execute();
  const groups = await trx
    .selectFrom('group_apps as ga')
    .leftJoin('groups as g', (j) =>
      j
        .onRef('g.tenant_id', '=', 'ga.tenant_id')
        .onRef('g.connection_id', '=', 'ga.connection_id')
        .onRef('g.id', '=', 'ga.group_id'),
    )
    .select(['ga.group_id', 'ga.priority', 'g.name'])
    .where('ga.connection_id', '=', connectionId)
    .where('ga.app_id', '=', appId)
    .orderBy('ga.group_id')
    .limit(memberLimit)
    .execute();
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

function userOut(row: UserRow) {
  return {
    connectionId: row.connection_id,
    id: row.id,
    status: row.status,
    login: row.login,
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
  const { rows, nextCursor } = await keysetPage<UserRow & KeysetRow>(trx, {
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
  const summaries = await userSummaries(trx, rows);
  return {
    items: rows.map((row) => ({
      ...userOut(row),
      roles: summaries.get(`${row.connection_id}/${row.id}`)?.roles ?? [],
      appCount: summaries.get(`${row.connection_id}/${row.id}`)?.appCount ?? 0,
    })),
    nextCursor,
  };
}

/**
 * The role labels and the number of assigned apps of one page of users (SPEC U2: users with their
 * roles and apps): two indexed lookups by (tenant, connection, user) for the page, not per row.
 */
async function userSummaries(
  trx: TenantTransaction,
  rows: { connection_id: string; id: string }[],
): Promise<Map<string, { roles: string[]; appCount: number }>> {
  const out = new Map<string, { roles: string[]; appCount: number }>();
  if (rows.length === 0) return out;
  const connections = rows.map((r) => r.connection_id);
  const users = rows.map((r) => r.id);
  const { rows: found } = await sql<{
    connection_id: string;
    user_id: string;
    roles: string[] | null;
    app_count: number;
  }>`
    with page as (select * from unnest(${connections}::uuid[], ${users}::text[]) as p(connection_id, user_id))
    select p.connection_id, p.user_id,
      (select array_agg(distinct r.label order by r.label) from user_roles r
        where r.connection_id = p.connection_id and r.user_id = p.user_id) as roles,
      (select count(*)::int from app_users au
        where au.connection_id = p.connection_id and au.user_id = p.user_id) as app_count
    from page p`.execute(trx);
  for (const f of found)
    out.set(`${f.connection_id}/${f.user_id}`, { roles: f.roles ?? [], appCount: f.app_count });
  return out;
}

/** One user with roles, groups and apps, or null. */
export async function getUser(trx: TenantTransaction, connectionId: string, userId: string) {
  const row = await trx
    .selectFrom('users')
    .selectAll()
    .where('connection_id', '=', connectionId)
    .where('id', '=', userId)
    .executeTakeFirst();
  if (!row) return null;
  const roles = await trx
    .selectFrom('user_roles')
    .selectAll()
    .where('connection_id', '=', connectionId)
    .where('user_id', '=', userId)
    .orderBy('role_id')
    .execute();
  const groups = await trx
    .selectFrom('group_members as gm')
    .leftJoin('groups as g', (j) =>
      j
        .onRef('g.tenant_id', '=', 'gm.tenant_id')
        .onRef('g.connection_id', '=', 'gm.connection_id')
        .onRef('g.id', '=', 'gm.group_id'),
    )
    .select(['gm.group_id', 'g.name'])
    .where('gm.connection_id', '=', connectionId)
    .where('gm.user_id', '=', userId)
    .orderBy('gm.group_id')
    .execute();
  const apps = await trx
    .selectFrom('app_users as au')
    .leftJoin('apps as a', (j) =>
      j
        .onRef('a.tenant_id', '=', 'au.tenant_id')
        .onRef('a.connection_id', '=', 'au.connection_id')
        .onRef('a.id', '=', 'au.app_id'),
    )
    .select(['au.app_id', 'au.scope', 'a.label'])
    .where('au.connection_id', '=', connectionId)
    .where('au.user_id', '=', userId)
    .orderBy('au.app_id')
    .execute();
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
  const { rows, nextCursor } = await keysetPage<
    Selectable<GroupTable> & KeysetRow & { member_count: number }
  >(trx, {
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
      connectionId: g.connection_id,
      id: g.id,
      type: g.type,
      name: g.name,
      description: g.description ?? null,
      lastUpdated: iso(g.last_updated)!,
      memberCount: g.member_count,
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
  const { rows, nextCursor } = await keysetPage<ApiTokenRow & KeysetRow & { finding_count: number }>(trx, {
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
      connectionId: t.connection_id,
      ...toInventoryApiToken(t),
      findingCount: t.finding_count,
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
  const { rows, nextCursor } = await keysetPage<UserRow & KeysetRow & { role_types: string[] | null }>(trx, {
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
    items: rows.map((u) => ({ ...userOut(u), roleTypes: u.role_types ?? [] })),
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
  const { rows, nextCursor } = await keysetPage<FindingRow & KeysetRow>(trx, {
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
      id: f.id,
      connectionId: f.connection_id,
      kind: f.kind,
      severity: f.severity,
      subject: {
        type: f.subject_type,
        id: f.subject_id,
        label: f.subject_label ?? null,
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
  const stored = await countsOf(trx, connectionId);
  const sync = await lastCompletedSync(trx, connectionId);
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
    lastAppliedSync: sync ? { syncId: sync.sync_id, appliedAt: iso(sync.applied_at) } : null,
  };
}
