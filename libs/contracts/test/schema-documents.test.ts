import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { parse } from 'yaml';
import { asyncApiPath, schemasDir } from '../src/generate-schemas.cli.js';
import { buildAsyncApiYaml, buildSchemaFiles, createAjv, EVENT_TYPES } from '../src/index.js';

const regenerate = 'run `pnpm --filter @appgov/contracts run generate` and commit the result';

t.test('generated JSON Schema files match the source', async (t) => {
  const expected = buildSchemaFiles();
  t.same(
    readdirSync(schemasDir).sort(),
    Object.keys(expected).sort(),
    `schema file set is stale: ${regenerate}`,
  );
  for (const [name, content] of Object.entries(expected)) {
    const path = join(schemasDir, name);
    t.ok(existsSync(path), name);
    t.equal(readFileSync(path, 'utf8'), content, `${name} is stale: ${regenerate}`);
  }
});

t.test('every generated schema file compiles on its own', async (t) => {
  const ajv = createAjv();
  for (const [name, content] of Object.entries(buildSchemaFiles())) {
    const { $schema: _ignored, ...schema } = JSON.parse(content);
    t.doesNotThrow(() => ajv.compile(schema), name);
  }
});

t.test('the AsyncAPI document matches the source', async (t) => {
  const yaml = buildAsyncApiYaml();
  t.equal(readFileSync(asyncApiPath, 'utf8'), yaml, `docs/asyncapi.yaml is stale: ${regenerate}`);
  const doc = parse(yaml);
  t.equal(doc.asyncapi, '3.0.0');
  t.equal(doc.channels.appInventoryState.address, 'appgov.app-inventory-state.v1');
  t.same(doc.channels.appInventoryState.bindings.kafka.topicConfiguration['cleanup.policy'], ['compact']);
  t.equal(Object.keys(doc.components.messages).length, EVENT_TYPES.length + 2);
  for (const op of Object.values<any>(doc.operations)) t.equal(op.action, 'send');
});
