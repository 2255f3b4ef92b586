import t from 'tap';
import { startOidcProvider } from '../src/start-oidc-provider.js';

t.test('the test provider: discovery, PKCE required, unknown resources refused', async (t) => {
  const redirect = 'http://127.0.0.1:9/auth/callback';
  const op = await startOidcProvider({
    audience: 'https://api.appgov.test/x',
    clients: [{ clientId: 'c1', clientSecret: 'secret-secret', redirectUris: [redirect] }],
  });
  t.teardown(() => op.close());
  const meta = (await (await fetch(`${op.issuer}/.well-known/openid-configuration`)).json()) as Record<
    string,
    unknown
  >;
  t.equal(meta.issuer, op.issuer);
  t.equal(meta.jwks_uri, op.jwksUrl);
  t.same(meta.code_challenge_methods_supported, ['S256']);
  t.ok(meta.end_session_endpoint, 'RP-initiated logout');
  const jwks = (await (await fetch(op.jwksUrl)).json()) as { keys: Array<Record<string, unknown>> };
  t.match(jwks.keys[0], { kty: 'RSA', alg: 'RS256', use: 'sig' });
  t.notOk(jwks.keys[0]?.d, 'public key only');

  const authorize = (params: Record<string, string>) =>
    fetch(
      `${op.issuer}/auth?${new URLSearchParams({
        client_id: 'c1',
        response_type: 'code',
        scope: 'openid',
        redirect_uri: redirect,
        state: 's',
        ...params,
      })}`,
      { redirect: 'manual' },
    );
  const noPkce = new URL((await authorize({})).headers.get('location') ?? '', op.issuer);
  t.equal(noPkce.searchParams.get('error'), 'invalid_request', 'PKCE is required');
  t.match(noPkce.searchParams.get('error_description'), /PKCE/);
  const challenge = {
    code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    code_challenge_method: 'S256',
  };
  const other = new URL(
    (await authorize({ ...challenge, resource: 'https://elsewhere.example/' })).headers.get('location') ?? '',
    op.issuer,
  );
  t.equal(other.searchParams.get('error'), 'invalid_target', 'tokens only for the configured audience');
  const ok = await authorize(challenge);
  t.match(ok.headers.get('location'), /^\/interaction\//, 'to the sign-in form');
});
