// OAuth service-app credentials against the Okta simulator: the client assertion, the token cache,
// refresh before expiry and after a 401, token-endpoint error classes, and no secret in logs/errors.
import { generateKeyPairSync, type JsonWebKey } from 'node:crypto';
import { inspect } from 'node:util';
import { AppError } from '@appgov/errors';
import { type RunningSimulator, startOktaSimulator } from '@appgov/okta-simulator';
import { waitFor } from '@appgov/testing';
import { Registry } from 'prom-client';
import t, { type Test } from 'tap';
import {
  createOktaClientFactory,
  jwkThumbprint,
  OKTA_READ_SCOPES,
  type OktaClientFactoryOptions,
  type OktaLogger,
  parseServiceAppKey,
  testResolver,
} from '../src/index.js';

const DOMAIN = 'oauth-client.okta.com';

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const rsaPem = rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
const rsaPublicJwk: JsonWebKey = { ...rsa.publicKey.export({ format: 'jwk' }), kid: 'appgov-1' };
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const ecPrivateJwk: JsonWebKey = { ...ec.privateKey.export({ format: 'jwk' }), kid: 'ec-1' };
const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 });

const sim: RunningSimulator = await startOktaSimulator({ orgs: [{ domain: DOMAIN, seed: 5, size: 'tiny' }] });
t.teardown(() => sim.close());
const org = sim.sim.org(DOMAIN);

const lines: string[] = [];
const logger: OktaLogger = {
  debug: (o, m) => lines.push(JSON.stringify({ ...o, m })),
  info: (o, m) => lines.push(JSON.stringify({ ...o, m })),
  warn: (o, m) => lines.push(JSON.stringify({ ...o, m })),
};
const errors: unknown[] = [];

function factoryFor(t: Test, extra: Partial<OktaClientFactoryOptions> = {}) {
  const factory = createOktaClientFactory({
    resolver: testResolver({ port: sim.port }),
    allowInsecureForTests: true,
    registry: new Registry(),
    retry: { baseDelayMs: 10, maxDelayMs: 50 },
    logger,
    ...extra,
  });
  t.teardown(() => factory.close());
  return factory;
}

async function failure(t: Test, promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    errors.push(error);
    if (error instanceof AppError) return error;
    throw error;
  }
  t.fail('expected a failure');
  throw new Error('expected a failure');
}

const app = (input: Parameters<typeof org.registerServiceApp>[0]) => org.registerServiceApp(input);

t.test('a service app validates, reads, and reuses one access token', async (t) => {
  const reader = app({ keys: [rsaPublicJwk], scopes: [...OKTA_READ_SCOPES] });
  const factory = factoryFor(t);
  org.resetRequestCounts();
  const credential = {
    type: 'oauth' as const,
    clientId: reader.clientId,
    privateKey: rsaPem,
    keyId: 'appgov-1',
  };
  const client = factory.forOrg(DOMAIN, credential);
  const identity = await client.validateToken();
  t.same(identity.scopes, [...OKTA_READ_SCOPES], 'the scopes Okta granted');
  t.equal(identity.userId, undefined);
  let users = 0;
  for await (const page of client.listUsers()) users += page.items.length;
  t.ok(users > 0);
  const tokens = [];
  for await (const page of client.listApiTokens()) tokens.push(...page.items);
  t.ok(tokens.length > 0, 'privileged datasets with a super admin app');
  // A second client of the same connection (the next sync) shares the cached token.
  await factory.forOrg(DOMAIN, credential).getOrg();
  t.same(org.oauthStats(), { tokenRequests: 1, issued: 1, errors: {} }, 'one token request in all');
  t.notOk(org.requestLog().some((r) => r.status === 401));
});

t.test('concurrent first calls share one token request', async (t) => {
  const reader = app({ keys: [rsaPublicJwk], scopes: [...OKTA_READ_SCOPES] });
  const factory = factoryFor(t);
  org.resetRequestCounts();
  const client = factory.forOrg(DOMAIN, { type: 'oauth', clientId: reader.clientId, privateKey: rsaPem });
  await Promise.all(Array.from({ length: 6 }, () => client.getOrg()));
  t.equal(org.oauthStats().tokenRequests, 1, 'no kid needed: Okta tries every registered key');
});

t.test('EC keys as a private JWK sign ES256 with their own kid', async (t) => {
  const ecApp = app({
    keys: [{ ...ec.publicKey.export({ format: 'jwk' }), kid: 'ec-1' }],
    scopes: ['okta.orgs.read', 'okta.users.read'],
  });
  t.equal(parseServiceAppKey(ecPrivateJwk).algorithm, 'ES256');
  const factory = factoryFor(t);
  const identity = await factory
    .forOrg(DOMAIN, {
      type: 'oauth',
      clientId: ecApp.clientId,
      privateKey: JSON.stringify(ecPrivateJwk),
      scopes: ['okta.orgs.read', 'okta.users.read'],
    })
    .validateToken();
  t.same(identity.scopes, ['okta.orgs.read', 'okta.users.read']);
});

t.test('one failed token request counts once in the breaker, however many calls waited', async (t) => {
  const reader = app({ keys: [rsaPublicJwk], scopes: [...OKTA_READ_SCOPES] });
  const factory = factoryFor(t, { retry: { maxAttempts: 1 }, breaker: { consecutiveFailures: 2 } });
  const client = factory.forOrg(DOMAIN, { type: 'oauth', clientId: reader.clientId, privateKey: rsaPem });
  org.resetRequestCounts();
  org.failTokenRequests(1, 503);
  const results = await Promise.allSettled(Array.from({ length: 5 }, () => client.getOrg()));
  t.ok(results.every((r) => r.status === 'rejected' && (r.reason as AppError).code === 'OKTA_UNAVAILABLE'));
  t.equal(org.oauthStats().tokenRequests, 1);
  t.equal(factory.breakerState(DOMAIN), 'closed');
  await client.getOrg();
});

t.test('the token is refreshed shortly before it expires, without a 401', async (t) => {
  const short = app({ keys: [rsaPublicJwk], scopes: [...OKTA_READ_SCOPES], tokenTtlSeconds: 2 });
  const factory = factoryFor(t);
  org.resetRequestCounts();
  const client = factory.forOrg(DOMAIN, { type: 'oauth', clientId: short.clientId, privateKey: rsaPem });
  await client.getOrg();
  await client.getOrg();
  t.equal(org.oauthStats().tokenRequests, 1);
  // Refreshed at 80% of the 2 s lifetime: call until the client fetches its second token.
  await waitFor(
    async () => {
      await client.getOrg();
      return org.oauthStats().tokenRequests === 2;
    },
    { timeoutMs: 10_000, intervalMs: 100, description: 'the refreshed token' },
  );
  t.equal(org.oauthStats().tokenRequests, 2, 'a new token before the old one expired');
  t.notOk(
    org.requestLog().some((r) => r.status === 401),
    'Okta never saw an expired token',
  );
});

t.test('a 401 from the API fetches a new token once; a dead app then fails as invalid client', async (t) => {
  const reader = app({ keys: [rsaPublicJwk], scopes: [...OKTA_READ_SCOPES] });
  const factory = factoryFor(t, { retry: { maxAttempts: 1 } });
  org.resetRequestCounts();
  const client = factory.forOrg(DOMAIN, { type: 'oauth', clientId: reader.clientId, privateKey: rsaPem });
  await client.getOrg();
  org.expireAccessTokens(reader.clientId);
  await client.getOrg();
  t.equal(org.oauthStats().tokenRequests, 2, 'one new token after the 401');
  t.equal(org.requestLog().filter((r) => r.status === 401).length, 1);

  org.expireAccessTokens(reader.clientId);
  org.updateServiceApp(reader.clientId, { status: 'INACTIVE' });
  const err = await failure(t, client.getOrg());
  t.equal(err.code, 'OKTA_INVALID_CLIENT');
  t.equal(err.retryable, false);
  t.equal(org.oauthStats().tokenRequests, 3, 'refreshed once, then gave up');
  t.equal(factory.breakerState(DOMAIN), 'closed', 'refused credentials never trip the breaker');
});

t.test('token endpoint refusals are classified; 5xx is retried', async (t) => {
  const reader = app({ keys: [rsaPublicJwk], scopes: ['okta.orgs.read', 'okta.users.read'] });
  const factory = factoryFor(t, { retry: { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 20 } });
  const wrongKey = factory.forOrg(DOMAIN, {
    type: 'oauth',
    clientId: reader.clientId,
    privateKey: stranger.privateKey.export({ type: 'pkcs1', format: 'pem' }) as string,
  });
  org.resetRequestCounts();
  const invalid = await failure(t, wrongKey.getOrg());
  t.equal(invalid.code, 'OKTA_INVALID_CLIENT');
  t.equal(invalid.retryable, false);
  t.match(invalid.details, { status: 401, oauthError: 'invalid_client', path: '/oauth2/v1/token' });
  t.equal(org.oauthStats().tokenRequests, 1, 'not retried');

  const tooMuch = factory.forOrg(DOMAIN, { type: 'oauth', clientId: reader.clientId, privateKey: rsaPem });
  const scope = await failure(t, tooMuch.getOrg());
  t.equal(scope.code, 'OKTA_INVALID_SCOPE', 'the default scopes include ones this app lacks');
  t.equal(scope.retryable, false);
  t.match(String(scope.details?.oauthErrorDescription), /okta\.apps\.read/);

  const limited = factory.forOrg(DOMAIN, {
    type: 'oauth',
    clientId: reader.clientId,
    privateKey: rsaPem,
    scopes: ['okta.orgs.read', 'okta.users.read'],
  });
  org.resetRequestCounts();
  org.failTokenRequests(2, 503);
  // Regression: token requests once ran inside the pacer's slot, and each failed one left the
  // bucket's first-call probe unanswered for the probe interval. Here that interval is an hour, so
  // the regression hangs this test into its timeout instead of costing a measurable 2 s.
  const unprobed = factoryFor(t, {
    retry: { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 20 },
    pacer: { probeIntervalMs: 3_600_000 },
  }).forOrg(DOMAIN, {
    type: 'oauth',
    clientId: reader.clientId,
    privateKey: rsaPem,
    scopes: ['okta.orgs.read', 'okta.users.read'],
  });
  const started = Date.now();
  await unprobed.getOrg();
  t.comment(`two failed token requests retried in ${Date.now() - started} ms`);
  t.equal(org.oauthStats().tokenRequests, 3, 'two 503s retried, then a token');
  const apps = await failure(t, limited.get('/api/v1/apps'));
  t.equal(apps.code, 'OKTA_FORBIDDEN', 'a missing scope on the API is a 403 the sync skips');
  t.equal(apps.details?.insufficientScope, true);

  const fresh = factoryFor(t, { retry: { maxAttempts: 2, baseDelayMs: 5, maxDelayMs: 20 } });
  org.failTokenRequests(5, 503);
  const down = await failure(
    t,
    fresh
      .forOrg(DOMAIN, {
        type: 'oauth',
        clientId: reader.clientId,
        privateKey: rsaPem,
        scopes: ['okta.orgs.read'],
      })
      .getOrg(),
  );
  t.equal(down.code, 'OKTA_UNAVAILABLE');
  t.equal(down.retryable, true);
  org.failTokenRequests(0);

  const dpop = app({ keys: [rsaPublicJwk], scopes: [...OKTA_READ_SCOPES], dpopRequired: true });
  const needsDpop = await failure(
    t,
    fresh.forOrg(DOMAIN, { type: 'oauth', clientId: dpop.clientId, privateKey: rsaPem }).getOrg(),
  );
  t.equal(needsDpop.code, 'OKTA_DPOP_REQUIRED');
  t.match(needsDpop.message, /DPoP/);

  const unknownOrg = await failure(
    t,
    fresh
      .forOrg('nowhere.okta.com', { type: 'oauth', clientId: reader.clientId, privateKey: rsaPem })
      .getOrg(),
  );
  t.equal(unknownOrg.code, 'OKTA_ORG_NOT_FOUND');
});

t.test('keys that are not RSA/EC private keys are refused before anything is sent', async (t) => {
  const bad: [string, string | JsonWebKey][] = [
    ['garbage', 'not a key'],
    ['a truncated PEM', `${rsaPem.slice(0, 200)}\n-----END PRIVATE KEY-----\n`],
    ['a public key', rsa.publicKey.export({ type: 'spki', format: 'pem' }) as string],
    ['a public JWK', rsaPublicJwk],
    ['a JWK Set', JSON.stringify({ keys: [rsaPublicJwk] })],
    ['broken JSON', '{"kty":'],
    [
      'RSA 1024',
      generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({
        type: 'pkcs8',
        format: 'pem',
      }) as string,
    ],
    ['Ed25519', generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }) as string],
    [
      'an encrypted key',
      rsa.privateKey.export({
        type: 'pkcs8',
        format: 'pem',
        cipher: 'aes-256-cbc',
        passphrase: 'x',
      }) as string,
    ],
  ];
  for (const [what, key] of bad) {
    t.throws(() => parseServiceAppKey(key), { code: 'OKTA_OAUTH_INVALID_KEY' }, what);
  }
  const factory = factoryFor(t);
  t.throws(() => factory.forOrg(DOMAIN, { type: 'oauth', clientId: '0oa1', privateKey: 'nope' }), {
    code: 'OKTA_OAUTH_INVALID_KEY',
  });
  try {
    parseServiceAppKey(`${rsaPem.slice(0, 200)}\n-----END PRIVATE KEY-----\n`);
  } catch (error) {
    t.notMatch((error as Error).message, rsaPem.slice(40, 80), 'the message never quotes the key');
  }

  const pem = parseServiceAppKey(rsaPem);
  const jwk = parseServiceAppKey({ ...rsa.privateKey.export({ format: 'jwk' }), kid: 'k9' });
  const fingerprint = await pem.publicKeyFingerprint();
  t.equal(fingerprint, await jwk.publicKeyFingerprint(), 'one fingerprint whatever the format');
  t.equal(fingerprint, await jwkThumbprint(rsa.publicKey.export({ format: 'jwk' })));
  t.match(fingerprint, /^[A-Za-z0-9_-]{43}$/);
  t.equal(jwk.keyId, 'k9', "a private JWK's kid is used");
  t.equal(parseServiceAppKey(rsaPem, 'given').keyId, 'given');
  t.equal(pem.algorithm, 'RS256');
  t.match(pem.pkcs8Pem(), /^-----BEGIN PRIVATE KEY-----/);
  t.notOk(inspect(pem).includes(rsaPem.slice(40, 80)), 'inspecting the parsed key shows no material');
});

t.test('no private key, assertion or access token in any log line or error', async (t) => {
  const issued = [...org.store.authTokens.values()].filter((x) => x.clientId).map((x) => x.value);
  t.ok(issued.length >= 1, `${issued.length} access tokens still live in the simulator`);
  t.ok(lines.length > 3, `${lines.length} log lines`);
  t.ok(errors.length > 5, `${errors.length} errors`);
  const haystack = [
    ...lines,
    ...errors.map((e) => `${inspect(e, { depth: 8 })} ${JSON.stringify(e)} ${(e as Error).stack}`),
  ].join('\n');
  const keyBody = rsaPem.split('\n').slice(1, 4).join('');
  t.notOk(haystack.includes(keyBody.slice(0, 40)), 'no PEM body');
  t.notOk(haystack.includes(String(ecPrivateJwk.d)), 'no private JWK');
  for (const token of issued) t.notOk(haystack.includes(token), 'no access token');
  // Assertions and access tokens are JWT-shaped: a JSON header base64url-encodes to "eyJ".
  t.notOk(haystack.includes('eyJ'), 'nothing JWT-shaped at all');
});
