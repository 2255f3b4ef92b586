// Vault over HTTPS with a private CA (VAULT_CACERT): the scripts' CA and server certificate
// (deploy/local/tls.sh) serve the simulator; the store trusts it only through VAULT_CACERT.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { startVaultSimulator } from '@appgov/vault-simulator';
import t from 'tap';
import { createSecretStoreFromEnv, type VaultEnv, vaultTlsFromEnv } from '../src/index.js';

const tlsDir =
  process.env.APPGOV_TLS_DIR ||
  resolve(process.env.APPGOV_STATE || resolve(process.cwd(), '../../.local'), 'tls');

t.test('the secret store reaches an HTTPS Vault through VAULT_CACERT, and only with it', async (t) => {
  const vault = await startVaultSimulator({
    tls: {
      cert: readFileSync(resolve(tlsDir, 'server.pem'), 'utf8'),
      key: readFileSync(resolve(tlsDir, 'server.key'), 'utf8'),
    },
  });
  t.teardown(() => vault.close());
  t.match(vault.url, /^https:\/\//);
  const env: VaultEnv = {
    VAULT_ADDR: vault.url,
    VAULT_CACERT: resolve(tlsDir, 'ca.pem'),
    VAULT_TOKEN: vault.rootToken,
    VAULT_AUTH_METHOD: 'token',
    VAULT_KUBERNETES_ROLE: 'x',
    VAULT_KUBERNETES_JWT_PATH: '/nonexistent',
    VAULT_KUBERNETES_MOUNT: 'kubernetes',
    VAULT_KV_MOUNT: 'secret',
    VAULT_PATH_PREFIX: '',
  };
  const store = createSecretStoreFromEnv(env);
  await store.putOktaToken('tenant-tls', 'conn-tls', 'okta-token-over-tls');
  t.equal(
    await store.getOktaToken('tenant-tls', 'conn-tls'),
    'okta-token-over-tls',
    'written and read over HTTPS',
  );

  const { VAULT_CACERT: _ca, ...withoutCa } = env;
  const untrusting = createSecretStoreFromEnv(withoutCa);
  const error = await untrusting.getOktaToken('tenant-tls', 'conn-tls').catch((e: unknown) => e);
  t.ok(error instanceof Error, 'without the CA the certificate is refused');
  t.notMatch(String((error as Error).message), /okta-token-over-tls/);

  t.throws(() => vaultTlsFromEnv({ VAULT_CACERT: '/nonexistent/ca.pem' }), /VAULT_CACERT: cannot read/);
});
