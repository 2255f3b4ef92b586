import { type Kysely, sql } from 'kysely';
import type { Migration } from 'kysely/migration';

/** The NOLOGIN role queries run as (`SET LOCAL ROLE`), so row-level security applies even to a superuser login. */
export const READER_ROLE = 'catalog_reader';

// Columns every dataset row carries (SPEC K1).
const common = `
  tenant_id text not null,
  connection_id uuid not null,
  first_seen_sync uuid not null,
  last_seen_sync uuid not null`;

// Okta data tables, in the order of the datasets; their primary keys start with (tenant, connection).
const TABLES: Record<string, string> = {
  users: `${common},
  id text not null,
  status text not null,
  login text not null,
  email text,
  first_name text,
  last_name text,
  created timestamptz not null,
  activated timestamptz,
  status_changed timestamptz,
  last_login timestamptz,
  last_updated timestamptz not null,
  password_changed timestamptz,
  type_id text,
  primary key (tenant_id, connection_id, id)`,
  user_roles: `${common},
  user_id text not null,
  role_id text not null,
  type text not null,
  label text not null,
  status text,
  assignment_type text not null,
  primary key (tenant_id, connection_id, user_id, role_id)`,
  groups: `${common},
  id text not null,
  type text not null,
  name text not null,
  description text,
  last_updated timestamptz not null,
  last_membership_updated timestamptz,
  primary key (tenant_id, connection_id, id)`,
  group_members: `${common},
  group_id text not null,
  user_id text not null,
  primary key (tenant_id, connection_id, group_id, user_id)`,
  group_apps: `${common},
  group_id text not null,
  app_id text not null,
  priority integer,
  primary key (tenant_id, connection_id, app_id, group_id)`,
  apps: `${common},
  id text not null,
  name text not null,
  label text not null,
  status text not null,
  sign_on_mode text,
  created timestamptz not null,
  last_updated timestamptz not null,
  features jsonb not null default '[]',
  credentials jsonb,
  settings jsonb,
  user_count integer not null default 0,
  group_count integer not null default 0,
  primary key (tenant_id, connection_id, id)`,
  app_users: `${common},
  app_id text not null,
  user_id text not null,
  scope text not null,
  status text,
  user_name text,
  last_updated timestamptz,
  primary key (tenant_id, connection_id, app_id, user_id)`,
  app_grants: `${common},
  app_id text not null,
  id text not null,
  status text not null,
  issuer text not null,
  client_id text,
  scope_id text not null,
  source text not null,
  user_id text,
  created timestamptz not null,
  created_by jsonb,
  primary key (tenant_id, connection_id, app_id, id)`,
  api_tokens: `${common},
  id text not null,
  name text not null,
  user_id text not null,
  client_name text,
  created timestamptz not null,
  expires_at timestamptz,
  last_updated timestamptz,
  token_window text,
  network_connection text,
  primary key (tenant_id, connection_id, id)`,
  findings: `
  id uuid primary key,
  tenant_id text not null,
  connection_id uuid not null,
  kind text not null,
  severity text not null,
  subject_type text not null,
  subject_id text not null,
  subject_label text,
  details jsonb not null default '{}',
  first_seen timestamptz not null,
  last_seen_sync uuid,
  resolved_at timestamptz`,
};

const INDEXES = [
  // Sweeps: rows of one connection not seen by a sync.
  ...[
    'users',
    'user_roles',
    'groups',
    'group_members',
    'group_apps',
    'apps',
    'app_users',
    'app_grants',
    'api_tokens',
  ].map((t) => `create index ${t}_sweep_idx on ${t} (connection_id, last_seen_sync)`),
  // Query API sort orders (keyset: sort key, connection, id).
  'create index apps_label_idx on apps (tenant_id, lower(label), connection_id, id)',
  'create index apps_last_updated_idx on apps (tenant_id, last_updated, connection_id, id)',
  'create index apps_user_count_idx on apps (tenant_id, user_count, connection_id, id)',
  'create index users_login_idx on users (tenant_id, lower(login), connection_id, id)',
  'create index groups_name_idx on groups (tenant_id, lower(name), connection_id, id)',
  'create index api_tokens_name_idx on api_tokens (tenant_id, lower(name), connection_id, id)',
  'create index user_roles_type_idx on user_roles (tenant_id, connection_id, type)',
  'create index group_members_user_idx on group_members (tenant_id, connection_id, user_id)',
  'create index app_users_user_idx on app_users (tenant_id, connection_id, user_id)',
  'create index findings_open_idx on findings (tenant_id, connection_id, kind, subject_type, subject_id) where resolved_at is null',
  'create unique index findings_open_unique on findings (connection_id, kind, subject_type, subject_id) where resolved_at is null',
];

/**
 * Catalog tables with row-level security. Why RLS and not only a repository that demands a tenant:
 * a forgotten `where tenant_id = ...` in any new query would leak across tenants, whereas a policy
 * is enforced by Postgres for every statement. The local `appgov` login is a superuser, and
 * superusers bypass RLS even with FORCE, so the query path runs `SET LOCAL ROLE catalog_reader`
 * (NOLOGIN, SELECT only) plus `set_config('app.tenant_id', ..., true)` in each transaction; FORCE is
 * set as well so that a non-superuser owner (production) is held to the policy too.
 */
export const catalogTablesMigration: Migration = {
  async up(db: Kysely<any>) {
    for (const [table, columns] of Object.entries(TABLES)) {
      await sql.raw(`create table ${table} (${columns})`).execute(db);
    }
    await sql
      .raw(`create table sync_progress (
        tenant_id text not null,
        connection_id uuid not null,
        sync_id uuid primary key,
        state text not null default 'running',
        started_at timestamptz not null default now(),
        ended_at timestamptz,
        datasets jsonb not null default '{}',
        applied_at timestamptz
      )`)
      .execute(db);
    await sql
      .raw('create index sync_progress_connection_idx on sync_progress (connection_id, started_at)')
      .execute(db);
    // The idempotency ledger of applied batches.
    await sql
      .raw(`create table applied_batches (
        sync_id uuid not null,
        dataset text not null,
        seq integer not null,
        record_count integer not null,
        applied_at timestamptz not null default now(),
        primary key (sync_id, dataset, seq)
      )`)
      .execute(db);
    await sql
      .raw(`create table connection_state (
        connection_id uuid primary key,
        tenant_id text not null,
        current_sync uuid,
        deleted_at timestamptz
      )`)
      .execute(db);
    // Assignment and grant changes collected while a sync applies, turned into events when it ends.
    await sql
      .raw(`create table pending_changes (
        sync_id uuid not null,
        connection_id uuid not null,
        app_id text not null,
        kind text not null,
        member_id text not null,
        change text not null,
        primary key (sync_id, app_id, kind, member_id, change)
      )`)
      .execute(db);
    for (const ddl of INDEXES) await sql.raw(ddl).execute(db);

    await sql
      .raw(`do $$ begin
        -- Looked up first: a migration role without CREATEROLE finds the role its platform team made.
        if not exists (select from pg_roles where rolname = '${READER_ROLE}') then
          create role ${READER_ROLE} nologin;
        end if;
      exception when duplicate_object or unique_violation then null; end $$`)
      .execute(db);
    // The service's login must be allowed to SET ROLE to the reader (a superuser always is).
    await sql
      .raw(`do $$ begin
        execute format('grant ${READER_ROLE} to %I', current_user);
      exception when others then null; end $$`)
      .execute(db);
    await sql
      .raw(`grant usage on schema ${'"'}${await currentSchema(db)}${'"'} to ${READER_ROLE}`)
      .execute(db);
    for (const table of [...Object.keys(TABLES), 'sync_progress']) {
      await sql.raw(`alter table ${table} enable row level security`).execute(db);
      await sql.raw(`alter table ${table} force row level security`).execute(db);
      await sql
        .raw(`create policy ${table}_tenant on ${table}
          using (tenant_id = current_setting('app.tenant_id', true))
          with check (tenant_id = current_setting('app.tenant_id', true))`)
        .execute(db);
      await sql.raw(`grant select on ${table} to ${READER_ROLE}`).execute(db);
    }
  },
  async down(db: Kysely<any>) {
    const schema = await currentSchema(db);
    for (const table of [...Object.keys(TABLES), 'sync_progress']) {
      await sql.raw(`revoke all on ${table} from ${READER_ROLE}`).execute(db);
    }
    await sql.raw(`revoke usage on schema "${schema}" from ${READER_ROLE}`).execute(db);
    for (const table of [
      'pending_changes',
      'connection_state',
      'applied_batches',
      'sync_progress',
      ...Object.keys(TABLES),
    ]) {
      await sql.raw(`drop table ${table}`).execute(db);
    }
    // The role is cluster-wide and shared by every catalog schema; it stays.
  },
};

async function currentSchema(db: Kysely<any>): Promise<string> {
  const { rows } = await sql<{ s: string }>`select current_schema() as s`.execute(db);
  return rows[0]!.s;
}
