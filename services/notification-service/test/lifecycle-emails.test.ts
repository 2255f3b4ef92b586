import { randomUUID } from 'node:crypto';
import { uniqueName, waitFor } from '@appgov/testing';
import t from 'tap';
import {
  bearer,
  consumedCount,
  events,
  startService,
  startSmtp,
  waitAllSent,
  waitProcessed,
} from './fixtures/harness.js';

t.test(
  'N1/N2: ready email once, error once per incident, recovery once; redelivery sends nothing twice',
  async (t) => {
    const smtp = await startSmtp(t);
    const ts = await startService(t, smtp);
    const tenant = uniqueName('tenant');
    const connectionId = randomUUID();
    const domain = `${uniqueName('acme').replace(/_/g, '-')}.okta.com`;
    const admin = 'first.admin@customer.example';

    const auth = await bearer(tenant, ['admin']);
    const added = await ts.service.app.inject({
      method: 'POST',
      url: '/v1/notifications/recipients',
      headers: auth,
      payload: { email: 'secops@customer.example' },
    });
    t.equal(added.statusCode, 201, added.body);
    const dup = await ts.service.app.inject({
      method: 'POST',
      url: '/v1/notifications/recipients',
      headers: auth,
      payload: { email: 'SecOps@customer.example' },
    });
    t.equal(dup.statusCode, 409);
    t.equal(dup.json().code, 'NOTIFICATION_RECIPIENT_EXISTS');
    const viewerAdd = await ts.service.app.inject({
      method: 'POST',
      url: '/v1/notifications/recipients',
      headers: await bearer(tenant, ['viewer'], 'viewer-1'),
      payload: { email: 'x@customer.example' },
    });
    t.equal(viewerAdd.statusCode, 403);
    const settings = await ts.service.app.inject({
      method: 'PUT',
      url: '/v1/notifications/settings',
      headers: auth,
      payload: { productName: 'Acme Governance', links: { app: 'https://gov.acme.example' } },
    });
    t.equal(settings.statusCode, 200, settings.body);

    const created = events.created(tenant, connectionId, domain, admin);
    const first = events.completed(tenant, connectionId);
    await ts.publish([created, first]);
    await waitFor(() => smtp.mails.length >= 2, { description: 'ready emails' });
    const ready = smtp.mails.slice(0, 2);
    t.same(
      ready.flatMap((m) => m.to).sort(),
      [admin, 'secops@customer.example'].sort(),
      'admin and subscribed recipient',
    );
    for (const mail of ready) {
      t.match(mail.subject, domain, 'domain in subject');
      // Finding 5: Appgov's own mail never carries the tenant's product name or links.
      t.match(mail.subject, /^Appgov: /, "the operator's product name");
      t.notMatch(mail.subject + mail.decoded, 'Acme Governance', 'not the tenant product name');
      t.match(mail.decoded, `The first sync of your Okta domain ${domain} has completed`, 'domain in body');
      t.match(mail.decoded, `http://localhost:3000/connections/${connectionId}`, "the operator's link");
      t.notMatch(mail.decoded, 'gov.acme.example', 'not the tenant link');
      t.match(mail.decoded, /Content-Type: text\/html/, 'html part');
    }

    const second = events.completed(tenant, connectionId);
    await ts.publish([second]);
    await waitProcessed(ts, [second.id]);

    const fail1 = events.failed(tenant, connectionId);
    await ts.publish([fail1]);
    await waitFor(() => smtp.mails.length >= 4, { description: 'error emails' });
    t.ok(
      smtp.mails.slice(2, 4).every((m) => m.subject.includes(`syncing ${domain} failed`)),
      'error email',
    );
    const fail2 = events.failed(tenant, connectionId, 'rate_limited');
    const cancelled = events.failed(tenant, connectionId, 'cancelled');
    await ts.publish([fail2, cancelled]);
    await waitProcessed(ts, [fail2.id, cancelled.id]);

    const recovered = events.completed(tenant, connectionId);
    await ts.publish([recovered]);
    await waitFor(() => smtp.mails.length >= 6, { description: 'recovery emails' });
    t.ok(
      smtp.mails.slice(4, 6).every((m) => m.subject.includes(`${domain} has recovered`)),
      'recovery email',
    );

    // Redelivery: the same messages again, and a consumer group that never committed reading it all.
    await ts.publish([created, first, second, fail1, fail2, recovered]);
    const replay = await startService(t, smtp, {
      schema: ts.config.DB_SCHEMA,
      topicPrefix: ts.config.KAFKA_TOPIC_PREFIX,
    });
    const later = events.completed(tenant, connectionId);
    await ts.publish([later]);
    await waitProcessed(ts, [later.id]);
    // The replaying group read every message from the beginning: 7 originals, 6 duplicates, 1 more.
    await waitFor(async () => (await consumedCount(replay)) >= 14, {
      timeoutMs: 30_000,
      description: 'replay consumed all',
    });
    await waitFor(async () => (await consumedCount(ts)) >= 14, {
      timeoutMs: 30_000,
      description: 'first consumed all',
    });
    // A row is marked sent after the SMTP server took the message: wait for the marks, not a sleep.
    const queued = await waitAllSent(ts, 6);
    t.equal(queued.length, 6, 'six emails queued in all');
    t.ok(queued.every((q) => q.status === 'sent'));
    t.equal(smtp.mails.length, 6, 'no email sent twice (ready 2, error 2, recovery 2)');
    await replay.stop();

    // The counter is bumped just after the row is marked sent.
    const metrics = await waitFor(
      async () => {
        const text = await ts.service.registry.metrics();
        return /appgov_notifications_sent_total\{[^}]*channel="email"[^}]*\} 6/.test(text) ? text : undefined;
      },
      { description: 'six email sends counted' },
    );
    t.match(metrics, /appgov_notifications_sent_total\{[^}]*channel="email"[^}]*\} 6/);

    // The SMTP password went through AUTH (the server accepted it) and nowhere else.
    t.equal(smtp.authFailures.length, 0, 'authenticated with the configured password');
    const rows = JSON.stringify(await ts.service.db.selectFrom('email_queue').selectAll().execute());
    for (const text of [ts.logs.join(''), replay.logs.join(''), rows, added.body, settings.body]) {
      t.notMatch(text, smtp.password, 'SMTP password absent');
    }
  },
);

t.test('a first success that overtakes connection.created is emailed once the admin is known', async (t) => {
  const smtp = await startSmtp(t);
  const ts = await startService(t, smtp);
  const tenant = uniqueName('tenant');
  const connectionId = randomUUID();
  const domain = 'early-bird.okta.com';
  const completed = events.completed(tenant, connectionId);
  await ts.publish([completed]);
  await waitProcessed(ts, [completed.id]);
  t.equal(smtp.mails.length, 0);
  await ts.publish([events.created(tenant, connectionId, domain, 'owner@customer.example')]);
  await waitFor(() => smtp.mails.length >= 1, { description: 'deferred ready email' });
  t.same(smtp.mails[0]?.to, ['owner@customer.example']);
  t.match(smtp.mails[0]?.subject, domain);
});
