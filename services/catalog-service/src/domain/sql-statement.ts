import { CompiledQuery, type Kysely } from 'kysely';
import type { CatalogDatabase } from './tables/catalog.database.js';

/**
 * Runs one statement that kysely's builder cannot express (data-modifying CTEs over
 * `jsonb_to_recordset`, temporary tables, `analyze`, row-value keyset comparisons over a table
 * chosen at run time) as text with positional parameters. `R` is the row it returns; each caller
 * is the repository of the table the statement writes or reads.
 */
export async function runStatement<R>(
  db: Kysely<CatalogDatabase>,
  text: string,
  params: readonly unknown[],
): Promise<R[]> {
  const result = await db.executeQuery<R>(CompiledQuery.raw(text, [...params]));
  return result.rows;
}
