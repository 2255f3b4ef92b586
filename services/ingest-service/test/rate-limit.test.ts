// The integrator-free profile (apps bucket 20 per window) and a 429 storm mid-sync: the sync still
// completes with every record, each 429 costs one bounded retry, and no request reaches a bucket
// before the Reset of a 429 that bucket sent (checked on the simulator's request log).
import { waitFor } from '@appgov/testing';
import t from 'tap';
import { Collector, counts, requestSync, setupEnv, startService } from './fixtures/harness.js';

const sorted = (xs: string[]) => [...xs].sort();
const WINDOW_MS = 2000;

t.test('integrator-free limits and a 429 storm: complete, bounded retries, Reset honoured', async (t) => {
  const domain = 'storm-sync.okta.com';
  const e = await setupEnv(
    t,
    [{ domain, seed: 31, counts: { users: 300, groups: 10, apps: 20 }, profile: 'integrator-free' }],
    WINDOW_MS,
  );
  const collector = await Collector.start(t, e);
  await startService(t, e, { OKTA_RATE_WINDOW_MS: String(WINDOW_MS) });
  const org = e.okta.sim.org(domain);
  const { syncId } = await requestSync(t, e, { domain, token: org.token });
  // The storm starts once records flow, so it meets budgets the pacer has already learned.
  await waitFor(() => collector.of(syncId, 'records.batch').length > 0, { timeoutMs: 30_000 });
  const stormUntil = Date.now() + 3000;
  org.setFaults({ stormUntil });
  const end = await collector.waitForEnd(syncId, 90_000);
  t.equal(end.type, 'sync.completed', 'completed despite the storm');

  const snap = org.snapshot();
  t.same(
    sorted(collector.records(syncId, 'users').map((u) => u.id as string)),
    sorted(snap.users.map((u) => u.id)),
    'every user',
  );
  t.same(
    sorted(collector.records(syncId, 'group-members').map((m) => `${m.groupId}/${m.userId}`)),
    sorted(Object.entries(snap.groupMembers).flatMap(([g, us]) => us.map((u) => `${g}/${u}`))),
    'every membership',
  );
  t.same(
    sorted(collector.records(syncId, 'app-users').map((m) => `${m.appId}/${m.userId}`)),
    sorted(Object.entries(snap.appUsers).flatMap(([a, us]) => us.map((u) => `${a}/${u.userId}`))),
    'every app user',
  );
  t.same(
    sorted(collector.records(syncId, 'app-grants').map((g) => `${g.appId}/${g.id}`)),
    sorted(Object.entries(snap.grants).flatMap(([a, gs]) => gs.map((g) => `${a}/${g.id}`))),
    'every grant',
  );
  t.equal(collector.records(syncId, 'apps').length, snap.apps.length, 'every app');
  t.equal(collector.records(syncId, 'groups').length, snap.groups.length, 'every group');

  const made = counts(e, domain);
  const min = org.minimumCalls();
  const log = org.requestLog();
  const limited = log.filter((r) => r.status === 429);
  t.comment(`calls ${made.total}, minimum ${min.total}, 429s ${made.rateLimited}`);
  t.ok(limited.length >= 1, 'the storm was met');
  t.equal(made.total - made.rateLimited, min.total, 'apart from the 429s, exactly the minimum calls');
  // The storm meets the calls in flight (at most 10 per org) and those about to go out; the first
  // 429 closes the bucket until Reset (past the storm), so each call is answered 429 about once.
  t.ok(made.rateLimited <= 20, `retries bounded (${made.rateLimited} × 429)`);
  t.ok(
    limited.every((r) => r.at < stormUntil + 50),
    'every 429 came from the storm: the pacer kept within the small buckets',
  );

  // Requests already on their way when a 429 went out (prefetched pages of the same bucket) reach
  // the server a moment later; anything arriving later than that was sent after the client knew.
  const IN_FLIGHT_MS = 250;
  let early = 0;
  for (const r of limited) {
    if (!r.limit || r.reset === undefined) continue; // a concurrency 429 carries no window
    t.ok(r.reset * 1000 - r.doneAt > 2 * IN_FLIGHT_MS, 'Reset was well after the 429');
    for (const q of log) {
      if (q.bucket === r.bucket && q.at > r.doneAt + IN_FLIGHT_MS && q.at < r.reset * 1000) {
        early++;
        t.comment(`early: ${q.endpoint} at ${q.at} < Reset ${r.reset * 1000} of the 429 sent at ${r.doneAt}`);
      }
    }
  }
  t.equal(early, 0, 'no request to a bucket before the Reset of its 429');
});
