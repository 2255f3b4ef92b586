import { createDb } from '@appgov/db';
import { createLogger, createMetricsRegistry } from '@appgov/telemetry';
import { compareOpenApiDocument, contractGaps, DEV_JWT_SECRET, testEnv } from '@appgov/testing';
import t from 'tap';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';

t.test('the committed OpenAPI document of ingest-service is current and complete', async (t) => {
  // The document needs no dependency: the pool never connects.
  const db = createDb<any>({ connectionString: testEnv().DATABASE_URL, schema: 'ingest_doc' });
  t.teardown(() => db.destroy());
  const app = await buildApp({
    config: loadConfig({ JWT_HS256_SECRET: DEV_JWT_SECRET, DATABASE_URL: testEnv().DATABASE_URL }),
    db,
    logger: createLogger({ name: 'ingest-doc', level: 'silent' }),
    registry: createMetricsRegistry('ingest-doc'),
  });
  t.teardown(() => app.close());
  const doc = (await app.inject({ url: '/docs/json' })).json();
  t.same(contractGaps(doc), [], 'operationId, summary, tags and problem+json errors everywhere');
  const { current, hint } = await compareOpenApiDocument('ingest-service', doc);
  t.ok(current, `docs/openapi/ingest-service.json is stale; ${hint}`);
});
