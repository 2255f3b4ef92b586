import nodeVault from 'node-vault';
import t from 'tap';
import { withSimulator } from './helpers.js';

// node-vault, unchanged, is the client the product uses: if it works here, the simulator speaks Vault.
t.test('node-vault writes, reads, versions, lists and destroys a secret', async (t) => {
  const vault = await withSimulator(t);
  const client = nodeVault({ endpoint: vault.url, token: vault.rootToken });

  const w1 = await client.write('secret/data/tenants/t1/okta', { data: { token: 'first' } });
  t.equal(w1.data.version, 1);
  const w2 = await client.write('secret/data/tenants/t1/okta', {
    data: { token: 'second' },
    options: { cas: 1 },
  });
  t.equal(w2.data.version, 2);
  const stale = await client
    .write('secret/data/tenants/t1/okta', { data: { token: 'third' }, options: { cas: 1 } })
    .catch((e: any) => e);
  t.equal(stale.response.statusCode, 400);
  t.equal(stale.message, 'check-and-set parameter did not match the current version');

  t.equal((await client.read('secret/data/tenants/t1/okta')).data.data.token, 'second');
  t.equal((await client.read('secret/data/tenants/t1/okta?version=1')).data.data.token, 'first');
  t.same((await client.list('secret/metadata/tenants/t1')).data.keys, ['okta']);

  await client.destroySecretVersions({ mount_point: 'secret', path: 'tenants/t1/okta', versions: [1, 2] });
  const meta = await client.read('secret/metadata/tenants/t1/okta');
  t.equal(meta.data.versions['1'].destroyed, true);
  t.equal(meta.data.versions['2'].destroyed, true);
  const gone = await client.read('secret/data/tenants/t1/okta').catch((e: any) => e);
  t.equal(gone.response.statusCode, 404);

  await client.delete('secret/metadata/tenants/t1/okta');
  const missing = await client.read('secret/metadata/tenants/t1/okta').catch((e: any) => e);
  t.equal(missing.response.statusCode, 404);
  t.same(vault.sim.dumpSecrets(), []);
});

t.test('node-vault token and kubernetes calls', async (t) => {
  const vault = await withSimulator(t, {
    kubernetes: {
      roles: {
        app: { boundServiceAccountNames: ['app'], boundServiceAccountNamespaces: ['ns'], policies: [] },
      },
    },
  });
  const client = nodeVault({ endpoint: vault.url });
  const jwt = vault.sim.issueServiceAccountJwt({ name: 'app', namespace: 'ns' });
  // node-vault 0.12 renders the default mount as `auth//login`: the mount must be named.
  const login = await client.kubernetesLogin({ mount_point: 'kubernetes', role: 'app', jwt });
  t.equal(client.token, login.auth.client_token, 'node-vault adopts the login token');
  const self = await client.tokenLookupSelf();
  t.same(self.data.policies, ['default']);
  const renewed = await client.tokenRenewSelf();
  t.equal(renewed.auth.renewable, true);
  const health = await client.health();
  t.equal(health.sealed, false);
  vault.sim.seal();
  t.equal((await client.health()).sealed, true);
  const sealed = await client.read('secret/data/x').catch((e: any) => e);
  t.equal(sealed.response.statusCode, 503);
  t.equal(sealed.message, 'Vault is sealed');
});
