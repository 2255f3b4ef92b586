import { type Kysely, sql } from 'kysely';
import { assertSchemaName } from './create-db.js';

const ROLE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** Throws unless `role` is a plain lower-case identifier (it is interpolated into SQL). */
export function assertRoleName(role: string): void {
  if (!ROLE_NAME.test(role)) throw new Error(`invalid role name ${JSON.stringify(role)}`);
}

/**
 * Gives the runtime role what a running service needs in `schema` and nothing more: USAGE on the
 * schema, row access on its tables and sequences (not TRUNCATE, REFERENCES or TRIGGER), and the same
 * on every table the migration role creates later (default privileges). No ownership, no DDL: the
 * migration role, which runs this after migrating, keeps both. The migration bookkeeping tables stay
 * the migration role's alone. `memberOf`: roles the service switches to (e.g. `catalog_reader`).
 */
export async function grantRuntimeAccess(
  db: Kysely<any>,
  schema: string,
  role: string,
  options: { memberOf?: readonly string[] } = {},
): Promise<void> {
  assertSchemaName(schema);
  assertRoleName(role);
  const statements = [
    `grant usage on schema "${schema}" to "${role}"`,
    `grant select, insert, update, delete on all tables in schema "${schema}" to "${role}"`,
    `grant usage, select, update on all sequences in schema "${schema}" to "${role}"`,
    // e.g. SECURITY DEFINER helpers a migration made for what only the owner may do.
    `grant execute on all functions in schema "${schema}" to "${role}"`,
    `alter default privileges in schema "${schema}" grant select, insert, update, delete on tables to "${role}"`,
    `alter default privileges in schema "${schema}" grant usage, select, update on sequences to "${role}"`,
    `revoke all on "${schema}".kysely_migration, "${schema}".kysely_migration_lock from "${role}"`,
  ];
  for (const member of options.memberOf ?? []) {
    assertRoleName(member);
    statements.push(`grant "${member}" to "${role}"`);
  }
  for (const statement of statements) await sql.raw(statement).execute(db);
}
