import { randomUUID } from 'node:crypto';
import { uniqueName } from '@appgov/testing';
import t from 'tap';
import { bearer, startService } from './fixtures/harness.js';

t.test('health, readiness, metrics, OpenAPI, and the CRUD API', async (t) => {
  const ts = await startService(t, undefined);
  const app = ts.service.app;
  t.equal((await app.inject({ url: '/healthz' })).statusCode, 200);
  const ready = await app.inject({ url: '/readyz' });
  t.equal(ready.statusCode, 200, ready.body);
  t.same(ready.json().checks, { postgres: 'ok', redis: 'ok', kafka: 'ok', topics: 'ok', started: 'ok' });
  const docs = await app.inject({ url: '/docs/json' });
  t.equal(docs.statusCode, 200);
  for (const path of [
    '/v1/notifications/recipients',
    '/v1/notifications/settings',
    '/v1/notifications/webhooks',
    '/v1/notifications/webhooks/{id}/deliveries',
  ]) {
    t.ok(docs.json().paths[path], path);
  }
  t.match((await app.inject({ url: '/metrics' })).body, 'appgov_notifications_sent_total');

  const tenant = uniqueName('tenant');
  const admin = await bearer(tenant, ['admin']);
  const viewer = await bearer(tenant, ['viewer'], 'viewer');
  t.equal((await app.inject({ url: '/v1/notifications/recipients' })).statusCode, 401);
  const bad = await app.inject({
    method: 'POST',
    url: '/v1/notifications/recipients',
    headers: admin,
    payload: { email: 'not-an-email' },
  });
  t.equal(bad.statusCode, 400);
  t.equal(bad.json().code, 'VALIDATION_FAILED');
  const r = await app.inject({
    method: 'POST',
    url: '/v1/notifications/recipients',
    headers: admin,
    payload: { email: 'ops@customer.example' },
  });
  const list = await app.inject({ url: '/v1/notifications/recipients', headers: viewer });
  t.same(
    list.json().items.map((i: { email: string }) => i.email),
    ['ops@customer.example'],
  );
  const other = await app.inject({
    url: '/v1/notifications/recipients',
    headers: await bearer(uniqueName('other'), ['admin']),
  });
  t.same(other.json().items, [], 'tenant-scoped');
  t.equal(
    (
      await app.inject({
        method: 'DELETE',
        url: `/v1/notifications/recipients/${r.json().id}`,
        headers: await bearer(uniqueName('other'), ['admin']),
      })
    ).statusCode,
    404,
    'another tenant cannot delete',
  );
  t.equal(
    (
      await app.inject({
        method: 'DELETE',
        url: `/v1/notifications/recipients/${r.json().id}`,
        headers: admin,
      })
    ).statusCode,
    204,
  );
  t.equal(
    (
      await app.inject({
        method: 'DELETE',
        url: `/v1/notifications/recipients/${randomUUID()}`,
        headers: admin,
      })
    ).statusCode,
    404,
  );

  const settings = await app.inject({ url: '/v1/notifications/settings', headers: viewer });
  t.same(settings.json(), {
    productName: 'Appgov',
    links: { app: 'http://localhost:3000', support: 'https://appgov.dev/support' },
  });

  const hook = await app.inject({
    method: 'POST',
    url: '/v1/notifications/webhooks',
    headers: admin,
    payload: { url: 'http://127.0.0.1:9/hook', eventTypes: ['*'], description: 'SIEM' },
  });
  t.equal(hook.statusCode, 201);
  const id = hook.json().id;
  t.equal(
    (
      await app.inject({
        method: 'POST',
        url: '/v1/notifications/webhooks',
        headers: viewer,
        payload: { url: 'http://127.0.0.1:9/x', eventTypes: ['*'] },
      })
    ).statusCode,
    403,
  );
  const patched = await app.inject({
    method: 'PATCH',
    url: `/v1/notifications/webhooks/${id}`,
    headers: admin,
    payload: { enabled: false, format: 'slack' },
  });
  t.equal(patched.statusCode, 200);
  t.equal(patched.json().enabled, false);
  t.equal(patched.json().format, 'slack');
  t.notMatch(patched.body, hook.json().secret);
  const cursor = await app.inject({
    url: `/v1/notifications/webhooks/${id}/deliveries?cursor=@@@`,
    headers: admin,
  });
  t.equal(cursor.statusCode, 400);
  t.equal(cursor.json().code, 'NOTIFICATION_CURSOR_INVALID');
  t.equal(
    (await app.inject({ method: 'DELETE', url: `/v1/notifications/webhooks/${id}`, headers: admin }))
      .statusCode,
    204,
  );
  t.equal((await app.inject({ url: `/v1/notifications/webhooks/${id}`, headers: admin })).statusCode, 404);
});
