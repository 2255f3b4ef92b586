import {
  CompiledQuery,
  type DatabaseIntrospector,
  Kysely,
  PostgresDialect,
  type PostgresDialectConfig,
  type SchemaMetadata,
  sql,
  type TableMetadata,
} from 'kysely';
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
  /**
   * Longest wait for a pooled connection (and for connecting), in ms; default: wait forever. With
   * it, a saturated pool answers an error the caller maps to 503 instead of queueing without bound.
   */
  acquireTimeoutMs?: number;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
const schemas = new WeakMap<Kysely<unknown>, string>();
const pools = new WeakMap<Kysely<unknown>, pg.Pool>();

/** Throws unless `schema` is a plain lower-case identifier (it is interpolated into SQL). */
export function assertSchemaName(schema: string): void {
  if (!SCHEMA_NAME.test(schema)) throw new Error(`invalid schema name ${JSON.stringify(schema)}`);
}

/**
 * A Kysely instance on a pg pool whose connections use `schema` as their only `search_path`, so
 * unqualified tables live in the service's schema; the schema is created on first connect when it
 * does not exist (by the migration role; a runtime role finds it).
 */
export function createDb<DB>(options: CreateDbOptions): Kysely<DB> {
  assertSchemaName(options.schema);
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.max ?? 10,
    // Set at connection start-up, so even a connection handed out before any query has it.
    options: `-c search_path=${options.schema}`,
    application_name: options.applicationName ?? options.schema,
    ...(options.acquireTimeoutMs ? { connectionTimeoutMillis: options.acquireTimeoutMs } : {}),
  });
  // An idle client losing its server (Postgres restart) emits 'error' on the pool; without a
  // listener that would crash the process. The next checkout reconnects.
  pool.on('error', () => {});
  // pg-pool drops that listener while a client is checked out: a server shutdown between two statements
  // of a transaction then emitted 'error' with no listener and killed the process (chaos bench, Postgres
  // stopped mid-sync). The next statement on that client fails and the pool discards it on release.
  pool.on('connect', (client) => client.on('error', () => {}));
  let created: Promise<void> | undefined;
  const db = new Kysely<DB>({
    dialect: new SchemaScopedPostgresDialect(options.schema, {
      pool,
      onCreateConnection: async (connection) => {
        // Looked up first: CREATE SCHEMA IF NOT EXISTS needs CREATE on the database even when the
        // schema exists, which a runtime role does not have.
        created ??= connection
          .executeQuery(
            CompiledQuery.raw(
              `DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = '${options.schema}') THEN CREATE SCHEMA IF NOT EXISTS "${options.schema}"; END IF; END $$`,
            ),
          )
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
  schemas.set(db as Kysely<unknown>, options.schema);
  pools.set(db as Kysely<unknown>, pool);
  return db;
}

/** The pg pool under a Kysely instance from {@link createDb} (for pool metrics). */
export function poolOf<DB>(db: Kysely<DB>): pg.Pool | undefined {
  return pools.get(db as Kysely<unknown>);
}

/** The schema a Kysely instance from {@link createDb} was created for. */
export function schemaOf<DB>(db: Kysely<DB>): string | undefined {
  return schemas.get(db as Kysely<unknown>);
}

/**
 * Kysely's Postgres introspector reads every table of the database and calls name-resolving
 * functions on them, so it fails ("schema … does not exist") when another service or test drops a
 * schema at the same moment. The migrator only needs to know about its own schema's tables.
 */
class SchemaScopedPostgresDialect extends PostgresDialect {
  readonly #schema: string;
  constructor(schema: string, config: PostgresDialectConfig) {
    super(config);
    this.#schema = schema;
  }
  override createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new SchemaScopedIntrospector(db, this.#schema);
  }
}

/** Lists the tables and views of one schema, without columns (enough for kysely's Migrator). */
class SchemaScopedIntrospector implements DatabaseIntrospector {
  readonly #db: Kysely<unknown>;
  readonly #schema: string;
  constructor(db: Kysely<unknown>, schema: string) {
    this.#db = db;
    this.#schema = schema;
  }
  async getSchemas(): Promise<SchemaMetadata[]> {
    const { rows } = await sql<{ name: string }>`
      select nspname as name from pg_catalog.pg_namespace where nspname = ${this.#schema}`.execute(this.#db);
    return rows;
  }
  async getTables(): Promise<TableMetadata[]> {
    const { rows } = await sql<{ name: string; kind: string }>`
      select c.relname as name, c.relkind as kind
      from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
      where n.nspname = ${this.#schema} and c.relkind in ('r', 'p', 'v', 'm', 'f')`.execute(this.#db);
    return rows.map((r) => ({
      name: r.name,
      schema: this.#schema,
      isView: r.kind === 'v' || r.kind === 'm',
      isForeign: r.kind === 'f',
      columns: [],
    }));
  }
}
