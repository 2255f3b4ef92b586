// Okta unwell for one org (every call a 500, or every connection reset): the org's breaker opens,
// its sync fails circuit_open after a bounded number of calls, and another org's
// sync running at the same time on the same worker completes untouched.
import t from 'tap';
import { Collector, counts, requestSync, setupEnv, startService } from './fixtures/harness.js';

const sorted = (xs: string[]) => [...xs].sort();

t.test('an org whose Okta fails opens its breaker; another org on the same worker completes', async (t) => {
  const failing = 'errors-outage.okta.com';
  const resetting = 'resets-outage.okta.com';
  const healthy = 'healthy-outage.okta.com';
  const e = await setupEnv(t, [
    { domain: failing, seed: 21, counts: { users: 200, groups: 10, apps: 5 }, faults: { errorRate: 1 } },
    { domain: resetting, seed: 22, counts: { users: 200, groups: 10, apps: 5 }, faults: { resetRate: 1 } },
    // Some latency keeps the healthy sync running while the others fail.
    { domain: healthy, seed: 23, counts: { users: 800, groups: 40, apps: 12 }, faults: { latencyMs: 80 } },
  ]);
  const collector = await Collector.start(t, e);
  // Deterministic reason: each call may try 10 times, but the org's breaker opens after 5
  // consecutive failures (its default), so no chain uses up its attempts (okta_unavailable) before
  // the open breaker refuses its next try: every failing sync ends circuit_open.
  const service = await startService(
    t,
    e,
    { SYNC_CONCURRENCY: '4', OKTA_MAX_ATTEMPTS: '10' },
    'worker-outage',
  );
  const good = e.okta.sim.org(healthy);
  const okSync = await requestSync(t, e, { domain: healthy, token: good.token });
  const errSync = await requestSync(t, e, { domain: failing, token: e.okta.sim.org(failing).token });
  const rstSync = await requestSync(t, e, { domain: resetting, token: e.okta.sim.org(resetting).token });

  const failures: { startedAt?: string; failedAt: string }[] = [];
  for (const [domain, s] of [
    [failing, errSync],
    [resetting, rstSync],
  ] as const) {
    const end = await collector.waitForEnd(s.syncId);
    t.equal(end.type, 'sync.failed', `${domain}: failed`);
    failures.push(end.data as { startedAt?: string; failedAt: string });
    const { reasonCode, message } = end.data as { reasonCode: string; message: string };
    t.equal(reasonCode, 'circuit_open', `${domain}: reason`);
    t.equal(message, 'Calls to this Okta org are paused after repeated failures', `${domain}: message`);
    t.equal(service.okta.breakerState(domain), 'open', `${domain}: breaker open`);
    // Four chains × four attempts at most; the open breaker stops the rest without a call.
    const made = counts(e, domain).total;
    t.ok(made >= 1 && made <= 16, `${domain}: ${made} calls, bounded`);
  }
  const calmBefore = counts(e, failing).total + counts(e, resetting).total;

  const end = await collector.waitForEnd(okSync.syncId);
  t.equal(end.type, 'sync.completed', 'the healthy org completed');
  // The healthy sync ran while the others failed, on the same worker: their run times overlap (told
  // by the events' own times, not by when this test happened to read them).
  const ran = end.data as { startedAt: string; finishedAt: string };
  for (const f of failures) {
    t.ok(
      Date.parse(ran.startedAt) <= Date.parse(f.failedAt) &&
        Date.parse(f.startedAt ?? f.failedAt) <= Date.parse(ran.finishedAt),
      `the healthy sync (${ran.startedAt} – ${ran.finishedAt}) overlapped a failing one (${f.startedAt} – ${f.failedAt})`,
    );
  }
  t.equal(service.okta.breakerState(healthy), 'closed', 'its breaker stayed closed');
  const snap = good.snapshot();
  t.same(
    sorted(collector.records(okSync.syncId, 'users').map((u) => u.id as string)),
    sorted(snap.users.map((u) => u.id)),
    'every user of the healthy org',
  );
  t.same(
    sorted(collector.records(okSync.syncId, 'app-users').map((m) => `${m.appId}/${m.userId}`)),
    sorted(Object.entries(snap.appUsers).flatMap(([a, us]) => us.map((u) => `${a}/${u.userId}`))),
    'every app user of the healthy org',
  );
  const made = counts(e, healthy);
  t.equal(made.total, good.minimumCalls().total, 'the healthy org: the minimum calls, no retries');
  t.equal(made.rateLimited, 0);
  t.equal(
    counts(e, failing).total + counts(e, resetting).total,
    calmBefore,
    'the failed orgs got no call after their syncs ended',
  );
});
