// Issue 13 abuse test (found by test/e2e tenant-abuse): the dispatcher's in-flight slots were
// shared first come, first served, so a tenant with many webhooks at slow receivers filled every
// slot and another tenant's delivery waited for one of them to time out. Now one tenant holds at
// most half the slots and claiming interleaves tenants.
import { randomUUID } from 'node:crypto';
import net from 'node:net';
import { uniqueName, waitFor } from '@appgov/testing';
import t from 'tap';
import { DEFAULT_TENANT_QUOTAS } from '../src/domain/tenant-quotas.js';
import { bearer, events, startReceiver, startService } from './fixtures/harness.js';

/** A receiver that accepts the request and then drips its status line, a byte every 200 ms, forever. */
async function startDripReceiver(t: { teardown(fn: () => unknown): void }) {
  const sockets = new Set<net.Socket>();
  let connections = 0;
  const server = net.createServer((socket) => {
    connections++;
    sockets.add(socket);
    const line = Buffer.from('HTTP/1.1 200 OK\r\nX-Slow: ');
    let i = 0;
    const timer = setInterval(() => {
      if (socket.destroyed) return;
      socket.write(i < line.length ? line.subarray(i, i + 1) : 'a');
      i++;
    }, 200);
    socket.on('data', () => {});
    socket.on('close', () => {
      clearInterval(timer);
      sockets.delete(socket);
    });
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(
    () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  );
  const port = (server.address() as net.AddressInfo).port;
  return { url: `http://127.0.0.1:${port}/drip`, open: () => sockets.size, connections: () => connections };
}

t.setTimeout(120_000);

t.test("one tenant's slow receivers take every delivery slot from the others", async (t) => {
  const drip = await startDripReceiver(t);
  const fast = await startReceiver(t);
  // Attempts outlive the test's wait: no slot frees itself while A's delivery is awaited.
  const ts = await startService(t, undefined, {
    env: { WEBHOOK_TIMEOUT_MS: '20000', WEBHOOK_MAX_ATTEMPTS: '1' },
  });
  const app = ts.service.app;
  const tenantA = uniqueName('tenant_a');
  const tenantB = uniqueName('tenant_b');
  const adminA = await bearer(tenantA, ['admin'], 'a-admin', 'a@customer.example');
  const adminB = await bearer(tenantB, ['admin'], 'b-admin', 'b@customer.example');
  const create = async (headers: Record<string, string>, url: string) => {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/notifications/webhooks',
      headers,
      payload: { url, eventTypes: ['sync.completed'] },
    });
    t.equal(res.statusCode, 201, res.body);
  };
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
