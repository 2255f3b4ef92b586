import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildAsyncApiYaml, buildSchemaFiles } from './schema-documents.js';

/** Where the generated files live, relative to the compiled module (dist/src). */
export const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The JSON Schema folder of the contracts package. */
export const schemasDir = join(packageRoot, 'schemas');
/** The AsyncAPI document in the repository's docs. */
export const asyncApiPath = join(packageRoot, '..', '..', 'docs', 'asyncapi.yaml');

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const files = buildSchemaFiles();
  mkdirSync(schemasDir, { recursive: true });
  // Stale files of renamed or removed types must not linger as if still published.
  for (const name of readdirSync(schemasDir)) if (!(name in files)) rmSync(join(schemasDir, name));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(schemasDir, name), content);
  writeFileSync(asyncApiPath, buildAsyncApiYaml());
  console.log(`wrote ${Object.keys(files).length} schema files to ${schemasDir} and ${asyncApiPath}`);
}
