import { randomUUID } from 'node:crypto';
import { waitFor } from '@appgov/testing';
import t from 'tap';
import { events } from './fixtures/harness.js';
import { startTwoTenantWebhooks } from './fixtures/two-tenant-webhooks.js';

t.test(
  'a receiver that drips a byte every few seconds never times out, and sendDue waits for the whole batch (finding 3)',
  async (t) => {
    const { drip, fast, ts, app, tenantA, tenantB, adminA, adminB, create } = await startTwoTenantWebhooks(
      t,
      { WEBHOOK_TIMEOUT_MS: '3000', WEBHOOK_MAX_ATTEMPTS: '1' },
    );
    await create(adminA, fast.url('/fast'));
    const slowHook = await create(adminB, drip.url);

    // Tenant B's slow receiver first: its attempt is under way before tenant A's event arrives.
    await ts.publish([events.completed(tenantB, randomUUID())]);
    await waitFor(() => drip.connections() > 0, { description: 'the drip receiver is being sent to' });
    const started = performance.now();
    await ts.publish([events.completed(tenantA, randomUUID())]);
    await waitFor(() => fast.requests.length > 0, { timeoutMs: 20_000, description: "tenant A's delivery" });
    const fastMs = Math.round(performance.now() - started);
    t.equal(drip.open(), 1, "tenant A's delivery went out while tenant B's receiver was still dripping");

    const attempt = await waitFor(
      async () => {
        const res = await app.inject({
          url: `/v1/notifications/webhooks/${slowHook}/deliveries`,
          headers: adminB,
        });
        return res.json().items?.[0]?.attemptLog?.[0];
      },
      { timeoutMs: 20_000, description: 'the drip attempt recorded' },
    );
    t.match(attempt.error, /no answer within 3000 ms/, 'the total deadline ended the dripping attempt');
    t.equal(drip.connections(), 1, 'sent once: no second send after the lease');
    t.comment(
      `tenant A delivered ${fastMs} ms after its event; drip attempt latency ${attempt.latencyMs} ms`,
    );
  },
);
