// C11 end to end in connection-service: OAuth service-app connections against real Postgres,
// Kafka and Redis, the Okta simulator's token endpoint and the Vault simulator.
import { generateKeyPairSync, type JsonWebKey } from 'node:crypto';
import { jwkThumbprint, OKTA_READ_SCOPES } from '@appgov/okta-client';
import { sql } from 'kysely';
import t from 'tap';
import { startHarness } from './fixtures/harness.js';

const base = '/v1/integrations/okta/connections';
const ALL_SCOPES = [...OKTA_READ_SCOPES];

async function rsaKey(kid: string) {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const publicJwk: JsonWebKey = { ...publicKey.export({ format: 'jwk' }), kid };
  return {
    pem: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    privateJwk: { ...privateKey.export({ format: 'jwk' }), kid } as JsonWebKey,
    publicJwk,
    publicPem: publicKey.export({ type: 'spki', format: 'pem' }) as string,
    thumbprint: await jwkThumbprint(publicKey.export({ format: 'jwk' })),
  };
}

t.test('OAuth service-app connections (C11)', async (t) => {
  const h = await startHarness(t);
  const acme = h.okta.sim.org('acme.okta.com');
  const globex = h.okta.sim.org('globex.okta.com');
  const initech = h.okta.sim.org('initech.oktapreview.com');
  const keyA = await rsaKey('appgov-a');
  const keyB = await rsaKey('appgov-b');
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const ecPrivateJwk = { ...ec.privateKey.export({ format: 'jwk' }), kid: 'ec-1' } as JsonWebKey;

  // Every access token the simulator hands out, to prove none of them leaks.
  const issued: string[] = [];
  for (const org of [acme, globex, initech]) {
    const issue = org.store.issueAccessToken.bind(org.store);
    org.store.issueAccessToken = (app, scopes) => {
      const token = issue(app, scopes);
      issued.push(token.value);
      return token;
    };
  }
  const acmeApp = acme.registerServiceApp({ keys: [keyA.publicJwk, keyB.publicJwk], scopes: ALL_SCOPES });
  let acmeId = '';

  await t.test('add: 201, the key in Vault only, the client id and key thumbprint shown', async (t) => {
    const res = await h.request('POST', base, h.tokens.adminA, {
      domain: 'acme-admin.okta.com',
      oauth: { clientId: acmeApp.clientId, privateKey: keyA.pem, keyId: 'appgov-a' },
    });
    t.equal(res.status, 201, res.raw);
    acmeId = res.json.id;
    t.equal(res.json.credentialType, 'oauth_service_app');
    t.equal(res.json.token, null);
    t.same(res.json.oauth, {
      clientId: acmeApp.clientId,
      keyId: 'appgov-a',
      publicKeyFingerprint: keyA.thumbprint,
      scopes: ALL_SCOPES,
      updatedAt: h.clock.now.toISOString(),
    });
    t.equal(res.json.adminRole, null, "a service app's role is not readable with these scopes");
    t.equal(res.json.permissionWarnings.length, 1, 'only the role note: every scope was granted');
    t.equal(res.json.status, 'in_progress');
    t.equal(res.json.currentSync.trigger, 'initial');
    t.same(acme.oauthStats().errors, {});
    t.ok(acme.oauthStats().issued >= 1, 'validated with a real access token');

    const stored = h.vault.sim.dumpSecrets().filter((s) => s.path.includes(acmeId));
    t.equal(stored.length, 1);
    t.equal(stored[0]?.path, `tenants/${h.tenantA}/connections/${acmeId}/okta`, 'the API-token path layout');
    t.match(stored[0]?.versions.at(-1)?.data, {
      type: 'oauth_service_app',
      clientId: acmeApp.clientId,
      keyId: 'appgov-a',
      privateKey: keyA.pem,
    });

    const [created] = await h.waitForEvents(acmeId, 'connection.created', 1);
    t.equal(created?.value.data.tokenFingerprint, keyA.thumbprint, 'events carry the public thumbprint');
    await h.waitForEvents(acmeId, 'sync.requested', 1);

    const one = await h.request('GET', `${base}/${acmeId}`, h.tokens.viewerA);
    t.same(one.json.oauth, res.json.oauth);
    const list = await h.request('GET', base, h.tokens.viewerA);
    t.equal(
      list.json.items.find((c: { id: string }) => c.id === acmeId)?.credentialType,
      'oauth_service_app',
    );
  });

  await t.test('bad input: problem+json with stable codes', async (t) => {
    const add = (domain: string, oauth: unknown, extra: Record<string, unknown> = {}) =>
      h.request('POST', base, h.tokens.adminA, { domain, oauth, ...extra });
    const expect = async (
      res: Awaited<ReturnType<typeof add>>,
      status: number,
      code: string,
      why: string,
    ) => {
      t.equal(res.status, status, `${why}: ${res.raw}`);
      t.equal(res.json?.code, code, why);
    };
    const junk = await h.rt.app.inject({
      method: 'POST',
      url: base,
      headers: { authorization: `Bearer ${h.tokens.adminA}` },
      payload: { domain: 'globex', oauth: { clientId: '0oa1', privateKey: 'x'.repeat(64) } },
    });
    h.responses.push(junk.body);
    t.equal(junk.statusCode, 422);
    t.match(junk.headers['content-type'], /application\/problem\+json/);
    t.equal(JSON.parse(junk.body).code, 'OKTA_OAUTH_INVALID_KEY', 'not a key at all');
    await expect(
      await add('globex', { clientId: '0oa1', privateKey: keyA.publicPem }),
      422,
      'OKTA_OAUTH_INVALID_KEY',
      'a public key',
    );
    await expect(
      await add('globex', { clientId: '0oa1', privateKey: keyA.publicJwk }),
      422,
      'OKTA_OAUTH_INVALID_KEY',
      'a public JWK',
    );
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({
      type: 'pkcs8',
      format: 'pem',
    });
    await expect(
      await add('globex', { clientId: '0oa1', privateKey: small }),
      422,
      'OKTA_OAUTH_INVALID_KEY',
      'RSA 1024',
    );
    await expect(
      await add('globex', { clientId: '0oa1', privateKey: keyA.pem }, { apiToken: globex.token }),
      400,
      'VALIDATION_FAILED',
      'a token and a service app at once',
    );
    await expect(
      await add('globex', { clientId: 'bad id!', privateKey: keyA.pem }),
      400,
      'VALIDATION_FAILED',
      'client id charset',
    );
    await expect(
      await add('globex', { clientId: '0oa1', privateKey: keyA.pem, scopes: ['okta.users.manage'] }),
      400,
      'VALIDATION_FAILED',
      'write scopes are never requested',
    );
    await expect(
      await add('globex', { clientId: '0oaNoSuchClient', privateKey: keyA.pem }),
      422,
      'OKTA_INVALID_CLIENT',
      'unknown client',
    );

    const globexApp = globex.registerServiceApp({
      keys: [keyB.publicJwk],
      scopes: ['okta.orgs.read', 'okta.users.read'],
    });
    await expect(
      await add('globex', { clientId: globexApp.clientId, privateKey: keyA.pem }),
      422,
      'OKTA_INVALID_CLIENT',
      'a key not registered with the app',
    );
    const scope = await add('globex', { clientId: globexApp.clientId, privateKey: keyB.privateJwk });
    await expect(scope, 422, 'OKTA_INVALID_SCOPE', 'scopes not granted');
    t.match(scope.json.detail, /Okta API Scopes/);
    const dpopApp = globex.registerServiceApp({
      keys: [keyB.publicJwk],
      scopes: ALL_SCOPES,
      dpopRequired: true,
    });
    const dpop = await add('globex', { clientId: dpopApp.clientId, privateKey: keyB.pem });
    await expect(dpop, 422, 'OKTA_DPOP_REQUIRED', 'DPoP-only app');
    t.match(dpop.json.detail, /Demonstrating Proof of Possession/);
    t.equal(
      h.vault.sim.dumpSecrets().filter((s) => s.path.includes(h.tenantA)).length,
      1,
      'nothing refused reached Vault',
    );

    // The same app with the scopes it has: connected, with a warning per dataset it cannot read.
    const limited = await add('globex', {
      clientId: globexApp.clientId,
      privateKey: JSON.stringify(keyB.privateJwk),
      scopes: ['okta.users.read'],
    });
    t.equal(limited.status, 201, limited.raw);
    t.same(
      limited.json.oauth.scopes,
      ['okta.users.read', 'okta.orgs.read'],
      'okta.orgs.read added for validation',
    );
    t.equal(limited.json.oauth.keyId, 'appgov-b', "the JWK's own kid");
    t.match(limited.json.permissionWarnings.join('\n'), /okta\.apps\.read: apps, app-users will be skipped/);
  });

  await t.test('update: rotate the key, switch to an API token and back; other orgs refused', async (t) => {
    const put = (body: Record<string, unknown>) =>
      h.request('PUT', `${base}/${acmeId}/token`, h.tokens.adminA, body);
    const noConfirm = await put({ oauth: { clientId: acmeApp.clientId, privateKey: keyB.pem } });
    t.equal(noConfirm.status, 409);
    t.equal(noConfirm.json.code, 'confirmation_required');

    const initechApp = initech.registerServiceApp({ keys: [keyA.publicJwk], scopes: ALL_SCOPES });
    const foreign = await put({
      oauth: { clientId: initechApp.clientId, privateKey: keyA.pem },
      confirm: true,
    });
    t.equal(foreign.status, 422, 'a service app of another org is unknown to this one');
    t.equal(foreign.json.code, 'OKTA_INVALID_CLIENT');

    h.clock.now = new Date(h.clock.now.getTime() + 60_000);
    const rotated = await put({
      oauth: { clientId: acmeApp.clientId, privateKey: keyB.privateJwk },
      confirm: true,
    });
    t.equal(rotated.status, 200, rotated.raw);
    t.equal(rotated.json.oauth.publicKeyFingerprint, keyB.thumbprint);
    t.equal(rotated.json.oauth.updatedAt, h.clock.now.toISOString());
    t.equal(rotated.json.currentSync.trigger, 'token-updated');
    const secret = () => h.vault.sim.dumpSecrets().find((s) => s.path.includes(acmeId));
    t.equal(secret()?.currentVersion, 2);
    const updated = await h.waitForEvents(acmeId, 'connection.token-updated', 1);
    t.equal(updated[0]?.value.data.tokenFingerprint, keyB.thumbprint);

    const toToken = await put({ apiToken: acme.token, confirm: true });
    t.equal(toToken.status, 200, toToken.raw);
    t.equal(toToken.json.credentialType, 'api_token');
    t.equal(toToken.json.oauth, null);
    t.equal(toToken.json.token.last4, acme.token.slice(-4));
    t.equal(toToken.json.adminRole, 'SUPER_ADMIN');
    t.same(secret()?.versions.at(-1)?.data, { token: acme.token }, 'stored exactly as an API token');

    const ecApp = acme.registerServiceApp({
      keys: [{ ...ec.publicKey.export({ format: 'jwk' }), kid: 'ec-1' }],
      scopes: ALL_SCOPES,
    });
    const back = await put({ oauth: { clientId: ecApp.clientId, privateKey: ecPrivateJwk }, confirm: true });
    t.equal(back.status, 200, back.raw);
    t.equal(back.json.credentialType, 'oauth_service_app');
    t.equal(back.json.token, null);
    t.equal(back.json.oauth.keyId, 'ec-1');
    t.equal(secret()?.currentVersion, 4);
    const row = await h.rt.db
      .selectFrom('connections')
      .selectAll()
      .where('id', '=', acmeId)
      .executeTakeFirstOrThrow();
    t.match(row, {
      credential_type: 'oauth_service_app',
      oauth_client_id: ecApp.clientId,
      token_last4: null,
      token_fingerprint: null,
    });
  });

  await t.test('OpenAPI documents both credential kinds', async (t) => {
    const doc = (await h.rt.app.inject({ url: '/docs/json' })).body;
    t.match(doc, /oauth_service_app/);
    t.match(doc, /publicKeyFingerprint/);
    t.match(doc, /okta\.apiTokens\.read/);
  });

  await t.test(
    'no private key, client assertion or access token in Postgres, responses, logs or Kafka',
    async (t) => {
      await h.waitForEvents(acmeId, 'connection.token-updated', 3);
      // Everything published so far, not just the awaited events, before scanning Kafka for secrets.
      await h.waitCaughtUp();
      let dbText = '';
      for (const table of ['connections', 'sync_runs', 'tenant_settings', 'outbox']) {
        const { rows } = await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(
          h.rt.db,
        );
        dbText += JSON.stringify(rows);
      }
      const haystacks: Record<string, string> = {
        postgres: dbText,
        responses: h.responses.join('\n'),
        logs: h.logs.join('\n'),
        kafka: h.seen.map((m) => m.raw).join('\n'),
      };
      t.ok(issued.length >= 3, `${issued.length} access tokens issued`);
      t.ok(h.logs.length > 10 && h.seen.length > 5 && h.responses.length > 10, 'the haystacks have content');
      const secrets: [string, string][] = [
        ['RSA key A', keyA.pem.split('\n')[1] as string],
        ['RSA key B', keyB.pem.split('\n')[1] as string],
        ['JWK d of B', String(keyB.privateJwk.d).slice(0, 40)],
        ['EC JWK d', String(ecPrivateJwk.d)],
        ['API token', acme.token],
        ...issued.map((v, i): [string, string] => [`access token ${i}`, v]),
      ];
      for (const [where, text] of Object.entries(haystacks)) {
        for (const [what, secret] of secrets) t.notOk(text.includes(secret), `${what} not in ${where}`);
        t.notOk(text.includes('PRIVATE KEY'), `no PEM in ${where}`);
        // Client assertions (and access tokens) are JWTs; their JSON header encodes to "eyJ".
        t.notOk(text.includes('eyJ'), `nothing JWT-shaped in ${where}`);
      }
    },
  );
});
