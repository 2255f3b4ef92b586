// Regression (issue 16): under heavy CPU load the multi-tenant bench's syncs ended `internal` by the
// dozen. The cause: a Vault read that does not answer within the secrets client's 5 s timeout
// becomes VAULT_UNAVAILABLE, an AppError, which the job runner did not count as a dependency outage,
// so failureOf ended the sync `internal` at once. A sync now pauses on it and resumes from its
// checkpoint once Vault answers, as it does for Kafka, Postgres and Redis.
import { randomUUID } from 'node:crypto';
import { connect, createServer, type Socket } from 'node:net';
import { waitFor } from '@appgov/testing';
import t, { type Test } from 'tap';
import { Collector, requestSync, setupEnv, startService } from './fixtures/harness.js';

const DOMAIN = `vault-slow-${randomUUID().slice(0, 8)}.okta.com`;

/** A TCP proxy in front of Vault that accepts and never answers (a starved Vault), until told to forward. */
async function hangingProxy(t: Test, target: URL) {
  let hang = true;
  let hung = 0;
  const sockets = new Set<Socket>();
  const track = (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => s.destroy());
  };
  const server = createServer((client) => {
    track(client);
    if (hang) {
      hung++;
      return; // accepted, never answered: the Vault client's own timeout ends the call
    }
    const upstream = connect(Number(target.port), target.hostname, () => client.pipe(upstream).pipe(client));
    track(upstream);
    upstream.on('close', () => client.destroy());
    client.on('close', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => server.close(resolve));
  });
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    get hung() {
      return hung;
    },
    answer() {
      hang = false;
      // Connections accepted while hanging stay silent; closing them makes the client retry on new ones.
      for (const s of sockets) s.destroy();
    },
  };
}

async function internalFailures(service: Awaited<ReturnType<typeof startService>>): Promise<number> {
  const body = (await service.app.inject({ url: '/metrics' })).body;
  const line = body
    .split('\n')
    .find((l) => l.startsWith('appgov_syncs_total{') && l.includes('reason="internal"'));
  return Number(line?.split(' ').at(-1) ?? 0);
}

t.test('a Vault read timing out pauses the sync, never ends it internal', async (t) => {
  const e = await setupEnv(t, [{ domain: DOMAIN, seed: 16, size: 'tiny' }]);
  const collector = await Collector.start(t, e);
  const proxy = await hangingProxy(t, new URL(e.vault.url));
  // A short lease, so that a paused sync (no heartbeat) is resumed within seconds.
  const service = await startService(t, e, { VAULT_ADDR: proxy.url, SYNC_LEASE_TTL_MS: '1500' });
  const org = e.okta.sim.org(DOMAIN);
  const { syncId } = await requestSync(t, e, { domain: DOMAIN, token: org.token });

  await waitFor(() => e.logs.some((l) => l.includes(syncId) && l.includes('sync paused')), {
    timeoutMs: 60_000,
    description: 'the sync pauses on the Vault timeout',
  });
  t.ok(proxy.hung > 0, `Vault was asked and did not answer (${proxy.hung} connections hung)`);
  t.same(collector.of(syncId, 'sync.failed'), [], 'no sync.failed while Vault does not answer');
  t.equal(await internalFailures(service), 0, 'no internal failure counted');
  t.equal(org.requestCounts().total, 0, 'Okta is not called without a credential');

  proxy.answer();
  const end = await collector.waitForEnd(syncId, 90_000);
  t.equal(end.type, 'sync.completed', 'the sync resumes and completes once Vault answers');
  t.same(collector.of(syncId, 'sync.failed'), [], 'and never failed');
  t.equal(await internalFailures(service), 0);
});
