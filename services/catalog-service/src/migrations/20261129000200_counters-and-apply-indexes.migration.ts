import { type Kysely, sql } from 'kysely';
import type { Migration } from 'kysely/migration';
import { READER_ROLE } from './20261129000100_catalog-tables.migration.js';

const DATASET_TABLES: Record<string, string> = {
  users: 'users',
  'user-roles': 'user_roles',
  groups: 'groups',
  'group-members': 'group_members',
  'group-apps': 'group_apps',
  apps: 'apps',
  'app-users': 'app_users',
  'app-grants': 'app_grants',
  'api-tokens': 'api_tokens',
};

const exec = (db: Kysely<any>, text: string) => sql.raw(text).execute(db);

/**
 * Faster apply and queries:
 * - the `(connection_id, last_seen_sync)` sweep indexes go: the sweep's `last_seen_sync <> sync`
 *   cannot seek them (it reads the connection's rows through the primary key either way), while every
 *   upsert paid for them (each resync changes `last_seen_sync`, so every row got a new entry);
 * - `apps.open_finding_count`, maintained when findings are recomputed: the apps list's findingCount
 *   and its risk filter read a column instead of probing `findings` per row;
 * - an index on open findings by subject (app detail, token list);
 * - `dataset_counts`: per connection row counts of each dataset (maintained by apply, sweep and purge)
 *   and its open findings, which the connection summary and the snapshot read instead of count(*).
 */
export const countersAndApplyIndexesMigration: Migration = {
  async up(db: Kysely<any>) {
    for (const table of Object.values(DATASET_TABLES))
      await exec(db, `drop index if exists ${table}_sweep_idx`);
    // Room on each page of the big tables so that a resync's update (new last_seen_sync, same indexed
    // values) stays on the page as a HOT update and skips the index writes. Measured on the large
    // preset: no-change resync 33k rows/s at fillfactor 75 (a third of the updates HOT) → 70–76k rows/s
    // at 50; the price is about twice the heap size of these four tables.
    for (const table of ['users', 'groups', 'group_members', 'app_users']) {
      await exec(db, `alter table ${table} set (fillfactor = 50)`);
    }
    await exec(db, 'alter table apps add column open_finding_count integer not null default 0');
    await exec(
      db,
      `create index findings_subject_open_idx on findings (tenant_id, connection_id, subject_type, subject_id)
        where resolved_at is null`,
    );
    await exec(
      db,
      `update apps a set open_finding_count = c.n
         from (select tenant_id, connection_id, subject_id, count(*)::int as n from findings
                where resolved_at is null and subject_type = 'app' group by 1, 2, 3) c
        where a.tenant_id = c.tenant_id and a.connection_id = c.connection_id and a.id = c.subject_id`,
    );
    // Risky apps (open findings) in the list's sort orders.
    await exec(
      db,
      `create index apps_risk_label_idx on apps (tenant_id, lower(label), connection_id, id) where open_finding_count > 0`,
    );
    await exec(
      db,
      `create index apps_risk_user_count_idx on apps (tenant_id, user_count, connection_id, id) where open_finding_count > 0`,
    );
    await exec(
      db,
      `create table dataset_counts (
        tenant_id text not null,
        connection_id uuid not null,
        dataset text not null,
        row_count bigint not null,
        primary key (connection_id, dataset)
      )`,
    );
    for (const [dataset, table] of Object.entries(DATASET_TABLES)) {
      await exec(
        db,
        `insert into dataset_counts (tenant_id, connection_id, dataset, row_count)
         select tenant_id, connection_id, '${dataset}', count(*) from ${table} group by tenant_id, connection_id`,
      );
    }
    await exec(
      db,
      `insert into dataset_counts (tenant_id, connection_id, dataset, row_count)
       select tenant_id, connection_id, 'open-findings', count(*) from findings where resolved_at is null
        group by tenant_id, connection_id`,
    );
    await exec(db, 'alter table dataset_counts enable row level security');
    await exec(db, 'alter table dataset_counts force row level security');
    await exec(
      db,
      `create policy dataset_counts_tenant on dataset_counts
        using (tenant_id = current_setting('app.tenant_id', true))
        with check (tenant_id = current_setting('app.tenant_id', true))`,
    );
    await exec(db, `grant select on dataset_counts to ${READER_ROLE}`);
  },
  async down(db: Kysely<any>) {
    await exec(db, `revoke all on dataset_counts from ${READER_ROLE}`);
    await exec(db, 'drop table dataset_counts');
    await exec(db, 'drop index apps_risk_user_count_idx');
    await exec(db, 'drop index apps_risk_label_idx');
    await exec(db, 'drop index findings_subject_open_idx');
    await exec(db, 'alter table apps drop column open_finding_count');
    for (const table of ['users', 'groups', 'group_members', 'app_users']) {
      await exec(db, `alter table ${table} reset (fillfactor)`);
    }
    for (const table of Object.values(DATASET_TABLES)) {
      await exec(db, `create index ${table}_sweep_idx on ${table} (connection_id, last_seen_sync)`);
    }
  },
};
