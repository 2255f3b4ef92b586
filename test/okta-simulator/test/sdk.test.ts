import okta from '@okta/okta-sdk-nodejs';
import t from 'tap';
import { startOktaSimulator } from '../src/index.js';

// A real client agrees the simulator speaks Okta: the official SDK pages and retries 429s against it.
const sim = await startOktaSimulator({
  windowMs: 1500,
  orgs: [{ domain: 'sdk.okta.com', seed: 9, counts: { users: 230, groups: 12, apps: 25 } }],
});
t.teardown(() => sim.close());
const org = sim.sim.org('sdk.okta.com');
const client = new okta.Client({ orgUrl: sim.url, token: org.token, cacheMiddleware: null });

async function collect<T>(collection: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of collection) out.push(item);
  return out;
}

t.test('the SDK pages through users, groups, apps and app users', async (t) => {
  const users = await collect(await client.userApi.listUsers({ limit: 50 }));
  t.equal(users.length, org.store.users.filter((u) => u.status !== 'DEPROVISIONED').length);
  t.equal(new Set(users.map((u) => u?.id)).size, users.length);
  const groups = await collect(await client.groupApi.listGroups({ limit: 5 }));
  t.equal(groups.length, org.store.groups.length);
  const apps = await collect(await client.applicationApi.listApplications({ limit: 7 }));
  t.same(
    apps.map((a) => a?.id),
    org.store.apps.map((a) => a?.id),
  );
  const app = org.store.apps[1];
  const appUsers = await collect(
    await client.applicationApi.listApplicationUsers({ appId: app?.id as string, limit: 40 }),
  );
  t.same(
    appUsers.map((u) => u?.id),
    org.store.appUsers(app?.id as string).map((e) => e.userId),
  );
  t.ok(appUsers.length > 40, 'app users span several pages');
});

t.test('the SDK retries a 429 after X-Rate-Limit-Reset and succeeds', async (t) => {
  await new Promise((r) => setTimeout(r, 1600));
  org.setRateLimits({ limits: { users: 2 } });
  const seen: { at: number; retry: string | undefined }[] = [];
  const onRequest = (req: { url?: string; headers: Record<string, string | string[] | undefined> }) => {
    if (req.url?.startsWith('/api/v1/users'))
      seen.push({ at: Date.now(), retry: req.headers['x-okta-retry-count'] as string | undefined });
  };
  sim.server.on('request', onRequest);
  const resets: number[] = [];
  client.requestExecutor.on('backoff', (_req: unknown, res: { headers: { get(n: string): string } }) => {
    resets.push(Number(res.headers.get('x-rate-limit-reset')));
  });
  const users = await collect(await client.userApi.listUsers({ limit: 100 }));
  sim.server.off('request', onRequest);
  t.equal(
    users.length,
    org.store.users.filter((u) => u.status !== 'DEPROVISIONED').length,
    'all users despite the 429',
  );
  t.ok(org.requestCounts().rateLimited >= 1, 'a 429 was served');
  t.ok(resets.length >= 1, 'the SDK backed off');
  const retry = seen.find((s) => s.retry === '1');
  t.ok(retry, 'the SDK retried with X-Okta-Retry-Count');
  t.ok((retry?.at ?? 0) >= (resets[0] ?? 0) * 1000 - 20, 'the retry arrived after Reset');
  org.setRateLimits({ limits: {} });
});
