import { type Kysely, sql } from 'kysely';

/** The Okta data tables an apply asks to refresh statistics of after it wrote a sync's rows. */
export const OKTA_ANALYZED_TABLES = [
  'users',
  'user_roles',
  'app_users',
  'group_apps',
  'app_grants',
  'api_tokens',
  'apps',
] as const;

/** Every table `analyze_catalog_tables` accepts: the Okta tables and the findings. */
const ANALYZED_TABLES = [...OKTA_ANALYZED_TABLES, 'findings'] as const;

/**
 * When `analyze_catalog_tables` analyzes a table: `always` (the first version), or `when-changed`:
 * only a table never analyzed, or one this transaction changed by more rows than autovacuum's
 * default analyze threshold (50 + 10% of the rows the statistics know of). A sync's apply needs fresh
 * statistics only after a load that is large for the table (a first large org into a small catalog:
 * the findings rules otherwise run nested loops); an ANALYZE per apply on tables of millions of rows
 * costs a sample read each time and holds the table's SHARE UPDATE EXCLUSIVE lock to commit, so
 * concurrent applies queued behind one another and autovacuum never got the lock (issue 16's
 * 4-replica run at real windows).
 */
export type AnalyzeRule = 'always' | 'when-changed';

const CONDITION: Record<AnalyzeRule, string> = {
  always: 'true',
  'when-changed': `(select c.reltuples < 0
      or pg_stat_get_xact_tuples_inserted(c.oid) + pg_stat_get_xact_tuples_updated(c.oid)
         + pg_stat_get_xact_tuples_deleted(c.oid) > 50 + 0.1 * c.reltuples
    from pg_class c where c.oid = format('%I', name)::regclass)`,
};

/**
 * Creates (or replaces) `analyze_catalog_tables(names)`: ANALYZE of the catalog tables for a runtime
 * role that does not own them. Postgres lets only a table's owner analyze it and otherwise skips it
 * with a warning, so SECURITY DEFINER runs it as the owner; it accepts only the names above, and only
 * the runtime role may call it (`grantRuntimeAccess` grants EXECUTE on the schema's functions).
 */
export async function createAnalyzeFunction(db: Kysely<any>, rule: AnalyzeRule): Promise<void> {
  const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
  const schema = rows[0]?.schema as string;
  const allowed = ANALYZED_TABLES.map((t) => `'${t}'`).join(', ');
  await sql
    .raw(`create or replace function analyze_catalog_tables(names text[]) returns void
      language plpgsql security definer set search_path = "${schema}", pg_temp as $$
      declare name text;
      begin
        foreach name in array names loop
          if not name = any (array[${allowed}]) then
            raise exception 'not a catalog table: %', name;
          end if;
          if ${CONDITION[rule]} then
            execute format('analyze %I', name);
          end if;
        end loop;
      end $$`)
    .execute(db);
  await sql.raw('revoke all on function analyze_catalog_tables(text[]) from public').execute(db);
}
