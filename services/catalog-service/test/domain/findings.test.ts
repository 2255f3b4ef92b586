import { randomUUID } from 'node:crypto';
import { OktaSimulator } from '@appgov/okta-simulator';
import { sql } from 'kysely';
import t from 'tap';
import { startHarness } from '../fixtures/harness.js';
import { type OrgRecords, recordsOf, syncEvents } from '../fixtures/org-records.js';

const PASSWORD_MODES = ['BASIC_AUTH', 'BROWSER_PLUGIN', 'SECURE_PASSWORD_STORE', 'AUTO_LOGIN'];
const DEACTIVATED = ['DEPROVISIONED', 'SUSPENDED'];

/** The K4 rules computed independently in memory over the records: what the SQL must find. */
function expectedFindings(r: OrgRecords, threshold: number): string[] {
  const out = new Set<string>();
  const status = new Map(r.users.map((u) => [u.id, u.status]));
  const supers = new Set(r['user-roles'].filter((x) => x.type === 'SUPER_ADMIN').map((x) => x.userId));
  for (const g of r['app-grants']) {
    if (g.status === 'ACTIVE' && /^okta\..*\.manage$/.test(g.scopeId))
      out.add(`app_write_scope|app|${g.appId}`);
  }
  for (const tok of r['api-tokens']) {
    if (tok.expiresAt === null) out.add(`api_token_never_expires|api-token|${tok.id}`);
    if (DEACTIVATED.includes(status.get(tok.userId) ?? ''))
      out.add(`api_token_owner_deactivated|api-token|${tok.id}`);
    if (supers.has(tok.userId)) out.add(`api_token_owner_super_admin|api-token|${tok.id}`);
  }
  if (supers.size > threshold) out.add('super_admin_count|connection|CONN');
  for (const au of r['app-users']) {
    if (DEACTIVATED.includes(status.get(au.userId) ?? ''))
      out.add(`deactivated_user_assigned|user|${au.userId}`);
  }
  for (const a of r.apps) {
    const assigned =
      r['app-users'].some((x) => x.appId === a.id) || r['group-apps'].some((x) => x.appId === a.id);
    if (a.status === 'ACTIVE' && !assigned) out.add(`app_without_assignments|app|${a.id}`);
    if (a.signOnMode && PASSWORD_MODES.includes(a.signOnMode)) out.add(`password_sign_on_app|app|${a.id}`);
  }
  return [...out].sort();
}

t.test('a simulator org seeded with each risky condition yields exactly those findings', async (t) => {
  const h = await startHarness(t, { SUPER_ADMIN_THRESHOLD: '3' });
  const org = new OktaSimulator().createOrg({ domain: 'risky-catalog.okta.com', seed: 21, size: 'tiny' });
  const store = org.store;
  const tenantId = 'tenant-risk';
  const connectionId = randomUUID();
  const users = store.users.filter((u) => u.status === 'ACTIVE');
  // Each K4 condition at least once.
  const writeApp = store.apps[0]!;
  org.addGrant(writeApp.id, { scopeId: 'okta.apps.manage' });
  const neverExpires = org.createApiToken({ userId: users[0]!.id, name: 'forever', expiresAt: null });
  const suspendedOwner = users[1]!;
  const orphan = org.createApiToken({ userId: suspendedOwner.id, name: 'orphan' });
  org.setUserStatus(suspendedOwner.id, 'SUSPENDED');
  for (const u of users.slice(2, 7)) org.assignRole(u.id, 'SUPER_ADMIN');
  const superToken = org.createApiToken({ userId: users[2]!.id, name: 'super' });
  const gone = users[8]!;
  org.assignUserToApp(writeApp.id, gone.id);
  org.setUserStatus(gone.id, 'DEPROVISIONED');
  const lonely = org.addApp({ label: 'Nobody Uses Me', signOnMode: 'SAML_2_0' });
  const pwd = org.addApp({ label: 'Password Vault', signOnMode: 'SECURE_PASSWORD_STORE' });
  org.assignUserToApp(pwd.id, users[9]!.id);

  const rec1 = recordsOf(store);
  const sync1 = randomUUID();
  await h.publish(syncEvents(rec1, { tenantId, connectionId, syncId: sync1 }), connectionId);
  t.equal(await h.waitSyncEnded(sync1), 'completed');
  const current = async () => {
    const { rows } = await sql<{ k: string }>`select kind || '|' || subject_type || '|' ||
        case when subject_type = 'connection' then 'CONN' else subject_id end as k
      from findings where connection_id = ${connectionId}::uuid and resolved_at is null order by 1`.execute(
      h.service.db,
    );
    return rows.map((r) => r.k).sort();
  };
  const expected = expectedFindings(rec1, 3);
  const found = await current();
  t.same(found, expected, 'exactly the findings the rules predict');
  // Each seeded condition, named here by hand, is among what the SQL found (not the model's list).
  for (const kind of [
    `app_write_scope|app|${writeApp.id}`,
    `api_token_never_expires|api-token|${neverExpires.id}`,
    'super_admin_count|connection|CONN',
    `deactivated_user_assigned|user|${gone.id}`,
    `app_without_assignments|app|${lonely.id}`,
    `password_sign_on_app|app|${pwd.id}`,
    `api_token_owner_deactivated|api-token|${orphan.id}`,
    `api_token_owner_super_admin|api-token|${superToken.id}`,
  ]) {
    t.ok(found.includes(kind), `found: ${kind}`);
  }
  const eventKey = (m: (typeof h.seen)[number]) =>
    `${m.value.data.kind}|${m.value.data.subject.type}|${m.value.data.subject.type === 'connection' ? 'CONN' : m.value.data.subject.id}`;
  // Everything consumed and published: a duplicate finding.opened would be in `seen` by now.
  await h.waitSettled();
  t.same(
    h.seen
      .filter((m) => m.value?.type === 'finding.opened')
      .map(eventKey)
      .sort(),
    found,
    'one finding.opened per finding',
  );

  // Fix some: the lonely app gets a user, the deprovisioned user is unassigned. They resolve.
  org.assignUserToApp(lonely.id, users[10]!.id);
  org.unassignUserFromApp(writeApp.id, gone.id);
  const rec2 = recordsOf(store);
  const sync2 = randomUUID();
  await h.publish(syncEvents(rec2, { tenantId, connectionId, syncId: sync2 }), connectionId);
  t.equal(await h.waitSyncEnded(sync2), 'completed');
  const expected2 = expectedFindings(rec2, 3);
  t.same(await current(), expected2, 'findings follow the data');
  const resolvedExpected = expected.filter((k) => !expected2.includes(k));
  t.ok(resolvedExpected.includes(`app_without_assignments|app|${lonely.id}`));
  await h.waitSettled();
  const resolved = h.seen
    .filter((m) => m.value?.type === 'finding.resolved')
    .map((m) => `${m.value.data.kind}|${m.value.data.subject.type}|${m.value.data.subject.id}`)
    .sort();
  t.same(resolved, resolvedExpected.sort());
});
