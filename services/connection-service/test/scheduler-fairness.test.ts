// Fair scheduling (issue 16): a tenant with many due connections and another with one: the
// second's sync is requested in the first scheduler round, however small the round's batch.
import { randomUUID } from 'node:crypto';
import t from 'tap';
import { scheduleDueSyncs } from '../src/domain/sync-scheduler.js';
import { startHarness } from './fixtures/harness.js';

t.test('one scheduler round serves every tenant with due connections', async (t) => {
  const h = await startHarness(t);
  const now = h.clock.now;
  const row = (tenant: string, i: number, dueMsAgo: number) => ({
    id: randomUUID(),
    tenant_id: tenant,
    provider: 'okta',
    domain: `org-${i}-${tenant.slice(0, 6)}.okta.com`,
    token_last4: 'abcd',
    token_fingerprint: '0123456789abcdef',
    token_updated_at: now,
    created_at: now,
    created_by_sub: 'alice',
    created_by_email: 'alice@a.example',
    status: 'success' as const,
    next_sync_at: new Date(now.getTime() - dueMsAgo),
  });
  // Tenant A's 30 connections have been due longest; tenant B's one became due last.
  const many = Array.from({ length: 30 }, (_, i) => row(h.tenantA, i, 3_600_000 - i * 1000));
  const one = row(h.tenantB, 99, 1000);
  await h.rt.db
    .insertInto('connections')
    .values([...many, one])
    .execute();

  const requested = await scheduleDueSyncs(h.rt.deps, 4);
  t.equal(requested, 4, 'one round of four');
  const runs = await h.rt.db.selectFrom('sync_runs').select(['connection_id', 'tenant_id']).execute();
  t.ok(
    runs.some((r) => r.connection_id === one.id),
    "tenant B's only connection is in the first round",
  );
  t.equal(runs.filter((r) => r.tenant_id === h.tenantA).length, 3, 'tenant A has the rest, oldest first');
  t.ok(
    runs.some((r) => r.connection_id === many[0]?.id),
    "tenant A's longest-due connection is among them",
  );
});
