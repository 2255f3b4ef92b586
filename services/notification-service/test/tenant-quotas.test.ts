import { uniqueName } from '@appgov/testing';
import t from 'tap';
import { DEFAULT_TENANT_QUOTAS } from '../src/domain/tenant-quotas.js';
import { bearer, startReceiver, startService } from './fixtures/harness.js';

t.test('no per-tenant quotas on webhooks or recipients (findings 11 and 5)', async (t) => {
  const receiver = await startReceiver(t);
  const ts = await startService(t, undefined);
  const app = ts.service.app;
  const admin = await bearer(uniqueName('tenant'), ['admin'], 'q-admin', 'q-admin@customer.example');
  const other = await bearer(uniqueName('tenant'), ['admin'], 'o-admin', 'o-admin@customer.example');
  const hook = (headers: Record<string, string>, i: number) =>
    app.inject({
      method: 'POST',
      url: '/v1/notifications/webhooks',
      headers,
      payload: { url: receiver.url(`/h${i}`), eventTypes: ['sync.completed'] },
    });
  const statuses = await Promise.all(
    Array.from({ length: DEFAULT_TENANT_QUOTAS.webhooks + 5 }, (_, i) =>
      hook(admin, i).then((r) => r.statusCode),
    ),
  );
  t.equal(
    statuses.filter((s) => s === 201).length,
    DEFAULT_TENANT_QUOTAS.webhooks,
    'exactly the quota, even concurrently',
  );
  const over = await hook(admin, 999);
  t.equal(over.statusCode, 409);
  t.equal(over.json().code, 'NOTIFICATION_WEBHOOKS_QUOTA_EXCEEDED');
  t.equal((await hook(other, 1)).statusCode, 201, "another tenant's quota is its own");

  const recipient = (i: number) =>
    app.inject({
      method: 'POST',
      url: '/v1/notifications/recipients',
      headers: admin,
      payload: { email: `r${i}@customer.example` },
    });
  for (let i = 0; i < DEFAULT_TENANT_QUOTAS.recipients; i++) t.equal((await recipient(i)).statusCode, 201);
  const tooMany = await recipient(1000);
  t.equal(tooMany.statusCode, 409);
  t.equal(tooMany.json().code, 'NOTIFICATION_RECIPIENTS_QUOTA_EXCEEDED');
});
