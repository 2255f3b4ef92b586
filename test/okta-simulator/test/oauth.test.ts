// OAuth for Okta: service apps, the org authorization server's token endpoint and scoped Bearer
// access to the Management API, as a real HTTP server.
import { generateKeyPairSync, type JsonWebKey, type KeyObject, randomUUID, sign } from 'node:crypto';
import { request } from 'node:http';
import t from 'tap';
import { startOktaSimulator } from '../src/index.js';
import { get } from './helpers.js';

const DOMAIN = 'oauth.okta.com';
const sim = await startOktaSimulator({ orgs: [{ domain: DOMAIN, seed: 21, size: 'tiny' }] });
t.teardown(() => sim.close());
const org = sim.sim.org(DOMAIN);
const host = `${DOMAIN}:${sim.port}`;
const tokenUrl = `http://${host}/oauth2/v1/token`;

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
const rsaJwk: JsonWebKey = { ...rsa.publicKey.export({ format: 'jwk' }), kid: 'rsa-1' };

const READ = ['okta.users.read', 'okta.groups.read', 'okta.orgs.read'];
const app = org.registerServiceApp({ name: 'reader', keys: [rsaJwk], scopes: READ, role: 'SUPER_ADMIN' });
const ecApp = org.registerServiceApp({
  keys: [ec.publicKey.export({ type: 'spki', format: 'pem' }) as string],
  scopes: ['okta.users.manage', 'okta.apiTokens.read'],
  role: 'READ_ONLY_ADMIN',
});

/** Repeats a request until it is answered 401 (10 s at most); any other status but 200 fails. */
async function waitFor401<R extends { status: number }>(request: () => Promise<R>): Promise<R> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const res = await request();
    if (res.status === 401) return res;
    if (res.status !== 200) throw new Error(`unexpected status ${res.status}`);
    if (Date.now() > deadline) throw new Error('still accepted after 10 s');
    await new Promise((r) => setTimeout(r, 50));
  }
}

interface AssertionOptions {
  key?: KeyObject;
  alg?: string;
  kid?: string | undefined;
  claims?: Record<string, unknown>;
}

function assertion(clientId: string, o: AssertionOptions = {}): string {
  const alg = o.alg ?? 'RS256';
  const now = Math.floor(Date.now() / 1000);
  const header = { alg, typ: 'JWT', ...(o.kid === undefined ? {} : { kid: o.kid }) };
  const claims = {
    iss: clientId,
    sub: clientId,
    aud: tokenUrl,
    iat: now,
    exp: now + 300,
    jti: randomUUID(),
    ...o.claims,
  };
  const enc = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const input = `${enc(header)}.${enc(claims)}`;
  const hash = `sha${alg.slice(2)}`;
  const sig = sign(hash, Buffer.from(input), { key: o.key ?? rsa.privateKey, dsaEncoding: 'ieee-p1363' });
  return `${input}.${sig.toString('base64url')}`;
}

interface TokenReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Record<string, unknown>;
}

function tokenRequest(
  form: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<TokenReply> {
  const payload = new URLSearchParams(form).toString();
  return new Promise((resolve, reject) => {
    const req = request(
      new URL('/oauth2/v1/token', sim.url),
      {
        method: 'POST',
        headers: {
          host,
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
          ...headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}'),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

const grant = (clientAssertion: string, scope = READ.join(' ')) => ({
  grant_type: 'client_credentials',
  scope,
  client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
  client_assertion: clientAssertion,
});

t.test('a signed assertion gets a Bearer token that reads what its scopes allow', async (t) => {
  org.resetRequestCounts();
  const res = await tokenRequest(grant(assertion(app.clientId, { kid: 'rsa-1' })));
  t.equal(res.status, 200, JSON.stringify(res.body));
  t.match(res.body, { token_type: 'Bearer', expires_in: 3600, scope: READ.join(' ') });
  t.type(res.body.access_token, 'string');
  t.equal(res.headers['cache-control'], 'no-store');
  const bearer = { token: res.body.access_token as string, scheme: 'Bearer', host };

  t.equal((await get(sim.url, '/api/v1/users', bearer)).status, 200);
  t.equal((await get(sim.url, '/api/v1/org', bearer)).status, 200);
  const apps = await get(sim.url, '/api/v1/apps', bearer);
  t.equal(apps.status, 403, 'okta.apps.read was not granted');
  t.equal((apps.body as { errorCode: string }).errorCode, 'E0000006');
  t.match(apps.headers['www-authenticate'], /error="insufficient_scope"/);
  t.match(apps.headers['www-authenticate'], /scope="okta\.apps\.read"/);
  t.match(apps.headers['www-authenticate'], /resource="\/api\/v1\/apps"/);
  const roles = await get(sim.url, '/api/v1/iam/assignees/users', bearer);
  t.equal(roles.status, 403, 'roles need okta.roles.read');

  const sswsStill = await get(sim.url, '/api/v1/apps', { token: org.token, host });
  t.equal(sswsStill.status, 200, 'SSWS keeps working beside OAuth');
  t.same(org.oauthStats(), { tokenRequests: 1, issued: 1, errors: {} });
});

t.test('ES256 with a PEM-registered key and no kid; .manage grants .read; roles still apply', async (t) => {
  const res = await tokenRequest(
    grant(
      assertion(ecApp.clientId, { key: ec.privateKey, alg: 'ES256' }),
      'okta.users.read okta.apiTokens.read',
    ),
  );
  t.equal(res.status, 200, JSON.stringify(res.body));
  const bearer = { token: res.body.access_token as string, scheme: 'Bearer', host };
  t.equal((await get(sim.url, '/api/v1/users?limit=1', bearer)).status, 200);
  const tokens = await get(sim.url, '/api/v1/api-tokens', bearer);
  t.equal(tokens.status, 403, 'a read-only admin app may not list API tokens, scope or not');
  t.notMatch(String(tokens.headers['www-authenticate'] ?? ''), /insufficient_scope/);
});

t.test('the token endpoint refuses bad assertions with OAuth error bodies', async (t) => {
  const refused = async (form: Record<string, string>, status: number, error: string, why: string) => {
    const res = await tokenRequest(form);
    t.equal(res.status, status, `${why}: status`);
    t.equal(res.body.error, error, `${why}: ${JSON.stringify(res.body)}`);
    t.type(res.body.error_description, 'string');
    t.notOk(res.body.access_token);
  };
  const id = app.clientId;
  await refused(
    grant(assertion(id, { key: other.privateKey, kid: 'rsa-1' })),
    401,
    'invalid_client',
    'another key',
  );
  await refused(grant(assertion(id, { kid: 'nope' })), 401, 'invalid_client', 'unknown kid');
  await refused(
    grant(assertion(id, { claims: { aud: `https://${DOMAIN}/oauth2/default/v1/token` } })),
    401,
    'invalid_client',
    'a custom authorization server audience',
  );
  await refused(
    grant(assertion(id, { claims: { sub: 'someone-else' } })),
    401,
    'invalid_client',
    'sub ≠ iss',
  );
  await refused(
    grant(assertion(id, { claims: { exp: Math.floor(Date.now() / 1000) - 600 } })),
    401,
    'invalid_client',
    'expired',
  );
  await refused(
    grant(assertion(id, { claims: { exp: Math.floor(Date.now() / 1000) + 7200 } })),
    401,
    'invalid_client',
    'exp over 1 h',
  );
  await refused(grant(assertion('0oaUnknownClient0000')), 401, 'invalid_client', 'unknown client');
  await refused(
    grant(assertion(id).replace(/^[^.]+/, Buffer.from('{"alg":"HS256"}').toString('base64url'))),
    401,
    'invalid_client',
    'HS256',
  );
  await refused({ ...grant('x.y.z'), client_assertion: '' }, 401, 'invalid_client', 'no assertion');
  await refused(
    { ...grant(assertion(id)), grant_type: 'password' },
    400,
    'unsupported_grant_type',
    'grant type',
  );
  await refused(grant(assertion(id), ''), 400, 'invalid_scope', 'no scope');
  const notGranted = await tokenRequest(
    grant(assertion(id), 'okta.users.read okta.apps.read okta.logs.read'),
  );
  t.equal(notGranted.status, 400);
  t.equal(notGranted.body.error, 'invalid_scope');
  t.match(notGranted.body.error_description, /okta\.apps\.read.*okta\.logs\.read/);

  const once = assertion(id);
  t.equal((await tokenRequest(grant(once))).status, 200, 'first use');
  await refused(grant(once), 401, 'invalid_client', 'the same jti again');
  t.ok((org.oauthStats().errors.invalid_client ?? 0) >= 9);
});

t.test('access tokens expire, die with their app, and DPoP-only apps are refused', async (t) => {
  const short = org.registerServiceApp({ keys: [rsaJwk], scopes: READ, tokenTtlSeconds: 1 });
  const res = await tokenRequest(grant(assertion(short.clientId, { kid: 'rsa-1' })));
  t.equal(res.body.expires_in, 1);
  const bearer = { token: res.body.access_token as string, scheme: 'Bearer', host };
  t.equal((await get(sim.url, '/api/v1/org', bearer)).status, 200);
  // Accepted until its second runs out, then refused: poll for the refusal, not a guessed duration.
  const issuedAt = Date.now();
  const expired = await waitFor401(() => get(sim.url, '/api/v1/org', bearer));
  t.comment(`refused ${Date.now() - issuedAt} ms after it was issued`);
  t.equal(expired.status, 401);
  t.equal((expired.body as { errorCode: string }).errorCode, 'E0000011');
  t.match(expired.headers['www-authenticate'], /^Bearer .*error="invalid_token"/);

  const fresh = await tokenRequest(grant(assertion(app.clientId)));
  const live = { token: fresh.body.access_token as string, scheme: 'Bearer', host };
  t.equal(org.expireAccessTokens(app.clientId) >= 1, true);
  t.equal((await get(sim.url, '/api/v1/org', live)).status, 401, 'expired by the control API');

  org.updateServiceApp(short.clientId, { status: 'INACTIVE' });
  const inactive = await tokenRequest(grant(assertion(short.clientId)));
  t.equal(inactive.status, 401);
  t.equal(inactive.body.error, 'invalid_client');

  const dpop = org.registerServiceApp({ keys: [rsaJwk], scopes: READ, dpopRequired: true });
  const refused = await tokenRequest(grant(assertion(dpop.clientId)));
  t.equal(refused.status, 400);
  t.same(refused.body, {
    error: 'invalid_dpop_proof',
    error_description: 'The DPoP proof JWT header is missing.',
  });
});

t.test('faults: forced token failures, then the control API', async (t) => {
  org.failTokenRequests(1);
  const failed = await tokenRequest(grant(assertion(app.clientId)));
  t.equal(failed.status, 503);
  t.equal((await tokenRequest(grant(assertion(app.clientId)))).status, 200, 'only the next one failed');

  const control = async (method: string, path: string, body?: unknown) => {
    const r = await get(sim.url, `/__control/orgs/${DOMAIN}${path}`, { method, ...(body ? { body } : {}) });
    return r;
  };
  const created = await control('POST', '/service-apps', { keys: [rsaJwk], scopes: ['okta.apps.read'] });
  t.equal(created.status, 201);
  const clientId = (created.body as { clientId: string }).clientId;
  t.match(clientId, /^0oa/);
  t.same((created.body as { keys: JsonWebKey[] }).keys[0]?.kid, 'rsa-1');
  t.notOk((created.body as { keys: JsonWebKey[] }).keys[0]?.d, 'only the public half is kept');
  t.equal((await control('PATCH', `/service-apps/${clientId}`, { scopes: READ })).status, 200);
  t.equal((await tokenRequest(grant(assertion(clientId)))).status, 200, 'new scopes apply');
  t.equal((await control('POST', '/token-failures', { count: 1, status: 500 })).status, 200);
  t.equal((await tokenRequest(grant(assertion(clientId)))).status, 500);
  const stats = await control('GET', '/oauth');
  t.ok((stats.body as { tokenRequests: number }).tokenRequests > 3);
  t.equal((await control('DELETE', '/access-tokens')).status, 200);
});
