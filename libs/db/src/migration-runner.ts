import type { Kysely } from 'kysely';
import { type Migration, type MigrationResult, Migrator, NO_MIGRATIONS } from 'kysely/migration';
import { assertSchemaName, createDb } from './create-db.js';
import { grantRuntimeAccess } from './runtime-role.js';

export type { Migration } from 'kysely/migration';

/** Migrations by name; names are timestamp-prefixed and run in name order. */
export type MigrationRecord = Record<string, Migration>;

/** Raised when a migration fails; `results` says which ran. */
export class MigrationError extends Error {
  constructor(
    message: string,
    readonly results: MigrationResult[],
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'MigrationError';
  }
}

function migrator<DB>(db: Kysely<DB>, migrations: MigrationRecord, schema: string): Migrator {
  assertSchemaName(schema);
  return new Migrator({
    db,
    // In-code record rather than a folder scan, so compiled dist needs no file layout.
    provider: { getMigrations: async () => migrations },
    migrationTableSchema: schema,
    migrationTableName: 'kysely_migration',
    migrationLockTableName: 'kysely_migration_lock',
  });
}

async function check(
  run: Promise<{ error?: unknown; results?: MigrationResult[] }>,
  what: string,
): Promise<MigrationResult[]> {
  const { error, results = [] } = await run;
  if (error) {
    const failed = results.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new MigrationError(
      `${what} failed at ${failed}: ${String((error as Error).message ?? error)}`,
      results,
      {
        cause: error,
      },
    );
  }
  return results;
}

/** Applies every pending migration in `schema` (its own migration table); throws on the first failure. */
export function migrateToLatest<DB>(
  db: Kysely<DB>,
  migrations: MigrationRecord,
  schema: string,
): Promise<MigrationResult[]> {
  return check(migrator(db, migrations, schema).migrateToLatest(), 'migration');
}

/** Reverts the latest migration, or all of them with `{ all: true }`. */
export function migrateDown<DB>(
  db: Kysely<DB>,
  migrations: MigrationRecord,
  schema: string,
  options: { all?: boolean } = {},
): Promise<MigrationResult[]> {
  const m = migrator(db, migrations, schema);
  return check(options.all ? m.migrateTo(NO_MIGRATIONS) : m.migrateDown(), 'rollback');
}

/**
 * The body of every service's `migrate.js` (the Helm hook Job): opens one connection to the
 * service's schema as the migration role, applies pending migrations, grants the runtime role its
 * row access (when named), reports, and sets a non-zero exit code on failure.
 */
export async function runMigrationsAndExit(options: {
  connectionString: string;
  schema: string;
  migrations: Record<string, Migration>;
  log: (line: Record<string, unknown>) => void;
  /** The role services run as (DATABASE_RUNTIME_ROLE); none: one role does both (development). */
  runtimeRole?: string | undefined;
  /** Roles the runtime role must be able to SET ROLE to. */
  runtimeMemberOf?: readonly string[];
}): Promise<void> {
  const db = createDb<unknown>({
    connectionString: options.connectionString,
    schema: options.schema,
    max: 1,
  });
  try {
    const results = await migrateToLatest(db, options.migrations, options.schema);
    if (options.runtimeRole) {
      await grantRuntimeAccess(db, options.schema, options.runtimeRole, {
        memberOf: options.runtimeMemberOf ?? [],
      });
    }
    options.log({
      msg: 'migrations applied',
      schema: options.schema,
      applied: results.map((r) => r.migrationName),
      ...(options.runtimeRole ? { runtimeRole: options.runtimeRole } : {}),
    });
  } catch (error) {
    options.log({
      msg: 'migration failed',
      schema: options.schema,
      error: error instanceof Error ? error.message : String(error),
    });
    process.exitCode = 1;
  } finally {
    await db.destroy();
  }
}
