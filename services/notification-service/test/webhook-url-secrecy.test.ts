import { isSecretUrlRequest } from '@appgov/telemetry';
import { uniqueName } from '@appgov/testing';
import t from 'tap';
import { bearer, startReceiver, startService } from './fixtures/harness.js';

t.test(
  'Slack webhook URLs are secrets but are shown to viewers and can reach trace spans (finding 15)',
  async (t) => {
    const receiver = await startReceiver(t);
    const ts = await startService(t, undefined);
    const app = ts.service.app;
    const tenant = uniqueName('tenant');
    const admin = await bearer(tenant, ['admin'], 'hook-admin', 'hook-admin@customer.example');
    const viewer = await bearer(tenant, ['viewer'], 'hook-viewer', 'hook-viewer@customer.example');
    const secretPath = '/services/T000/B000/XXXXXXXXXXXXsecretpart';
    const created = await app.inject({
      method: 'POST',
      url: '/v1/notifications/webhooks',
      headers: admin,
      payload: { url: receiver.url(secretPath), eventTypes: ['sync.failed'], format: 'slack' },
    });
    t.equal(created.statusCode, 201, created.body);
    const id = created.json().id as string;

    const list = await app.inject({ url: '/v1/notifications/webhooks', headers: viewer });
    t.equal(list.statusCode, 200);
    t.notMatch(list.body, 'secretpart', 'a viewer does not see the URL in the list');
    t.match(list.json().items[0].url, /^http:\/\/127\.0\.0\.1:\d+\/…part$/);
    const one = await app.inject({ url: `/v1/notifications/webhooks/${id}`, headers: viewer });
    t.notMatch(one.body, 'secretpart', 'nor in the webhook');
    const asAdmin = await app.inject({ url: `/v1/notifications/webhooks/${id}`, headers: admin });
    t.match(asAdmin.json().url, secretPath, 'an admin sees it whole');

    t.ok(
      isSecretUrlRequest({ headers: { 'appgov-delivery-id': 'd1' } }),
      'webhook deliveries get no client span',
    );
    t.notOk(isSecretUrlRequest({ headers: { accept: 'application/json' } }), 'other requests keep theirs');
  },
);
