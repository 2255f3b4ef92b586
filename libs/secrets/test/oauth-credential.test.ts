// C11: an OAuth service-app credential lives at the same KV path as an API token, typed.
import { generateKeyPairSync } from 'node:crypto';
import type { AppError } from '@appgov/errors';
import { startVaultSimulator } from '@appgov/vault-simulator';
import t from 'tap';
import { createSecretStore } from '../src/index.js';

const PEM = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({
  type: 'pkcs8',
  format: 'pem',
}) as string;
const TOKEN = '00aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789-secret';

t.test('OAuth and API-token credentials share the path; the type decides how they read back', async (t) => {
  const vault = await startVaultSimulator();
  t.teardown(() => vault.close());
  const store = createSecretStore({
    endpoint: vault.url,
    mount: 'secret',
    auth: { method: 'token', token: vault.rootToken },
  });
  const oauth = {
    type: 'oauth_service_app' as const,
    clientId: '0oa1serviceapp',
    privateKey: PEM,
    keyId: 'kid-1',
    scopes: ['okta.users.read', 'okta.orgs.read'],
  };
  t.same(await store.putOktaCredential('t', 'c', oauth), { version: 1 });
  t.same(await store.getOktaCredential('t', 'c'), oauth);
  const [stored] = vault.sim.dumpSecrets();
  t.equal(stored?.path, 'tenants/t/connections/c/okta', 'the same path layout as API tokens');
  t.match(stored?.versions.at(-1)?.data, { type: 'oauth_service_app', clientId: '0oa1serviceapp' });
  const noToken = await store.getOktaToken('t', 'c').catch((e: unknown) => e as AppError);
  t.equal((noToken as AppError).code, 'SECRET_NOT_FOUND', 'an OAuth entry has no API token');

  // Switching the connection back to an API token is a new version, stored exactly as before C11.
  t.same(await store.putOktaCredential('t', 'c', { type: 'api_token', token: TOKEN }), { version: 2 });
  t.same(vault.sim.dumpSecrets()[0]?.versions.at(-1)?.data, { token: TOKEN });
  t.same(await store.getOktaCredential('t', 'c'), { type: 'api_token', token: TOKEN });
  await store.putOktaToken('t', 'legacy', TOKEN);
  t.same(await store.getOktaCredential('t', 'legacy'), { type: 'api_token', token: TOKEN });

  await store.destroyOktaToken('t', 'c');
  const gone = await store.getOktaCredential('t', 'c').catch((e: unknown) => e as AppError);
  t.equal((gone as AppError).code, 'SECRET_NOT_FOUND');

  const bad = await store
    .putOktaCredential('t', 'c', { ...oauth, clientId: '' })
    .catch((e: unknown) => e as AppError);
  t.equal((bad as AppError).code, 'SECRET_INVALID_VALUE');
  t.notMatch(`${(bad as AppError).message} ${JSON.stringify(bad)}`, PEM.slice(30, 70), 'no key in the error');
});
