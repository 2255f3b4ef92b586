import { compareOpenApiDocument, contractGaps } from '@appgov/testing';
import t from 'tap';
import { startOfflineCatalog } from '../fixtures/offline-catalog.js';

t.test('the committed OpenAPI document of catalog-service is current and complete', async (t) => {
  const { service } = await startOfflineCatalog(t, 'catalog_doc');
  const doc = (await service.app.inject({ url: '/docs/json' })).json();
  t.same(contractGaps(doc), [], 'operationId, summary, tags and problem+json errors everywhere');
  const { current, hint } = await compareOpenApiDocument('catalog-service', doc);
  t.ok(current, `docs/openapi/catalog-service.json is stale; ${hint}`);
});
