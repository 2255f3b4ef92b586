// Every dataset of a tiny simulated org, paged through the real client (paging, buckets, headers).
import { type RunningSimulator, startOktaSimulator } from '@appgov/okta-simulator';
import { Registry } from 'prom-client';
import t from 'tap';
import { createOktaClientFactory, type OktaPage, testResolver } from '../src/index.js';

const DOMAIN = 'tiny-client.okta.com';

async function ids<T extends { id: string }>(pages: AsyncIterable<OktaPage<T>>): Promise<string[]> {
  const out: string[] = [];
  for await (const page of pages) out.push(...page.items.map((i) => i.id));
  return out.sort();
}

t.test('pages every dataset of a tiny simulated org', async (t) => {
  const sim: RunningSimulator = await startOktaSimulator({
    orgs: [{ domain: DOMAIN, size: 'tiny', seed: 7 }],
  });
  const factory = createOktaClientFactory({
    resolver: testResolver({ port: sim.port }),
    allowInsecureForTests: true,
    registry: new Registry(),
  });
  t.teardown(async () => {
    await factory.close();
    await sim.close();
  });
  const org = sim.sim.org(DOMAIN);
  const snap = org.snapshot();
  const client = factory.forOrg(DOMAIN, { type: 'ssws', token: org.token });

  const me = await client.validateToken();
  t.ok(me.userId);
  t.ok(me.adminRoles?.includes('SUPER_ADMIN'));
  t.same(
    await ids(client.listUsers()),
    snap.users
      .filter((u) => u.status !== 'DEPROVISIONED')
      .map((u) => u.id)
      .sort(),
  );
  t.same(await ids(client.listAdminAssignees()), snap.admins.map((a) => a.userId).sort());
  for (const admin of snap.admins.slice(0, 3)) {
    const roles = await client.listUserRoles(admin.userId);
    t.same(
      [...new Set(roles.map((r) => r.type))].sort(),
      [...new Set(admin.roles.map((r) => r.type))].sort(),
    );
  }
  t.same(await ids(client.listGroups()), snap.groups.map((g) => g.id).sort());
  for (const g of snap.groups) {
    t.same(
      await ids(client.listGroupMembers(g.id)),
      [...(snap.groupMembers[g.id] ?? [])].sort(),
      `members of ${g.id}`,
    );
    t.same(
      await ids(client.listGroupApps(g.id)),
      [...(snap.groupApps[g.id] ?? [])].sort(),
      `apps of ${g.id}`,
    );
  }
  t.same(await ids(client.listApps()), snap.apps.map((a) => a.id).sort());
  for (const a of snap.apps) {
    t.same(
      await ids(client.listAppUsers(a.id)),
      (snap.appUsers[a.id] ?? []).map((u) => u.userId).sort(),
      `users of ${a.id}`,
    );
    const grants = await client.listAppGrants(a.id);
    t.same(
      grants.map((g) => g.id).sort(),
      (snap.grants[a.id] ?? []).map((g) => g.id).sort(),
      `grants of ${a.id}`,
    );
  }
  t.same(await ids(client.listApiTokens()), snap.apiTokens.map((x) => x.id).sort());
  t.ok((await client.getOrg()).id);
  t.equal(factory.breakerState(DOMAIN), 'closed');
});
