// Issue 13 abuse test (found by test/e2e tenant-abuse): the dispatcher's in-flight slots were
// shared first come, first served, so a tenant with many webhooks at slow receivers filled every
// slot and another tenant's delivery waited for one of them to time out. Now one tenant holds at
// most half the slots and claiming interleaves tenants.
import { randomUUID } from 'node:crypto';
import { waitFor } from '@appgov/testing';
import t from 'tap';
import { DEFAULT_TENANT_QUOTAS } from '../src/domain/tenant-quotas.js';
import { events } from './fixtures/harness.js';
import { startTwoTenantWebhooks } from './fixtures/two-tenant-webhooks.js';

t.setTimeout(120_000);

t.test("one tenant's slow receivers take every delivery slot from the others", async (t) => {
  // Attempts outlive the test's wait: no slot frees itself while A's delivery is awaited.
  const { drip, fast, ts, tenantA, tenantB, adminA, adminB, create } = await startTwoTenantWebhooks(t, {
    WEBHOOK_TIMEOUT_MS: '20000',
    WEBHOOK_MAX_ATTEMPTS: '1',
  });
  await create(adminA, fast.url('/fast'));
  for (let i = 0; i < DEFAULT_TENANT_QUOTAS.webhooks; i++) await create(adminB, `${drip.url}?${i}`);
  // Two events: more of B's deliveries than there are slots.
  await ts.publish([events.completed(tenantB, randomUUID()), events.completed(tenantB, randomUUID())]);
  await waitFor(() => drip.connections() >= 20, { timeoutMs: 30_000, description: "B's attempts under way" });
  await ts.publish([events.completed(tenantA, randomUUID())]);
  await waitFor(() => fast.requests.length > 0, { timeoutMs: 25_000, description: "tenant A's delivery" });
  t.equal(
    drip.open(),
    drip.connections(),
    "A's delivery went out while every one of B's attempts was still dripping",
  );
  t.comment(`B's attempts in flight when A was delivered: ${drip.open()}`);
  t.ok(drip.open() <= 20, `B holds at most half the slots (${drip.open()})`);
});
