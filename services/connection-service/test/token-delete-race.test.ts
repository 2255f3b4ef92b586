import t from 'tap';
import type { Actor } from '../src/domain/connection.service.js';
import { deleteConnection, updateToken } from '../src/domain/connection-lifecycle.js';
import { startHarness } from './fixtures/harness.js';

const base = '/v1/integrations/okta/connections';

t.test('a token update racing a delete can leave a Vault secret behind (finding 14)', async (t) => {
  const h = await startHarness(t);
  const acme = h.okta.sim.org('acme.okta.com');
  const actor: Actor = { tenant: h.tenantA, sub: 'alice', email: 'alice@a.example' };
  const liveVersions = (id: string) =>
    h.vault.sim
      .dumpSecrets()
      .filter((s) => s.path.includes(id))
      .flatMap((s) => s.versions)
      .filter((v) => v.data !== null && v.data !== undefined);
  const connect = async () => {
    const res = await h.request('POST', base, h.tokens.adminA, {
      domain: 'acme.okta.com',
      apiToken: acme.token,
    });
    t.equal(res.status, 201, res.raw);
    const id = res.json.id as string;
    t.ok(liveVersions(id).length > 0, 'the token is in Vault');
    return id;
  };

  await t.test('the delete lands while the update validates (before it writes Vault)', async (t) => {
    const id = await connect();
    const secrets = {
      ...h.rt.deps.secrets,
      putOktaCredential: async (...args: Parameters<typeof h.rt.deps.secrets.putOktaCredential>) => {
        await deleteConnection(h.rt.deps, actor, id, true);
        return h.rt.deps.secrets.putOktaCredential(...args);
      },
    };
    await t.rejects(
      updateToken({ ...h.rt.deps, secrets }, actor, id, { apiToken: acme.token, confirm: true }),
      {
        code: 'CONNECTION_NOT_FOUND',
      },
    );
    t.same(liveVersions(id), [], 'no Vault version survives the deleted connection');
  });

  await t.test('the update lands between the delete destroying Vault and committing', async (t) => {
    const id = await connect();
    const secrets = {
      ...h.rt.deps.secrets,
      destroyOktaToken: async (tenantId: string, connectionId: string) => {
        await h.rt.deps.secrets.destroyOktaToken(tenantId, connectionId);
        if (!raced) {
          raced = true;
          await updateToken(h.rt.deps, actor, id, { apiToken: acme.token, confirm: true });
        }
      },
    };
    let raced = false;
    await deleteConnection({ ...h.rt.deps, secrets }, actor, id, true);
    t.ok(raced);
    t.same(liveVersions(id), [], 'no Vault version survives the deleted connection');
  });
});
