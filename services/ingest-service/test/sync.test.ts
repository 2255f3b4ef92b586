// A whole sync against the Okta simulator, real Kafka, Redis and Postgres: every dataset read with the
// minimum number of calls and no 429, records and status events published, the token never leaked.
import t from 'tap';
import { Collector, counts, leaks, requestSync, setupEnv, startService } from './fixtures/harness.js';

const sorted = (xs: string[]) => [...xs].sort();

t.test('a small org syncs completely with the minimum number of calls and no 429', async (t) => {
  const domain = 'small-sync.okta.com';
  const e = await setupEnv(t, [
    { domain, seed: 11, counts: { users: 600, groups: 30, apps: 12 }, profile: 'workforce' },
  ]);
  const collector = await Collector.start(t, e);
  const service = await startService(t, e);
  const org = e.okta.sim.org(domain);
  const { syncId } = await requestSync(t, e, { domain, token: org.token });
  const end = await collector.waitForEnd(syncId);
  t.equal(end.type, 'sync.completed', 'completed');
  const snap = org.snapshot();

  const users = collector.records(syncId, 'users');
  t.same(sorted(users.map((u) => u.id as string)), sorted(snap.users.map((u) => u.id)), 'users');
  const byId = new Map(snap.users.map((u) => [u.id, u]));
  const u0 = users[0] as Record<string, unknown>;
  t.equal(u0.login, byId.get(u0.id as string)?.login, 'user fields mapped');
  t.same(
    sorted(collector.records(syncId, 'groups').map((g) => g.id as string)),
    sorted(snap.groups.map((g) => g.id)),
    'groups',
  );
  t.same(
    sorted(collector.records(syncId, 'apps').map((a) => a.id as string)),
    sorted(snap.apps.map((a) => a.id)),
    'apps',
  );
  t.same(
    sorted(collector.records(syncId, 'group-members').map((m) => `${m.groupId}/${m.userId}`)),
    sorted(Object.entries(snap.groupMembers).flatMap(([g, us]) => us.map((u) => `${g}/${u}`))),
    'group members',
  );
  t.same(
    sorted(collector.records(syncId, 'group-apps').map((m) => `${m.groupId}/${m.appId}`)),
    sorted(Object.entries(snap.groupApps).flatMap(([g, as]) => as.map((a) => `${g}/${a}`))),
    'group apps',
  );
  t.same(
    sorted(collector.records(syncId, 'app-users').map((m) => `${m.appId}/${m.userId}/${m.scope}`)),
    sorted(Object.entries(snap.appUsers).flatMap(([a, us]) => us.map((u) => `${a}/${u.userId}/${u.scope}`))),
    'app users',
  );
  t.same(
    sorted(collector.records(syncId, 'app-grants').map((g) => `${g.appId}/${g.id}`)),
    sorted(Object.entries(snap.grants).flatMap(([a, gs]) => gs.map((g) => `${a}/${g.id}`))),
    'app grants',
  );
  t.same(
    sorted(collector.records(syncId, 'api-tokens').map((x) => x.id as string)),
    sorted(snap.apiTokens.map((x) => x.id)),
    'api tokens',
  );
  t.same(
    sorted(collector.records(syncId, 'user-roles').map((r) => `${r.userId}/${r.type}`)),
    sorted(snap.admins.flatMap((a) => a.roles.map((r) => `${a.userId}/${r.type}`))),
    'user roles',
  );

  // End markers announce exactly what was sent.
  for (const ev of collector.of(syncId, 'records.dataset-completed')) {
    const d = ev.data as { dataset: string; recordCount: number; batchCount: number };
    const batches = collector
      .of(syncId, 'records.batch')
      .filter((b) => (b.data as { dataset: string }).dataset === d.dataset);
    t.equal(d.batchCount, new Set(batches.map((b) => b.id)).size, `${d.dataset} batch count`);
    t.equal(d.recordCount, collector.records(syncId, d.dataset).length, `${d.dataset} record count`);
  }
  t.equal(collector.of(syncId, 'records.dataset-completed').length, 9, 'nine datasets completed');
  await collector.waitForEnd(syncId);
  t.ok(collector.of(syncId, 'records.sync-ended').length <= 1);

  const made = counts(e, domain);
  const min = org.minimumCalls();
  for (const [endpoint, n] of Object.entries(min.byEndpoint)) {
    t.equal(made.byEndpoint[endpoint] ?? 0, n, `calls to ${endpoint}`);
  }
  t.equal(made.total, min.total, 'no call beyond the minimum');
  t.equal(made.rateLimited, 0, 'no 429');
  const completed = end.data as { counts: Record<string, number>; skippedDatasets: string[] };
  t.same(completed.skippedDatasets, []);
  t.equal(completed.counts.users, users.length);
  t.equal(leaks(org.token, e.logs, collector.raw), 0, 'token never in logs or events');
  const res = await service.app.inject({ method: 'GET', url: '/metrics' });
  t.match(res.body, /appgov_syncs_total\{[^}]*outcome="completed"/);
  t.match(res.body, /appgov_sync_records_total\{[^}]*dataset="users"/);
});
