import { compareOpenApiDocument, contractGaps } from '@appgov/testing';
import t from 'tap';
import { startHarness } from './fixtures/harness.js';

t.test('the committed OpenAPI document of connection-service is current and complete', async (t) => {
  const h = await startHarness(t);
  const doc = (await h.rt.app.inject({ url: '/docs/json' })).json();
  t.same(contractGaps(doc), [], 'operationId, summary, tags and problem+json errors everywhere');
  const { current, hint } = await compareOpenApiDocument('connection-service', doc);
  t.ok(current, `docs/openapi/connection-service.json is stale; ${hint}`);
});
