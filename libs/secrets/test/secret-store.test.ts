import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppError, NotFoundError, UpstreamUnavailableError } from '@appgov/errors';
import { type StartedVaultSimulator, startVaultSimulator } from '@appgov/vault-simulator';
import t, { type Test } from 'tap';
import { createSecretStore } from '../src/index.js';

const OKTA_TOKEN = '00aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789-secret';
const SECOND_TOKEN = '00zYxWvUtSrQpOnMlKjIhGfEdCbA9876543210-newer';

async function simulator(t: Test, options: Parameters<typeof startVaultSimulator>[0] = {}) {
  const vault = await startVaultSimulator(options);
  t.teardown(() => vault.close());
  return vault;
}

/** Collects the failure so that tests can assert its class, code and message. */
async function failure(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected a failure');
}

function assertNoSecret(t: Test, error: AppError, vault: StartedVaultSimulator, ...secrets: string[]) {
  const seen = `${error.message} ${JSON.stringify(error)} ${String(error.stack)} ${String(error.cause ?? '')}`;
  for (const secret of [...secrets, vault.rootToken])
    t.notMatch(seen, secret, 'no secret or Vault token in the error');
}

t.test(
  'put twice gives version 2; get returns the latest; destroy removes everything, twice is fine',
  async (t) => {
    const vault = await simulator(t);
    const store = createSecretStore({
      endpoint: vault.url,
      mount: 'secret',
      auth: { method: 'token', token: vault.rootToken },
    });

    t.same(await store.putOktaToken('tenant-1', 'conn-1', OKTA_TOKEN), { version: 1 });
    t.same(await store.putOktaToken('tenant-1', 'conn-1', SECOND_TOKEN), { version: 2 });
    t.equal(await store.getOktaToken('tenant-1', 'conn-1'), SECOND_TOKEN);

    const [stored] = vault.sim.dumpSecrets();
    t.equal(stored?.path, 'tenants/tenant-1/connections/conn-1/okta', 'documented path layout');
    t.equal(stored?.versions.length, 2);

    await store.destroyOktaToken('tenant-1', 'conn-1');
    t.same(vault.sim.dumpSecrets(), [], 'every version and the metadata are gone');
    const gone = await failure(store.getOktaToken('tenant-1', 'conn-1'));
    t.ok(gone instanceof NotFoundError);
    t.equal(gone.code, 'SECRET_NOT_FOUND');
    await store.destroyOktaToken('tenant-1', 'conn-1');
    t.pass('destroying again is fine');
  },
);

t.test('pathPrefix and a custom mount', async (t) => {
  const vault = await simulator(t, { mounts: ['kv'] });
  const store = createSecretStore({
    endpoint: vault.url,
    mount: 'kv',
    pathPrefix: '/appgov/test/',
    auth: { method: 'token', token: vault.rootToken },
  });
  await store.putOktaToken('t', 'c', OKTA_TOKEN);
  t.same(
    vault.sim.dumpSecrets().map((s) => `${s.mount}/${s.path}`),
    ['kv/appgov/test/tenants/t/connections/c/okta'],
  );
  const bad = await failure(store.getOktaToken('../other', 'c'));
  t.equal(bad.code, 'SECRET_INVALID_ID');
});

t.test('sealed or down Vault is VAULT_UNAVAILABLE and retryable, without secrets in the error', async (t) => {
  const vault = await simulator(t);
  const store = createSecretStore({
    endpoint: vault.url,
    mount: 'secret',
    auth: { method: 'token', token: vault.rootToken },
  });
  await store.ping();

  vault.sim.seal();
  const put = await failure(store.putOktaToken('t', 'c', OKTA_TOKEN));
  t.ok(put instanceof UpstreamUnavailableError);
  t.equal(put.code, 'VAULT_UNAVAILABLE');
  t.equal(put.retryable, true);
  t.match(put.message, 'sealed');
  assertNoSecret(t, put, vault, OKTA_TOKEN);
  t.equal((await failure(store.ping())).code, 'VAULT_UNAVAILABLE');
  vault.sim.unseal();

  await vault.sim.setUnavailable('refused');
  const refused = await failure(store.putOktaToken('t', 'c', OKTA_TOKEN));
  t.equal(refused.code, 'VAULT_UNAVAILABLE');
  t.equal(refused.retryable, true);
  assertNoSecret(t, refused, vault, OKTA_TOKEN);
  t.equal((await failure(store.ping())).code, 'VAULT_UNAVAILABLE');

  await vault.sim.setUnavailable('reset');
  const reset = await failure(store.getOktaToken('t', 'c'));
  t.equal(reset.code, 'VAULT_UNAVAILABLE');
  await vault.sim.setUnavailable(false);
  await store.ping();
});

t.test('a read-only token gets VAULT_FORBIDDEN on write', async (t) => {
  const vault = await simulator(t, {
    policies: { reader: [{ path: 'secret/data/tenants/*', capabilities: ['read'] }] },
  });
  const root = createSecretStore({
    endpoint: vault.url,
    mount: 'secret',
    auth: { method: 'token', token: vault.rootToken },
  });
  await root.putOktaToken('t', 'c', OKTA_TOKEN);
  const readerToken = vault.sim.createToken({ policies: ['default', 'reader'], ttlSeconds: 600 });
  const reader = createSecretStore({
    endpoint: vault.url,
    mount: 'secret',
    auth: { method: 'token', token: readerToken },
  });

  t.equal(await reader.getOktaToken('t', 'c'), OKTA_TOKEN);
  const denied = await failure(reader.putOktaToken('t', 'c', SECOND_TOKEN));
  t.equal(denied.code, 'VAULT_FORBIDDEN');
  t.equal(denied.retryable, false);
  assertNoSecret(t, denied, vault, SECOND_TOKEN, OKTA_TOKEN, readerToken);
  t.equal((await failure(reader.destroyOktaToken('t', 'c'))).code, 'VAULT_FORBIDDEN');
});

t.test('kubernetes auth logs in, re-logs in after a revoked token and before the lease ends', async (t) => {
  const vault = await simulator(t, {
    policies: {
      'okta-tokens': [
        { path: 'secret/data/tenants/*', capabilities: ['create', 'read', 'update'] },
        { path: 'secret/metadata/tenants/*', capabilities: ['read', 'delete'] },
        { path: 'secret/destroy/tenants/*', capabilities: ['update'] },
      ],
    },
    kubernetes: {
      roles: {
        'connection-service': {
          boundServiceAccountNames: ['connection-service'],
          boundServiceAccountNamespaces: ['appgov'],
          policies: ['okta-tokens'],
          ttlSeconds: 1,
        },
      },
    },
  });
  const dir = await mkdtemp(join(tmpdir(), 'secrets-k8s-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const jwtPath = join(dir, 'token');
  await writeFile(
    jwtPath,
    vault.sim.issueServiceAccountJwt({ name: 'connection-service', namespace: 'appgov' }),
  );
  const store = createSecretStore({
    endpoint: vault.url,
    mount: 'secret',
    auth: { method: 'kubernetes', role: 'connection-service', jwtPath },
  });

  t.same(await store.putOktaToken('t', 'c', OKTA_TOKEN), { version: 1 });
  t.equal(vault.sim.requestCount('/v1/auth/kubernetes/login'), 1);

  // The lease is 1 s and the store renews at 80%: waiting past that makes it log in first.
  await new Promise((r) => setTimeout(r, 900));
  t.equal(await store.getOktaToken('t', 'c'), OKTA_TOKEN);
  t.equal(vault.sim.requestCount('/v1/auth/kubernetes/login'), 2);
  t.equal(vault.sim.requestCount('GET /v1/secret/data/'), 1, 'no failed read before the re-login');

  // A token revoked behind the store's back answers 403: the store logs in again and retries.
  vault.sim.setKubernetesRole('connection-service', {
    boundServiceAccountNames: ['connection-service'],
    boundServiceAccountNamespaces: ['appgov'],
    policies: ['okta-tokens'],
    ttlSeconds: 3600,
  });
  t.ok(vault.sim.revokeAllTokens() >= 1);
  t.equal(await store.getOktaToken('t', 'c'), OKTA_TOKEN);
  t.equal(vault.sim.requestCount('/v1/auth/kubernetes/login'), 3, 'one re-login after the 403');
  t.equal(vault.sim.requestCount('GET /v1/secret/data/'), 3, 'the denied read was retried once');
  await store.getOktaToken('t', 'c');
  t.equal(vault.sim.requestCount('/v1/auth/kubernetes/login'), 3, 'a valid lease is reused');
  await store.destroyOktaToken('t', 'c');
  t.same(vault.sim.dumpSecrets(), []);
});

t.test(
  'kubernetes login refused is VAULT_FORBIDDEN; an unreadable JWT file is VAULT_AUTH_FAILED',
  async (t) => {
    const vault = await simulator(t, {
      kubernetes: {
        roles: {
          app: { boundServiceAccountNames: ['app'], boundServiceAccountNamespaces: ['ns'], policies: [] },
        },
      },
    });
    const dir = await mkdtemp(join(tmpdir(), 'secrets-k8s-'));
    t.teardown(() => rm(dir, { recursive: true, force: true }));
    const jwt = vault.sim.issueServiceAccountJwt({ name: 'other', namespace: 'ns' });
    await writeFile(join(dir, 'token'), jwt);
    const store = createSecretStore({
      endpoint: vault.url,
      mount: 'secret',
      auth: { method: 'kubernetes', role: 'app', jwtPath: join(dir, 'token') },
    });
    const refused = await failure(store.getOktaToken('t', 'c'));
    t.equal(refused.code, 'VAULT_FORBIDDEN');
    assertNoSecret(t, refused, vault, jwt);
    const missing = createSecretStore({
      endpoint: vault.url,
      mount: 'secret',
      auth: { method: 'kubernetes', role: 'app', jwtPath: join(dir, 'absent') },
    });
    t.equal((await failure(missing.getOktaToken('t', 'c'))).code, 'VAULT_AUTH_FAILED');
  },
);
