import t from 'tap';
import { loadConfig } from '../src/config.js';

const base = {
  OIDC_ISSUER_URL: 'https://login.example.com',
  OIDC_CLIENT_ID: 'appgov-console',
  OIDC_CLIENT_SECRET: 'client-secret-1',
};

t.test('production defaults: Secure cookies, https issuer', async (t) => {
  const config = loadConfig(base);
  t.equal(config.COOKIE_SECURE, true);
  t.equal(config.COOKIE_SAMESITE, 'lax');
  t.equal(config.OIDC_TENANT_CLAIM, 'tenant');
  t.equal(config.OIDC_ROLES_CLAIM, 'roles');
});

t.test('claim names are configurable', async (t) => {
  const config = loadConfig({
    ...base,
    OIDC_TENANT_CLAIM: 'https://appgov.dev/tenant',
    OIDC_ROLES_CLAIM: 'groups',
  });
  t.equal(config.OIDC_TENANT_CLAIM, 'https://appgov.dev/tenant');
  t.equal(config.OIDC_ROLES_CLAIM, 'groups');
});

t.test('insecure settings only on http loopback', async (t) => {
  t.throws(
    () => loadConfig({ ...base, PUBLIC_URL: 'https://console.example.com', COOKIE_SECURE: 'false' }),
    /COOKIE_SECURE=false is only allowed/,
  );
  t.ok(loadConfig({ ...base, PUBLIC_URL: 'http://127.0.0.1:8080', COOKIE_SECURE: 'false' }));
  t.throws(() => loadConfig({ ...base, OIDC_ISSUER_URL: 'http://127.0.0.1:9000' }), /must be https/);
  t.throws(
    () => loadConfig({ ...base, OIDC_ISSUER_URL: 'http://idp.example.com', OIDC_ALLOW_HTTP: 'true' }),
    /must be https/,
  );
  t.ok(loadConfig({ ...base, OIDC_ISSUER_URL: 'http://127.0.0.1:9000', OIDC_ALLOW_HTTP: 'true' }));
});

t.test('the client secret is never echoed in config errors', async (t) => {
  const err = t.throws(() => loadConfig({ ...base, OIDC_CLIENT_SECRET: 'short' })) as Error;
  t.match(err.message, /OIDC_CLIENT_SECRET/);
  t.notMatch(err.message, /short/);
});
