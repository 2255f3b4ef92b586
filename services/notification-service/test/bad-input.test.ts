import { uniqueName } from '@appgov/testing';
import t from 'tap';
import { bearer, startReceiver, startService } from './fixtures/harness.js';

// Regression tests named after the findings of issue 13 (SPEC S1: no input produces a 5xx).
t.test('notification-service bad input', async (t) => {
  const receiver = await startReceiver(t);
  const ts = await startService(t, undefined);
  const app = ts.service.app;
  const admin = await bearer(uniqueName('tenant'), ['admin'], 'bad-admin', 'bad-admin@customer.example');
  const created = await app.inject({
    method: 'POST',
    url: '/v1/notifications/webhooks',
    headers: admin,
    payload: { url: receiver.url('/x'), eventTypes: ['sync.completed'] },
  });
  t.equal(created.statusCode, 201, created.body);
  const id = created.json().id as string;

  await t.test('a malformed cursor answers 500 (finding 12)', async (t) => {
    for (const raw of [
      '2020-01-01T00:00:00.000Z|not-a-uuid',
      '2020-01-01T00:00:00.000Z|a\u0000b',
      'x|y',
      '',
    ]) {
      const cursor = Buffer.from(raw).toString('base64url') || 'AA';
      const res = await app.inject({
        method: 'GET',
        url: `/v1/notifications/webhooks/${id}/deliveries?cursor=${cursor}`,
        headers: admin,
      });
      t.equal(res.statusCode, 400, `${JSON.stringify(raw)}: ${res.body}`);
      t.match(String(res.headers['content-type']), 'application/problem+json');
    }
  });
});
