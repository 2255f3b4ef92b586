import { type Kysely, sql } from 'kysely';
import type { Migration } from 'kysely/migration';

/** The tables the apply path refreshes statistics of after bulk changes. */
export const ANALYZED_TABLES = [
  'users',
  'user_roles',
  'app_users',
  'group_apps',
  'app_grants',
  'api_tokens',
  'apps',
  'findings',
] as const;

/**
 * `analyze_catalog_tables(names)`: ANALYZE of the catalog tables for a runtime role that does not
 * own them. Postgres lets only a table's owner analyze it and otherwise skips it with a warning, so
 * under the runtime role the planner kept stale statistics after each sync. SECURITY DEFINER runs it
 * as the owner; it accepts only the names above, and only the runtime role may call it
 * (`grantRuntimeAccess` grants EXECUTE on the schema's functions).
 */
export const analyzeFunctionMigration: Migration = {
  async up(db: Kysely<any>) {
    const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
    const schema = rows[0]?.schema as string;
    const allowed = ANALYZED_TABLES.map((t) => `'${t}'`).join(', ');
    await sql
      .raw(`create function analyze_catalog_tables(names text[]) returns void
        language plpgsql security definer set search_path = "${schema}", pg_temp as $$
        declare name text;
        begin
          foreach name in array names loop
            if not name = any (array[${allowed}]) then
              raise exception 'not a catalog table: %', name;
            end if;
            execute format('analyze %I', name);
          end loop;
        end $$`)
      .execute(db);
    await sql.raw('revoke all on function analyze_catalog_tables(text[]) from public').execute(db);
  },
  async down(db: Kysely<any>) {
    await sql.raw('drop function analyze_catalog_tables(text[])').execute(db);
  },
};
