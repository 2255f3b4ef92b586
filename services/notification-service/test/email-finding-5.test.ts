// Finding 5: Appgov's own mail carried a tenant-chosen product name and links to recipients the
// tenant added (a phishing relay from Appgov's address), and SMTP ran without required TLS.
// Now mail always carries the operator's branding, recipients are bounded per tenant (see
// tenant-quotas.test), and plaintext SMTP to anything but loopback refuses to start.
import { randomUUID } from 'node:crypto';
import { uniqueName, waitFor } from '@appgov/testing';
import t from 'tap';
import { loadConfig } from '../src/config.js';
import { assertSmtpTransportSecure } from '../src/domain/smtp-transport-policy.js';
import { createService } from '../src/service.js';
import { bearer, events, startService, startSmtp } from './fixtures/harness.js';

t.test('tenant product name and links in Appgov mail; SMTP without required TLS (finding 5)', async (t) => {
  await t.test(
    'a tenant sets a product name and links: its mail still shows the operator branding',
    async (t) => {
      const smtp = await startSmtp(t);
      const ts = await startService(t, smtp);
      const tenant = uniqueName('tenant');
      const connectionId = randomUUID();
      const domain = `${uniqueName('brand').replace(/_/g, '-')}.okta.com`;
      const admin = await bearer(tenant, ['admin'], 'b-admin', 'b-admin@customer.example');
      const put = await ts.service.app.inject({
        method: 'PUT',
        url: '/v1/notifications/settings',
        headers: admin,
        payload: {
          productName: 'Your Bank: verify now',
          links: { app: 'https://evil.example', support: 'https://evil.example/s' },
        },
      });
      t.equal(put.statusCode, 200, put.body);
      await ts.publish([
        events.created(tenant, connectionId, domain, 'first.admin@customer.example'),
        events.applied(tenant, connectionId),
      ]);
      const [mail] = await waitFor(() => (smtp.mails.length > 0 ? smtp.mails : undefined), {
        description: 'the ready email',
      });
      const text = `${mail?.subject}\n${mail?.decoded}`;
      t.match(mail?.subject, /^Appgov: /, "the operator's product name");
      t.notMatch(text, 'evil.example', 'no tenant link');
      t.notMatch(text, 'Your Bank', 'no tenant product name');
      // The settings API still holds what the tenant chose (for the console).
      const got = await ts.service.app.inject({
        method: 'GET',
        url: '/v1/notifications/settings',
        headers: admin,
      });
      t.match(got.json(), { productName: 'Your Bank: verify now' });
    },
  );

  await t.test('plaintext SMTP to a remote relay refuses to start unless allowed', async (t) => {
    const base = { SMTP_SECURE: false, SMTP_REQUIRE_TLS: false, SMTP_ALLOW_PLAINTEXT: false };
    t.throws(() => assertSmtpTransportSecure({ ...base, SMTP_HOST: 'smtp.example.com' }), /without TLS/);
    t.throws(() => assertSmtpTransportSecure({ ...base, SMTP_HOST: '10.0.0.5' }), /without TLS/);
    for (const ok of [
      { ...base, SMTP_HOST: 'smtp.example.com', SMTP_SECURE: true },
      { ...base, SMTP_HOST: 'smtp.example.com', SMTP_REQUIRE_TLS: true },
      { ...base, SMTP_HOST: 'smtp.example.com', SMTP_ALLOW_PLAINTEXT: true },
      { ...base, SMTP_HOST: '127.0.0.1' },
      { ...base, SMTP_HOST: 'localhost' },
    ]) {
      t.doesNotThrow(() => assertSmtpTransportSecure(ok), JSON.stringify(ok));
    }
    const config = loadConfig({
      JWT_HS256_SECRET: 'x'.repeat(32),
      DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none',
      SMTP_HOST: 'smtp.example.com',
    });
    await t.rejects(createService(config), /without TLS/, 'the service refuses to start');
  });
});
