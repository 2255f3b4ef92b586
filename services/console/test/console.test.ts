import { Browser } from '@appgov/oidc-provider';
import { decodeJwt } from 'jose';
import t from 'tap';
import { cookieNames } from '../src/domain/cookies.js';
import { startConsoleStack } from './fixtures/stack.js';

const body = async (res: Response): Promise<any> => res.json();

// The BFF against the real OpenID provider process, Redis and connection-service (U4).
t.test('console: OIDC sign-in, session, forwarding, CSRF, logout', async (t) => {
  const stack = await startConsoleStack(t);
  const { consoleUrl } = stack;
  const names = cookieNames(true);
  const host = '127.0.0.1';

  await t.test('signed out: /api answers 401, pages load', async (t) => {
    const anon = new Browser();
    const me = await anon.fetch(`${consoleUrl}/api/me`);
    t.equal(me.status, 401);
    t.match(me.headers.get('content-type'), /application\/problem\+json/);
    t.equal((await body(me)).code, 'CONSOLE_NOT_SIGNED_IN');
    const forwarded = await anon.fetch(`${consoleUrl}/api/connection/v1/integrations/okta/connections`);
    t.equal(forwarded.status, 401, 'no forwarding without a session');
    await forwarded.body?.cancel();
    const page = await anon.fetch(`${consoleUrl}/integrations`, { headers: { accept: 'text/html' } });
    t.equal(page.status, 200, 'client-side routes get the app');
    t.match(page.headers.get('content-type'), /text\/html/);
    t.match(page.headers.get('content-security-policy'), /default-src 'self'/);
    await page.body?.cancel();
  });

  await t.test('a wrong password stays at the provider with an error', async (t) => {
    const browser = new Browser();
    const { res, url } = await browser.follow(`${consoleUrl}/auth/login`);
    const action = /action="([^"]+)"/.exec(await res.text())?.[1] as string;
    const wrong = await browser.fetch(new URL(action, url), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'email=admin%40demo.example&password=nope',
    });
    t.equal(wrong.status, 401);
    t.match(await wrong.text(), /role="alert">Wrong email or password/);
    t.notOk(browser.cookie(host, names.session), 'no console session');
  });

  const admin = await stack.signIn('admin@demo.example', '/integrations?x=1');

  await t.test(
    'login round trip: code + PKCE, session cookie flags, back where the user wanted',
    async (t) => {
      t.equal(admin.landed.href, `${consoleUrl}/integrations?x=1`);
      const session = admin.browser.cookie(host, names.session);
      t.ok(session, '__Host- session cookie set');
      const raw = admin.browser.setCookies.find((c) => c.startsWith(`${names.session}=`)) as string;
      t.match(raw, /; HttpOnly/i, 'httpOnly');
      t.match(raw, /; Secure/i, 'Secure');
      t.match(raw, /; SameSite=Lax/i, 'SameSite');
      t.match(raw, /; Path=\//i);
      t.notMatch(raw, /Domain=/i, 'host-only');
      const csrf = admin.browser.setCookies.find((c) => c.startsWith(`${names.csrf}=`)) as string;
      t.notMatch(csrf, /HttpOnly/i, 'the SPA can read the CSRF cookie');
      t.match(csrf, /; Secure/i);
      t.notOk(admin.browser.cookie(host, names.login), 'the login state cookie is cleared');
      // Only a random id is in the cookie: no token, no claims.
      t.notMatch(session?.value ?? '', /\./, 'not a JWT');
      const stored = await stack.console.redis.keys(`${stack.prefix}:console:session:*`);
      t.equal(stored.length, 1, 'the session lives in Redis');
      t.notOk(stored[0]?.includes(session?.value ?? '-'), 'keyed by a hash of the cookie');
    },
  );

  await t.test('/api/me says who is signed in', async (t) => {
    const res = await admin.browser.fetch(`${consoleUrl}/api/me`);
    t.equal(res.status, 200);
    t.equal(res.headers.get('cache-control'), 'no-store');
    const me = await body(res);
    t.match(me, {
      sub: 'demo-admin',
      email: 'admin@demo.example',
      tenant: 'demo-tenant',
      roles: ['admin'],
    });
    t.equal(me.csrfToken, admin.browser.cookie(host, names.csrf)?.value, 'the CSRF cookie matches');
    t.ok(Date.parse(me.expiresAt) > Date.now());
  });

  await t.test('forwarded calls carry the user access token; the service verifies it (JWKS)', async (t) => {
    const list = await admin.browser.fetch(`${consoleUrl}/api/connection/v1/integrations/okta/connections`);
    t.equal(list.status, 200, 'connection-service accepted the RS256 token');
    t.same(await body(list), { items: [], nextCursor: null });
    const providers = await admin.browser.fetch(`${consoleUrl}/api/connection/v1/integrations/providers`);
    t.equal(providers.status, 200);
    t.equal((await body(providers)).items[0].provider, 'okta');
    const docs = await admin.browser.fetch(`${consoleUrl}/api/connection/docs/json`);
    t.equal(docs.status, 200, 'the OpenAPI document for the generated client');
    t.match((await body(docs)).info.title, /connection-service/);
    const metrics = await admin.browser.fetch(`${consoleUrl}/api/connection/metrics`);
    t.equal(metrics.status, 404, 'only /v1 and /docs/json are forwarded');
    await metrics.body?.cancel();
    const down = await admin.browser.fetch(`${consoleUrl}/api/catalog/v1/catalog/apps`);
    t.equal(down.status, 503, 'an upstream that does not answer');
    t.equal((await body(down)).code, 'CONSOLE_UPSTREAM_UNAVAILABLE');
  });

  await t.test('the access token is a JWT for the services audience with tenant and roles', async (t) => {
    const raw = await stack.console.redis.get(
      (await stack.console.redis.keys(`${stack.prefix}:console:session:*`))[0] as string,
    );
    const claims = decodeJwt(JSON.parse(raw as string).accessToken);
    t.match(claims, {
      sub: 'demo-admin',
      email: 'admin@demo.example',
      tenant: 'demo-tenant',
      roles: ['admin'],
      iss: stack.provider.issuer,
      aud: stack.provider.audience,
    });
  });

  await t.test('CSRF: state-changing calls without the token are refused before forwarding', async (t) => {
    const url = `${consoleUrl}/api/connection/v1/integrations/okta/connections`;
    const payload = JSON.stringify({ domain: 'not a domain', apiToken: 'x'.repeat(42) });
    const json = { 'content-type': 'application/json' };
    const none = await admin.browser.fetch(url, { method: 'POST', headers: json, body: payload });
    t.equal(none.status, 403);
    t.equal((await body(none)).code, 'CONSOLE_CSRF_TOKEN');
    const wrong = await admin.browser.fetch(url, {
      method: 'POST',
      headers: { ...json, 'x-csrf-token': 'guess' },
      body: payload,
    });
    t.equal(wrong.status, 403);
    await wrong.body?.cancel();
    const token = admin.browser.cookie(host, names.csrf)?.value as string;
    const foreign = await admin.browser.fetch(url, {
      method: 'POST',
      headers: { ...json, 'x-csrf-token': token, origin: 'https://evil.example' },
      body: payload,
    });
    t.equal(foreign.status, 403, 'another Origin');
    t.equal((await body(foreign)).code, 'CONSOLE_CSRF_ORIGIN');
    const big = await admin.browser.fetch(url, {
      method: 'POST',
      headers: { ...json, 'x-csrf-token': token },
      body: JSON.stringify({ domain: 'acme', apiToken: 'x'.repeat(1024 * 1024) }),
    });
    t.equal(big.status, 413, 'an oversized body stops at the console');
    await big.body?.cancel();
    const del = await admin.browser.fetch(`${url}/00000000-0000-4000-8000-000000000000`, {
      method: 'DELETE',
    });
    t.equal(del.status, 403, 'DELETE too');
    await del.body?.cancel();
    const ok = await admin.browser.fetch(url, {
      method: 'POST',
      headers: { ...json, 'x-csrf-token': token, origin: consoleUrl },
      body: payload,
    });
    // Forwarded with its body: connection-service read the domain and refused it (C1).
    const refused = await body(ok);
    t.not(refused.code, 'VALIDATION_FAILED', `the body arrived whole (${JSON.stringify(refused)})`);
    t.match(
      refused.detail ?? refused.title,
      /acme\.okta\.com|domain/i,
      'the service explains the expected domain',
    );
  });

  await t.test('a viewer signs in with viewer roles; the service refuses changes', async (t) => {
    const viewer = await stack.signIn('viewer@demo.example');
    const me = await body(await viewer.browser.fetch(`${consoleUrl}/api/me`));
    t.same(me.roles, ['viewer']);
    const token = me.csrfToken as string;
    const sync = `${consoleUrl}/api/connection/v1/integrations/okta/connections/00000000-0000-4000-8000-000000000000/sync`;
    const res = await viewer.browser.fetch(sync, { method: 'POST', headers: { 'x-csrf-token': token } });
    t.equal(res.status, 403, 'viewers read, admins change (enforced by the service)');
    await res.body?.cancel();
    const asAdmin = await admin.browser.fetch(sync, {
      method: 'POST',
      headers: { 'x-csrf-token': admin.browser.cookie(host, names.csrf)?.value as string },
    });
    t.equal(asAdmin.status, 404, 'the same call of an admin reaches the use case');
    await asAdmin.body?.cancel();
  });

  await t.test('a login callback not started by this browser is refused', async (t) => {
    const other = new Browser();
    const res = await other.fetch(`${consoleUrl}/auth/callback?code=abc&state=forged`);
    t.equal(res.status, 400);
    t.equal((await body(res)).code, 'CONSOLE_LOGIN_STATE');
  });

  await t.test('an open redirect is not possible through returnTo', async (t) => {
    const b = await stack.signIn(
      'other@nowhere.example'.replace('other@nowhere', 'admin@other'),
      '//evil.example/x',
    );
    t.equal(b.landed.href, `${consoleUrl}/`, 'back to / instead');
    const me = await body(await b.browser.fetch(`${consoleUrl}/api/me`));
    t.equal(me.tenant, 'other-tenant', 'the second tenant');
  });

  await t.test('readiness asks Redis, the provider and every upstream', async (t) => {
    const res = await fetch(`${consoleUrl}/readyz`);
    const ready = await body(res);
    t.equal(res.status, 503, 'catalog and notification are not running in this stack');
    t.match(ready.checks, {
      redis: 'ok',
      'identity-provider': 'ok',
      'connection-service': 'ok',
      'catalog-service': 'failed',
      'notification-service': 'failed',
    });
  });

  await t.test('logout ends the session and points at the provider logout', async (t) => {
    const sessionId = admin.browser.cookie(host, names.session)?.value as string;
    const noToken = await admin.browser.fetch(`${consoleUrl}/auth/logout`, { method: 'POST' });
    t.equal(noToken.status, 403, 'logout needs the CSRF token too');
    await noToken.body?.cancel();
    const token = admin.browser.cookie(host, names.csrf)?.value as string;
    const res = await admin.browser.fetch(`${consoleUrl}/auth/logout`, {
      method: 'POST',
      headers: { 'x-csrf-token': token },
    });
    t.equal(res.status, 200);
    const { redirectTo } = await body(res);
    const end = new URL(redirectTo);
    t.equal(end.origin + end.pathname, `${stack.provider.issuer}/session/end`, 'RP-initiated logout');
    t.equal(end.searchParams.get('post_logout_redirect_uri'), `${consoleUrl}/`);
    t.ok(end.searchParams.get('id_token_hint'));
    t.notOk(admin.browser.cookie(host, names.session), 'cookie cleared');
    // The old cookie replayed: the server-side session is gone.
    const replay = await fetch(`${consoleUrl}/api/me`, {
      headers: { cookie: `${names.session}=${sessionId}` },
    });
    t.equal(replay.status, 401, 'the session ended server-side');
    await replay.body?.cancel();
    const page = await admin.browser.follow(redirectTo);
    t.equal(page.res.status, 200, 'the provider asks to confirm its own logout');
    t.match(await page.res.text(), /Sign out/);
  });

  await t.test('no token, session id, authorization code or client secret in the console logs', async (t) => {
    const logs = stack.logs.join('');
    t.ok(logs.includes('signed in'), 'the logs were captured');
    for (const cookie of admin.browser.setCookies) {
      const value = cookie.split(';')[0]?.split('=')[1] ?? '';
      if (value.length > 8) t.notOk(logs.includes(value), `cookie value of ${cookie.split('=')[0]} absent`);
    }
    t.notOk(logs.includes(stack.clientSecret), 'client secret absent');
    t.notMatch(logs, /eyJ[\w-]+\.eyJ[\w-]+\./, 'no JWT');
    t.notMatch(logs, /[?&]code=/, 'no authorization code');
  });
});
