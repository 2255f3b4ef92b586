// C11 in ingest: a connection whose Vault entry is an OAuth service app syncs with Bearer access
// tokens minted from its key, against the Okta simulator, real Kafka, Redis and Postgres.
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { makeEvent } from '@appgov/contracts';
import { OKTA_READ_SCOPES } from '@appgov/okta-client';
import type { CreateOrgOptions } from '@appgov/okta-simulator';
import t from 'tap';
import { Collector, counts, type Env, publish, setupEnv, startService } from './fixtures/harness.js';

const ALL_SCOPES = [...OKTA_READ_SCOPES];
const org = (domain: string, seed: number): CreateOrgOptions => ({
  domain,
  seed,
  counts: { users: 300, groups: 15, apps: 8 },
  profile: 'workforce',
});

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
const publicJwk = { ...publicKey.export({ format: 'jwk' }), kid: 'ingest-1' };

/** Stores the service app in Vault as connection-service does, then asks for a sync. */
async function requestOAuthSync(
  e: Env,
  domain: string,
  clientId: string,
  scopes?: string[],
): Promise<{ syncId: string; connectionId: string }> {
  const connectionId = randomUUID();
  const syncId = randomUUID();
  await e.store.putOktaCredential('tenant-oauth', connectionId, {
    type: 'oauth_service_app',
    clientId,
    privateKey: pem,
    keyId: 'ingest-1',
    ...(scopes ? { scopes } : {}),
  });
  await publish(t, e, [
    makeEvent('sync.requested', {
      source: '/test',
      tenantId: 'tenant-oauth',
      connectionId,
      data: { syncId, trigger: 'manual', domain },
    }),
  ]);
  return { syncId, connectionId };
}

t.test('syncs with an OAuth service app: complete, scoped, one access token', async (t) => {
  const full = 'oauth-full.okta.com';
  const limited = 'oauth-limited.okta.com';
  const dead = 'oauth-dead.okta.com';
  const e = await setupEnv(t, [org(full, 31), org(limited, 32), org(dead, 33)]);
  const issued: string[] = [];
  for (const domain of [full, limited, dead]) {
    const store = e.okta.sim.org(domain).store;
    const issue = store.issueAccessToken.bind(store);
    store.issueAccessToken = (app, scopes) => {
      const token = issue(app, scopes);
      issued.push(token.value);
      return token;
    };
  }
  const collector = await Collector.start(t, e);
  await startService(t, e);

  await t.test('every dataset, the minimum calls, all with one Bearer token', async (t) => {
    const okta = e.okta.sim.org(full);
    const app = okta.registerServiceApp({ keys: [publicJwk], scopes: ALL_SCOPES, role: 'SUPER_ADMIN' });
    const { syncId } = await requestOAuthSync(e, full, app.clientId);
    const end = await collector.waitForEnd(syncId);
    t.equal(end.type, 'sync.completed', JSON.stringify(end.data));
    const data = end.data as { counts: Record<string, number>; skippedDatasets: string[] };
    t.same(data.skippedDatasets, []);
    const snap = okta.snapshot();
    t.equal(collector.records(syncId, 'users').length, snap.users.length, 'users');
    t.equal(collector.records(syncId, 'apps').length, snap.apps.length, 'apps');
    t.equal(collector.records(syncId, 'api-tokens').length, snap.apiTokens.length, 'api tokens');
    t.equal(collector.of(syncId, 'records.dataset-completed').length, 9, 'nine datasets completed');
    t.same(okta.oauthStats(), { tokenRequests: 1, issued: 1, errors: {} }, 'one token for the whole sync');
    const made = counts(e, full);
    t.equal(made.total, okta.minimumCalls().total, 'no API call beyond the minimum (no 401 retries)');
    t.notOk(okta.requestLog().some((r) => r.status === 401 || r.status === 403));
  });

  await t.test('scopes the app was not granted: those datasets are skipped, the sync succeeds', async (t) => {
    const okta = e.okta.sim.org(limited);
    const granted = ALL_SCOPES.filter((s) => s !== 'okta.apiTokens.read' && s !== 'okta.appGrants.read');
    const app = okta.registerServiceApp({ keys: [publicJwk], scopes: granted });
    const { syncId } = await requestOAuthSync(e, limited, app.clientId, granted);
    const end = await collector.waitForEnd(syncId);
    t.equal(end.type, 'sync.completed', JSON.stringify(end.data));
    const data = end.data as { skippedDatasets: string[] };
    t.same([...data.skippedDatasets].sort(), ['api-tokens', 'app-grants']);
    t.ok(collector.records(syncId, 'users').length > 0);
  });

  await t.test('an app Okta no longer accepts fails the sync with invalid_token', async (t) => {
    const okta = e.okta.sim.org(dead);
    const app = okta.registerServiceApp({ keys: [publicJwk], scopes: ALL_SCOPES });
    okta.updateServiceApp(app.clientId, { status: 'INACTIVE' });
    const { syncId } = await requestOAuthSync(e, dead, app.clientId);
    const end = await collector.waitForEnd(syncId);
    t.equal(end.type, 'sync.failed');
    t.match(end.data, { reasonCode: 'invalid_token', message: /service app/ });
    t.equal(okta.oauthStats().errors.invalid_client, 1, 'not retried');
  });

  await t.test('no private key, assertion or access token in logs or events', async (t) => {
    t.ok(issued.length >= 2, `${issued.length} access tokens issued`);
    t.ok(e.logs.length > 5 && collector.raw.length > 20, 'the haystacks have content');
    const text = [...e.logs, ...collector.raw].join('\n');
    t.notOk(text.includes(pem.split('\n')[1] as string), 'no key');
    t.notOk(text.includes('PRIVATE KEY'), 'no PEM');
    for (const token of issued) t.notOk(text.includes(token), 'no access token');
    t.notOk(text.includes('eyJ'), 'nothing JWT-shaped (assertions, tokens)');
  });
});
