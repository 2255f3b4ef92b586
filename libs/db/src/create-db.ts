import { CompiledQuery, Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';

/** Options of {@link createDb}. */
export interface CreateDbOptions {
  connectionString: string;
  /** The service's own Postgres schema; every connection's `search_path` is set to it alone. */
  schema: string;
  /** Pool size (default 10). */
  max?: number;
  /** Reported as `application_name` in pg_stat_activity. */
  applicationName?: string;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
const schemas = new WeakMap<Kysely<any>, string>();

/** Throws unless `schema` is a plain lower-case identifier (it is interpolated into SQL). */
export function assertSchemaName(schema: string): void {
  if (!SCHEMA_NAME.test(schema)) throw new Error(`invalid schema name ${JSON.stringify(schema)}`);
}

/**
 * A Kysely instance on a pg pool whose connections use `schema` as their only `search_path`, so
 * unqualified tables live in the service's schema; the schema is created on first connect.
 */
export function createDb<DB>(options: CreateDbOptions): Kysely<DB> {
  assertSchemaName(options.schema);
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.max ?? 10,
    // Set at connection start-up, so even a connection handed out before any query has it.
    options: `-c search_path=${options.schema}`,
    application_name: options.applicationName ?? options.schema,
  });
  // An idle client losing its server (Postgres restart) emits 'error' on the pool; without a
  // listener that would crash the process. The next checkout reconnects.
  pool.on('error', () => {});
  let created: Promise<void> | undefined;
  const db = new Kysely<DB>({
    dialect: new PostgresDialect({
      pool,
      onCreateConnection: async (connection) => {
        created ??= connection
          .executeQuery(CompiledQuery.raw(`CREATE SCHEMA IF NOT EXISTS "${options.schema}"`))
          .then(
            () => {},
            (error: unknown) => {
              created = undefined;
              // Two pools racing on CREATE SCHEMA IF NOT EXISTS can still hit the unique index.
              if ((error as { code?: string }).code !== '23505') throw error;
            },
          );
        await created;
      },
    }),
  });
  schemas.set(db, options.schema);
  return db;
}

/** The schema a Kysely instance from {@link createDb} was created for. */
export function schemaOf(db: Kysely<any>): string | undefined {
  return schemas.get(db);
}
