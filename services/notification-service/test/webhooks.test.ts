import { randomUUID } from 'node:crypto';
import { uniqueName, waitFor } from '@appgov/testing';
import t from 'tap';
import { verifySignature } from '../src/domain/webhook-signature.js';
import { bearer, events, startReceiver, startService, startSmtp, waitProcessed } from './fixtures/harness.js';

t.test(
  'N3: signed deliveries, retry on 5xx, no retry on 400, Slack format, log, disable after failures',
  async (t) => {
    const smtp = await startSmtp(t);
    const receiver = await startReceiver(t);
    const ts = await startService(t, smtp, { env: { WEBHOOK_DISABLE_AFTER: '2' } });
    const app = ts.service.app;
    const tenant = uniqueName('tenant');
    const admin = await bearer(tenant, ['admin'], 'hook-admin', 'hook-admin@customer.example');

    const create = async (path: string, body: Record<string, unknown> = {}) => {
      const res = await app.inject({
        method: 'POST',
        url: '/v1/notifications/webhooks',
        headers: admin,
        payload: { url: receiver.url(path), eventTypes: ['sync.completed', 'sync.failed'], ...body },
      });
      t.equal(res.statusCode, 201, 'webhook created');
      return res.json() as { id: string; secret: string };
    };
    const ok = await create('/ok');
    const flaky = await create('/flaky');
    const bad = await create('/bad');
    const slack = await create('/slack', { format: 'slack', eventTypes: ['sync.failed'] });
    t.match(ok.secret, /^whsec_/);
    t.not(slack.secret, ok.secret, 'each webhook has its own secret');
    receiver.script('/flaky', [503, 500]);
    receiver.hold('/flaky', 50);
    receiver.script('/bad', [400, 400]);

    // The secret is shown once: never in reads.
    const list = await app.inject({ method: 'GET', url: '/v1/notifications/webhooks', headers: admin });
    t.equal(list.statusCode, 200);
    t.equal(list.json().items.length, 4);
    t.notMatch(list.body, ok.secret);
    const one = await app.inject({
      method: 'GET',
      url: `/v1/notifications/webhooks/${ok.id}`,
      headers: admin,
    });
    t.notMatch(one.body, ok.secret);

    const connectionId = randomUUID();
    const created = events.created(tenant, connectionId, 'hooks.okta.com', 'owner@customer.example');
    const completed = events.completed(tenant, connectionId);
    await ts.publish([created, completed]);

    await waitFor(() => receiver.requests.filter((r) => r.path === '/flaky').length >= 3, {
      description: 'flaky retried until 200',
    });
    await waitFor(
      () =>
        receiver.requests.some((r) => r.path === '/ok') && receiver.requests.some((r) => r.path === '/bad'),
      {
        description: 'ok and bad delivered',
      },
    );

    // Signature verifies with the tenant's secret over timestamp.body.
    const okReq = receiver.requests.find((r) => r.path === '/ok')!;
    t.ok(
      verifySignature(ok.secret, String(okReq.headers['appgov-signature']), okReq.body),
      'signature verifies',
    );
    t.notOk(
      verifySignature(flaky.secret, String(okReq.headers['appgov-signature']), okReq.body),
      'other secret fails',
    );
    t.equal(JSON.parse(okReq.body).id, completed.id, 'generic body is the CloudEvent');
    t.equal(okReq.headers['appgov-event-id'], completed.id);

    const flakyReqs = receiver.requests.filter((r) => r.path === '/flaky');
    t.same(
      flakyReqs.map((r) => r.status),
      [503, 500, 200],
      '5xx retried, then delivered',
    );
    for (const r of flakyReqs)
      t.ok(verifySignature(flaky.secret, String(r.headers['appgov-signature']), r.body));

    // Log: attempts, status codes, latency.
    const log = await waitFor(async () => {
      const res = await app.inject({
        method: 'GET',
        url: `/v1/notifications/webhooks/${flaky.id}/deliveries`,
        headers: admin,
      });
      const item = res.json().items[0];
      return item?.status === 'delivered' ? res.json() : undefined;
    });
    t.equal(log.items.length, 1, 'one delivery');
    t.equal(log.items[0].attempts, 3);
    t.same(
      log.items[0].attemptLog.map((a: { statusCode: number }) => a.statusCode),
      [503, 500, 200],
    );
    // The receiver held each answer 50 ms: the log's latency measures the whole exchange.
    const latencies = log.items[0].attemptLog.map((a: { latencyMs: number }) => a.latencyMs);
    t.comment(`attempt latencies ${latencies.join(', ')} ms`);
    t.ok(
      latencies.every((ms: number) => Number.isInteger(ms) && ms >= 50),
      'each attempt logs at least the 50 ms the receiver held it',
    );
    const viewerLog = await app.inject({
      method: 'GET',
      url: `/v1/notifications/webhooks/${flaky.id}/deliveries`,
      headers: await bearer(tenant, ['viewer'], 'v'),
    });
    t.equal(viewerLog.statusCode, 403, 'the log is for admins');
    const otherTenant = await app.inject({
      method: 'GET',
      url: `/v1/notifications/webhooks/${flaky.id}/deliveries`,
      headers: await bearer(uniqueName('other'), ['admin']),
    });
    t.equal(otherTenant.statusCode, 404, 'another tenant sees nothing');

    // 400: not retried. The delivery is marked failed once the answer is in (wait for it, not a
    // sleep); failed is final, so one request is all there will be.
    const badLog = await waitFor(async () => {
      const res = await app.inject({
        method: 'GET',
        url: `/v1/notifications/webhooks/${bad.id}/deliveries`,
        headers: admin,
      });
      return res.json().items[0]?.status === 'failed' ? res.json() : undefined;
    });
    t.equal(badLog.items[0].status, 'failed');
    t.equal(badLog.items[0].lastStatusCode, 400);
    t.equal(receiver.requests.filter((r) => r.path === '/bad').length, 1, '400 not retried');

    // Slack format, and a second failure of /bad disables it and emails its creator.
    const failed = events.failed(tenant, connectionId);
    await ts.publish([failed]);
    await waitFor(() => receiver.requests.some((r) => r.path === '/slack'), {
      description: 'slack delivery',
    });
    const slackBody = JSON.parse(receiver.requests.find((r) => r.path === '/slack')!.body);
    t.match(slackBody.text, 'hooks.okta.com');
    t.equal(slackBody.blocks[0].type, 'section');
    await waitFor(
      async () => {
        const res = await app.inject({
          method: 'GET',
          url: `/v1/notifications/webhooks/${bad.id}`,
          headers: admin,
        });
        return res.json().enabled === false;
      },
      { description: 'bad webhook disabled' },
    );
    await waitFor(() => smtp.mails.some((m) => m.to.includes('hook-admin@customer.example')), {
      description: 'disable email',
    });
    t.match(smtp.mails.find((m) => m.to.includes('hook-admin@customer.example'))!.subject, 'was disabled');

    // Redelivery of the same events queues no second delivery.
    await ts.publish([completed, failed]);
    const marker = events.completed(tenant, connectionId);
    await ts.publish([marker]);
    await waitProcessed(ts, [marker.id]);
    await waitFor(() => receiver.requests.filter((r) => r.path === '/ok').length >= 3, {
      description: 'marker delivered',
    });
    const okIds = receiver.requests.filter((r) => r.path === '/ok').map((r) => r.headers['appgov-event-id']);
    t.equal(new Set(okIds).size, okIds.length, 'no event delivered twice');

    t.notMatch(ts.logs.join(''), ok.secret, 'webhook secret never logged');
    t.notMatch(ts.logs.join(''), flaky.secret);
    const metrics = await ts.service.registry.metrics();
    t.match(metrics, /appgov_notifications_sent_total\{[^}]*channel="webhook"[^}]*\} \d+/);
    t.match(
      metrics,
      /appgov_webhook_delivery_duration_seconds_count\{[^}]*outcome="delivered"[^}]*\} [1-9]/,
      'webhook delivery latency measured',
    );
  },
);

t.test('N3: private-range and insecure targets are refused by validation', async (t) => {
  const ts = await startService(t, undefined, { env: { WEBHOOK_ALLOW_PRIVATE_TARGETS: 'false' } });
  const admin = await bearer(uniqueName('tenant'), ['admin']);
  const cases: [string, string][] = [
    ['https://127.0.0.1/hook', 'NOTIFICATION_WEBHOOK_TARGET_FORBIDDEN'],
    ['https://10.1.2.3/hook', 'NOTIFICATION_WEBHOOK_TARGET_FORBIDDEN'],
    ['https://192.168.1.10/hook', 'NOTIFICATION_WEBHOOK_TARGET_FORBIDDEN'],
    ['https://172.20.0.1/hook', 'NOTIFICATION_WEBHOOK_TARGET_FORBIDDEN'],
    ['https://169.254.169.254/latest/meta-data', 'NOTIFICATION_WEBHOOK_TARGET_FORBIDDEN'],
    ['https://[::1]/hook', 'NOTIFICATION_WEBHOOK_TARGET_FORBIDDEN'],
    ['https://[fd00::1]/hook', 'NOTIFICATION_WEBHOOK_TARGET_FORBIDDEN'],
    ['https://[fe80::1]/hook', 'NOTIFICATION_WEBHOOK_TARGET_FORBIDDEN'],
    ['https://[::ffff:10.0.0.1]/hook', 'NOTIFICATION_WEBHOOK_TARGET_FORBIDDEN'],
    ['https://localhost/hook', 'NOTIFICATION_WEBHOOK_TARGET_FORBIDDEN'],
    ['http://hooks.example.com/hook', 'NOTIFICATION_WEBHOOK_URL_INSECURE'],
    ['ftp://hooks.example.com/hook', 'NOTIFICATION_WEBHOOK_URL_INSECURE'],
    ['not a url', 'NOTIFICATION_WEBHOOK_URL_INVALID'],
    ['https://user:pw@hooks.example.com/hook', 'NOTIFICATION_WEBHOOK_URL_INVALID'],
  ];
  for (const [url, code] of cases) {
    const res = await ts.service.app.inject({
      method: 'POST',
      url: '/v1/notifications/webhooks',
      headers: admin,
      payload: { url, eventTypes: ['*'] },
    });
    t.equal(res.statusCode, 400, url);
    t.equal(res.json().code, code, url);
    t.match(res.headers['content-type'], 'application/problem+json');
  }
  const badType = await ts.service.app.inject({
    method: 'POST',
    url: '/v1/notifications/webhooks',
    headers: admin,
    payload: { url: 'https://8.8.8.8/hook', eventTypes: ['no.such.event'] },
  });
  t.equal(badType.statusCode, 400);
  t.equal(badType.json().code, 'VALIDATION_FAILED');
  const publicIp = await ts.service.app.inject({
    method: 'POST',
    url: '/v1/notifications/webhooks',
    headers: admin,
    payload: { url: 'https://8.8.8.8/hook', eventTypes: ['finding.opened'] },
  });
  t.equal(publicIp.statusCode, 201, 'a public address is accepted');
});

t.test('N3: at send time a target resolving to an internal address is refused and not retried', async (t) => {
  const receiver = await startReceiver(t);
  const ts = await startService(t, undefined, { env: { WEBHOOK_ALLOW_PRIVATE_TARGETS: 'false' } });
  const tenant = uniqueName('tenant');
  const port = new URL(receiver.url('/')).port;
  // Rows as if the URL had passed validation and DNS changed since (rebinding).
  const hooks = await ts.service.db
    .insertInto('webhooks')
    .values(
      [`https://localhost:${port}/a`, `https://127.0.0.1:${port}/b`].map((url) => ({
        tenant_id: tenant,
        url,
        description: null,
        event_types: ['*'],
        format: 'generic' as const,
        secret: 'whsec_test',
        disabled_reason: null,
        created_by_sub: 'x',
        created_by_email: null,
      })),
    )
    .returning('id')
    .execute();
  const completed = events.completed(tenant, randomUUID());
  await ts.publish([completed]);
  const rows = await waitFor(async () => {
    const r = await ts.service.db
      .selectFrom('webhook_deliveries')
      .selectAll()
      .where('tenant_id', '=', tenant)
      .execute();
    return r.length === 2 && r.every((d) => d.status === 'failed') ? r : undefined;
  });
  for (const row of rows) {
    t.equal(row.attempts, 1, 'not retried');
    t.match(row.last_error, /forbidden/);
  }
  t.equal(hooks.length, 2);
  t.equal(receiver.requests.length, 0, 'nothing reached the internal receiver');
});
