import { AppError, NotFoundError } from '@appgov/errors';
import { startVaultSimulator } from '@appgov/vault-simulator';
import t, { type Test } from 'tap';
import { createWebhookSecretStoreFromEnv } from '../src/index.js';

const SECRET = 'whsec_0123456789abcdefghijklmnopqrstuvwxyzABCDEFG';

async function store(t: Test, prefix = '') {
  const vault = await startVaultSimulator();
  t.teardown(() => vault.close());
  const secrets = createWebhookSecretStoreFromEnv({
    VAULT_ADDR: vault.url,
    VAULT_TOKEN: vault.rootToken,
    VAULT_AUTH_METHOD: 'token',
    VAULT_KUBERNETES_ROLE: 'unused',
    VAULT_KUBERNETES_JWT_PATH: '/nonexistent',
    VAULT_KUBERNETES_MOUNT: 'kubernetes',
    VAULT_KV_MOUNT: 'secret',
    VAULT_PATH_PREFIX: prefix,
  });
  return { vault, secrets };
}

t.test('a webhook secret is written, read back and destroyed at its tenant path', async (t) => {
  const { vault, secrets } = await store(t, 'appgov/test');
  t.same(await secrets.putWebhookSecret('tenant-1', 'hook-1', SECRET), { version: 1 });
  t.equal(await secrets.getWebhookSecret('tenant-1', 'hook-1'), SECRET);
  const [stored] = vault.sim.dumpSecrets();
  t.equal(stored?.path, 'appgov/test/tenants/tenant-1/webhooks/hook-1/signing', 'documented path layout');
  t.same(stored?.versions[0]?.data, { secret: SECRET });

  await secrets.destroyWebhookSecret('tenant-1', 'hook-1');
  t.same(vault.sim.dumpSecrets(), [], 'every version and the metadata are gone');
  await t.rejects(secrets.getWebhookSecret('tenant-1', 'hook-1'), NotFoundError);
  await secrets.destroyWebhookSecret('tenant-1', 'hook-1');
  t.pass('destroying again is fine');
});

t.test('ids that could leave the tenant folder are refused before Vault is asked', async (t) => {
  const { vault, secrets } = await store(t);
  await t.rejects(secrets.putWebhookSecret('tenant-1', '../other', SECRET), { code: 'SECRET_INVALID_ID' });
  await t.rejects(secrets.putWebhookSecret('tenant-1', 'hook-1', ''), AppError);
  t.same(vault.sim.dumpSecrets(), []);
});
