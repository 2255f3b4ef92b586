import { randomUUID } from 'node:crypto';
import { uniqueName, waitFor } from '@appgov/testing';
import t from 'tap';
import { events, startService, startSmtp, waitAllSent, waitProcessed } from './fixtures/harness.js';

t.test('N5: SMTP down for a while delays emails; after it returns all arrive, once each', async (t) => {
  const smtp = await startSmtp(t);
  const ts = await startService(t, smtp);
  await smtp.stop();

  const tenant = uniqueName('tenant');
  const published = [];
  const domains: string[] = [];
  for (let i = 0; i < 4; i++) {
    const connectionId = randomUUID();
    const domain = `outage-${i}-${randomUUID().slice(0, 6)}.okta.com`;
    domains.push(domain);
    published.push(events.created(tenant, connectionId, domain, `admin${i}@customer.example`));
    published.push(events.applied(tenant, connectionId));
  }
  await ts.publish(published);
  await waitProcessed(
    ts,
    published.map((e) => e.id),
  );

  // Every row keeps failing while the server is away, and stays pending.
  await waitFor(
    async () => {
      const rows = await ts.service.db.selectFrom('email_queue').select(['attempts', 'status']).execute();
      return rows.length === 4 && rows.every((r) => r.attempts >= 3 && r.status === 'pending');
    },
    { description: 'retries while SMTP is down' },
  );
  t.equal(smtp.mails.length, 0, 'nothing delivered while down');
  const metrics = await ts.service.registry.metrics();
  t.match(metrics, /appgov_notifications_failed_total\{[^}]*channel="email"[^}]*\} \d+/);

  await smtp.start();
  // Every row marked sent (after the server took its message) rather than "surely done after 0.5 s".
  await waitAllSent(ts, 4);
  t.equal(smtp.mails.length, 4, 'each email exactly once');
  t.same(smtp.mails.map((m) => domains.find((d) => m.subject.includes(d))).filter(Boolean).length, 4);
  const rows = await ts.service.db.selectFrom('email_queue').selectAll().execute();
  t.ok(rows.length === 4 && rows.every((r) => r.status === 'sent'), 'all rows sent');
  const everything = ts.logs.join('') + JSON.stringify(rows);
  t.notMatch(everything, smtp.password, 'SMTP password never logged or stored, even in connection errors');
});

t.test('N5: a wrong SMTP password is retried, and never appears in logs or rows', async (t) => {
  const smtp = await startSmtp(t);
  const wrong = `wrong-${randomUUID()}`;
  const ts = await startService(t, smtp, { env: { SMTP_PASSWORD: wrong } });
  const tenant = uniqueName('tenant');
  const connectionId = randomUUID();
  const evs = [
    events.created(tenant, connectionId, 'badauth.okta.com', 'a@customer.example'),
    events.applied(tenant, connectionId),
  ];
  await ts.publish(evs);
  await waitFor(() => smtp.authFailures.length >= 2, { description: 'auth failures' });
  const rows = await ts.service.db.selectFrom('email_queue').selectAll().execute();
  t.equal(rows[0]?.status, 'pending', 'kept for retry');
  t.ok(rows[0]?.last_error, 'error recorded');
  const everything = ts.logs.join('') + JSON.stringify(rows);
  t.notMatch(everything, wrong, 'the configured password appears nowhere');
  t.match(ts.logs.join(''), 'email not sent; will retry');
});
