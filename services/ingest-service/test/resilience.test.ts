// 403 skips, invalid tokens, cancellation and one sync per connection across workers.
import { randomUUID } from 'node:crypto';
import { makeEvent } from '@appgov/contracts';
import { waitFor } from '@appgov/testing';
import t from 'tap';
import {
  Collector,
  counts,
  leaks,
  publish,
  requestSync,
  setupEnv,
  startService,
} from './fixtures/harness.js';

t.test(
  'a read-only admin token skips roles, grants and API tokens with warnings and completes',
  async (t) => {
    const domain = 'readonly-sync.okta.com';
    const e = await setupEnv(t, [{ domain, seed: 5, counts: { users: 120, groups: 8, apps: 5 } }]);
    const collector = await Collector.start(t, e);
    await startService(t, e);
    const org = e.okta.sim.org(domain);
    const token = org.tokenFor('READ_ONLY_ADMIN') as string;
    t.ok(token, 'the org has a read-only admin token');
    const { syncId } = await requestSync(t, e, { domain, token });
    const end = await collector.waitForEnd(syncId);
    t.equal(end.type, 'sync.completed');
    const data = end.data as {
      skippedDatasets: string[];
      warnings: { dataset: string; code: string }[];
      counts: Record<string, number>;
    };
    t.same([...data.skippedDatasets].sort(), ['api-tokens', 'app-grants', 'user-roles']);
    t.same(data.warnings.map((w) => w.dataset).sort(), ['api-tokens', 'app-grants', 'user-roles']);
    t.equal(data.counts.users, org.snapshot().users.length, 'users arrive');
    t.equal(
      data.counts['app-users'],
      Object.values(org.snapshot().appUsers).flat().length,
      'app users arrive',
    );
    const skipped = collector
      .of(syncId, 'records.dataset-skipped')
      .map((ev) => (ev.data as { dataset: string }).dataset);
    t.same(skipped.sort(), ['api-tokens', 'app-grants', 'user-roles']);
    t.equal(leaks(token, e.logs, collector.raw), 0, 'token never in logs or events');
  },
);

t.test('an invalid token fails the sync with invalid_token and no retries', async (t) => {
  const domain = 'badtoken-sync.okta.com';
  const e = await setupEnv(t, [{ domain, seed: 6, counts: { users: 50, groups: 4, apps: 3 } }]);
  const collector = await Collector.start(t, e);
  await startService(t, e);
  const token = `00bogus${randomUUID().replace(/-/g, '')}`;
  const { syncId } = await requestSync(t, e, { domain, token });
  const end = await collector.waitForEnd(syncId);
  t.equal(end.type, 'sync.failed');
  t.equal((end.data as { reasonCode: string }).reasonCode, 'invalid_token');
  // Each chain's first call meets the 401 once; none is retried.
  t.ok(counts(e, domain).total <= 4, `calls made: ${counts(e, domain).total}`);
  t.equal(leaks(token, e.logs, collector.raw), 0, 'token never in logs or events');
});

t.test('cancel mid-sync → sync.failed cancelled before the sync could complete', async (t) => {
  const domain = 'cancel-sync.okta.com';
  const e = await setupEnv(t, [
    { domain, seed: 7, counts: { users: 400, groups: 40, apps: 20 }, faults: { latencyMs: 150 } },
  ]);
  const collector = await Collector.start(t, e);
  await startService(t, e);
  const org = e.okta.sim.org(domain);
  const { syncId, connectionId, tenantId } = await requestSync(t, e, { domain, token: org.token });
  await waitFor(() => collector.of(syncId, 'records.batch').length > 0, { timeoutMs: 30_000 });
  const at = Date.now();
  await publish(t, e, [
    makeEvent('sync.cancel-requested', {
      source: '/test',
      tenantId,
      connectionId,
      data: { syncId, reason: 'manual' },
    }),
  ]);
  const end = await collector.waitForEnd(syncId);
  t.equal(end.type, 'sync.failed');
  t.equal((end.data as { reasonCode: string }).reasonCode, 'cancelled');
  // How fast is reported, not asserted: on a loaded machine the Kafka hops alone may take seconds.
  // That it stopped early is the outcome itself: a sync that ran on would have completed.
  t.comment(`stopped ${Date.now() - at} ms after the cancel was published`);
  await waitFor(() => collector.of(syncId, 'records.sync-ended').length > 0, {
    timeoutMs: 30_000,
    description: 'records.sync-ended of the cancelled sync',
  });
  t.equal((collector.of(syncId, 'records.sync-ended')[0]!.data as { outcome: string }).outcome, 'cancelled');
});

t.test('two workers, one connection: only one runs the sync', async (t) => {
  const domain = 'twoworkers-sync.okta.com';
  const e = await setupEnv(t, [
    { domain, seed: 8, counts: { users: 300, groups: 20, apps: 8 }, faults: { latencyMs: 20 } },
  ]);
  const collector = await Collector.start(t, e);
  const a = await startService(t, e, {}, 'worker-a');
  const b = await startService(t, e, {}, 'worker-b');
  const org = e.okta.sim.org(domain);
  const { syncId, connectionId } = await requestSync(t, e, { domain, token: org.token });
  // Sampled until both syncs ended: at no moment may both workers, or two syncs of the connection,
  // run. (A worker forgets a sync in the same tick as it frees the lease, so no false overlap.)
  const overlaps: string[] = [];
  const sampler = setInterval(() => {
    const running = [...a.runner.runningSyncIds, ...b.runner.runningSyncIds];
    if (running.length > 1) overlaps.push(running.join(','));
  }, 5);
  t.teardown(() => clearInterval(sampler));
  // A second request for the same connection while the first runs must wait for the lease. The
  // workers' own state says it runs (the collector may lag behind it on a loaded machine).
  await waitFor(() => [...a.runner.runningSyncIds, ...b.runner.runningSyncIds].includes(syncId), {
    timeoutMs: 30_000,
    intervalMs: 5,
    description: 'the first sync running on a worker',
  });
  const second = await requestSync(t, e, { domain, token: org.token, connectionId });
  const end = await collector.waitForEnd(syncId);
  t.equal(end.type, 'sync.completed');
  const secondEnd = await collector.waitForEnd(second.syncId);
  clearInterval(sampler);
  t.same(overlaps, [], 'never two syncs of the connection at once');
  t.equal(secondEnd.type, 'sync.completed');
  t.equal(collector.of(syncId, 'sync.started').length, 1, 'started once');
  const job = await a.db
    .selectFrom('sync_jobs')
    .selectAll()
    .where('sync_id', '=', syncId)
    .executeTakeFirstOrThrow();
  t.equal(job.attempts, 1, 'one attempt');
  const min = org.minimumCalls();
  t.equal(
    counts(e, domain).total,
    2 * min.total,
    'each of the two syncs made the minimum calls, no duplicate work',
  );
  t.equal(counts(e, domain).rateLimited, 0);
});
