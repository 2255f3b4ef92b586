import { decodeJwt } from 'jose';
import t from 'tap';
import type { Session } from '../src/domain/session-store.js';
import { startConsoleStack } from './fixtures/stack.js';

// The session outlives its access token: the console refreshes it (refresh token grant through
// openid-client) before it expires, and a session whose token can no longer be refreshed ends (401,
// the SPA signs in again). The console's clock is moved; the provider and the services keep real time.
t.test('the access token is refreshed before it expires', async (t) => {
  let offsetMs = 0;
  const clock = { now: () => new Date(Date.now() + offsetMs) };
  const stack = await startConsoleStack(t, { OIDC_REFRESH_BEFORE_SECONDS: '60' }, { clock });
  const { consoleUrl } = stack;
  const admin = await stack.signIn('admin@demo.example');
  const sessionKey = async () =>
    (await stack.console.redis.keys(`${stack.prefix}:console:session:*`))[0] as string;
  const stored = async () =>
    JSON.parse((await stack.console.redis.get(await sessionKey())) as string) as Session;
  const list = () => admin.browser.fetch(`${consoleUrl}/api/connection/v1/integrations/okta/connections`);

  const first = await stored();
  t.ok(first.refreshToken, 'the provider issued a refresh token; it stays in the server-side session');
  t.ok(first.expiresAt > (first.accessTokenExpiresAt as number), 'the session outlives its access token');
  t.notOk(
    admin.browser.setCookies.some((c) => c.includes(first.refreshToken as string)),
    'the refresh token never reaches the browser',
  );
  const before = await list();
  t.equal(before.status, 200);
  await before.body?.cancel();
  t.equal((await stored()).accessToken, first.accessToken, 'no refresh while the token is far from expiry');

  // 30 s before the token expires (inside the 60 s window): the next call refreshes first.
  offsetMs = (first.accessTokenExpiresAt as number) - Date.now() - 30_000;
  const during = await list();
  t.equal(during.status, 200, 'the service accepts the refreshed token (JWKS)');
  await during.body?.cancel();
  const second = await stored();
  t.not(second.accessToken, first.accessToken, 'a new access token');
  t.ok((second.accessTokenExpiresAt as number) > (first.accessTokenExpiresAt as number), 'a later expiry');
  t.match(decodeJwt(second.accessToken), {
    tenant: 'demo-tenant',
    roles: ['admin'],
    aud: stack.provider.audience,
  });
  t.equal(second.csrfToken, first.csrfToken, 'the same session (CSRF token unchanged)');
  const me = await admin.browser.fetch(`${consoleUrl}/api/me`);
  t.equal(me.status, 200, 'still signed in');
  await me.body?.cancel();

  // A refresh token the provider refuses, once the access token has expired: the session ends.
  await stack.console.redis.set(
    await sessionKey(),
    JSON.stringify({ ...second, refreshToken: 'revoked-or-unknown' }),
    'PX',
    60_000,
  );
  offsetMs = (second.accessTokenExpiresAt as number) - Date.now() + 1_000;
  const after = await admin.browser.fetch(`${consoleUrl}/api/me`);
  t.equal(after.status, 401, 'an expired token that cannot be refreshed ends the session');
  t.equal(((await after.json()) as { code: string }).code, 'CONSOLE_NOT_SIGNED_IN');
  t.same(await stack.console.redis.keys(`${stack.prefix}:console:session:*`), [], 'removed from Redis');
  t.notOk(stack.logs.join('').includes(first.refreshToken as string), 'no refresh token in the logs');
});
