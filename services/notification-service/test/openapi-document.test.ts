import { compareOpenApiDocument, contractGaps } from '@appgov/testing';
import t from 'tap';
import { startService } from './fixtures/harness.js';

t.test('the committed OpenAPI document of notification-service is current and complete', async (t) => {
  const ts = await startService(t, undefined);
  const doc = (await ts.service.app.inject({ url: '/docs/json' })).json();
  t.same(contractGaps(doc), [], 'operationId, summary, tags and problem+json errors everywhere');
  const { current, hint } = await compareOpenApiDocument('notification-service', doc);
  t.ok(current, `docs/openapi/notification-service.json is stale; ${hint}`);
});
