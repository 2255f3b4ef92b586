// Delivery failure paths, as the admin (deliveries log, emails) and the operator (metrics, logs) see
// them: a permanent SMTP rejection, webhook retries running out, 429 with Retry-After, and a
// receiver that is not there.
import { randomUUID } from 'node:crypto';
import { freePort, uniqueName, waitFor } from '@appgov/testing';
import t from 'tap';
import { bearer, events, startReceiver, startService, startSmtp, waitProcessed } from './fixtures/harness.js';

const failedCount = async (registry: { metrics(): Promise<string> }, channel: string) => {
  const line = (await registry.metrics())
    .split('\n')
    .find((l) => l.startsWith('appgov_notifications_failed_total{') && l.includes(`channel="${channel}"`));
  return Number(line?.split(' ').at(-1) ?? 0);
};

t.test(
  'a permanent SMTP rejection ends the email as failed, once, and the next email still goes',
  async (t) => {
    const smtp = await startSmtp(t);
    const ts = await startService(t, smtp);
    const tenant = uniqueName('tenant');
    smtp.rejected.add('gone@customer.example');
    const bad = randomUUID();
    const good = randomUUID();
    const evs = [
      events.created(tenant, bad, 'rejected-mailbox.okta.com', 'gone@customer.example'),
      events.applied(tenant, bad),
      events.created(tenant, good, 'fine-mailbox.okta.com', 'here@customer.example'),
      events.applied(tenant, good),
    ];
    await ts.publish(evs);
    await waitProcessed(
      ts,
      evs.map((e) => e.id),
    );
    const rows = await waitFor(
      async () => {
        const r = await ts.service.db.selectFrom('email_queue').selectAll().orderBy('created_at').execute();
        return r.length === 2 && r.every((x) => x.status !== 'pending') ? r : undefined;
      },
      { description: 'both emails settled' },
    );
    const rejected = rows.find((r) => r.to_address.includes('gone@'));
    t.equal(rejected?.status, 'failed', 'the rejected email is failed, not retried forever');
    t.equal(rejected?.attempts, 1, 'one attempt: a 5xx at RCPT TO is permanent');
    t.match(
      rejected?.last_error,
      /550.*Recipient address rejected/,
      'the server reply is kept for the operator',
    );
    t.equal(rows.find((r) => r !== rejected)?.status, 'sent', 'the next email is sent');
    t.same(
      smtp.mails.map((m) => m.to),
      [['here@customer.example']],
      'only the accepted mailbox got mail',
    );
    t.equal(
      await failedCount(ts.service.registry, 'email'),
      1,
      'appgov_notifications_failed_total{channel="email"} 1',
    );
    t.match(ts.logs.join(''), 'email rejected permanently');
  },
);

t.test('webhook failure paths: retries run out, 429 with Retry-After, receiver unreachable', async (t) => {
  const smtp = await startSmtp(t);
  const receiver = await startReceiver(t);
  const ts = await startService(t, smtp, { env: { WEBHOOK_MAX_ATTEMPTS: '3', WEBHOOK_DISABLE_AFTER: '5' } });
  const app = ts.service.app;
  const tenant = uniqueName('tenant');
  const admin = await bearer(tenant, ['admin'], 'hook-admin', 'hook-admin@customer.example');
  const closedPort = await freePort();
  const create = async (url: string) => {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/notifications/webhooks',
      headers: admin,
      payload: { url, eventTypes: ['sync.completed'] },
    });
    t.equal(res.statusCode, 201, 'webhook created');
    return res.json() as { id: string };
  };
  const exhausted = await create(receiver.url('/always-503'));
  const limited = await create(receiver.url('/limited'));
  const unreachable = await create(`http://127.0.0.1:${closedPort}/hook`);
  receiver.script('/always-503', [503, 503, 503, 503]);
  receiver.script('/limited', [{ status: 429, headers: { 'retry-after': '2' } }]);

  const connectionId = randomUUID();
  const completed = events.completed(tenant, connectionId);
  await ts.publish([
    events.created(tenant, connectionId, 'hooks-fail.okta.com', 'a@customer.example'),
    completed,
  ]);
  const deliveries = async (id: string) =>
    (await app.inject({ url: `/v1/notifications/webhooks/${id}/deliveries`, headers: admin })).json().items;
  const settled = async (id: string) =>
    waitFor(
      async () => {
        const [d] = await deliveries(id);
        return d && d.status !== 'pending' ? d : undefined;
      },
      { timeoutMs: 60_000, description: `delivery of webhook ${id} settled` },
    );

  await t.test('webhook retries running out', async (t) => {
    const d = await settled(exhausted.id);
    t.equal(d.status, 'failed');
    t.equal(d.attempts, 3, 'WEBHOOK_MAX_ATTEMPTS tries');
    t.same(
      d.attemptLog.map((a: { statusCode: number; error: string }) => [a.statusCode, a.error]),
      [
        [503, 'HTTP 503'],
        [503, 'HTTP 503'],
        [503, 'HTTP 503'],
      ],
    );
    t.equal(receiver.requests.filter((r) => r.path === '/always-503').length, 3, 'no fourth request');
  });

  await t.test('webhook 429 with Retry-After', async (t) => {
    const d = await settled(limited.id);
    t.equal(d.status, 'delivered');
    t.same(
      d.attemptLog.map((a: { statusCode: number }) => a.statusCode),
      [429, 200],
    );
    // WEBHOOK_RETRY_MAX_MS is 1 s here, so the backoff alone would retry within a second; the
    // second request waited for the receiver's Retry-After (capped at the max).
    const [first, second] = d.attemptLog.map((a: { at: string }) => Date.parse(a.at));
    t.comment(`second attempt ${second - first} ms after the 429`);
    t.ok(second - first >= 1000, 'not before the Retry-After (capped at WEBHOOK_RETRY_MAX_MS)');
  });

  await t.test('webhook receiver unreachable', async (t) => {
    const d = await settled(unreachable.id);
    t.equal(d.status, 'failed');
    t.equal(d.attempts, 3);
    t.ok(
      d.attemptLog.every(
        (a: { statusCode: number | null; error: string }) =>
          a.statusCode === null && /ECONNREFUSED/.test(a.error),
      ),
      'each attempt logs the refused connection, no status code',
    );
  });
  t.equal(
    await failedCount(ts.service.registry, 'webhook'),
    3 + 1 + 3,
    'appgov_notifications_failed_total{channel="webhook"}',
  );
  void completed;
});
