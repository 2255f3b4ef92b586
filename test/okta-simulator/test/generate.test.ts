import { createHash } from 'node:crypto';
import t from 'tap';
import { generateOrg, SIZE_PRESETS } from '../src/index.js';
import { snapshotOf } from '../src/snapshot.js';

// tap's deep comparison is slow on whole orgs, so compare digests of the normalized snapshot.
const digest = (x: unknown): string => createHash('sha256').update(JSON.stringify(x)).digest('hex');

t.test('the same seed gives the same org; another seed another', async (t) => {
  const a = snapshotOf(generateOrg({ domain: 'a.okta.com', seed: 42, size: 'small' }).store);
  const b = snapshotOf(generateOrg({ domain: 'a.okta.com', seed: 42, size: 'small' }).store);
  const c = snapshotOf(generateOrg({ domain: 'a.okta.com', seed: 43, size: 'small' }).store);
  t.equal(digest(a), digest(b));
  t.not(digest(a.users), digest(c.users));
  const tokensA = generateOrg({ domain: 'a.okta.com', seed: 42, size: 'tiny' }).tokens;
  const tokensB = generateOrg({ domain: 'a.okta.com', seed: 42, size: 'tiny' }).tokens;
  t.equal(digest(tokensA), digest(tokensB), 'tokens too');
});

t.test('realistic shapes in the small preset', async (t) => {
  const { store } = generateOrg({ domain: 's.okta.com', seed: 1, size: 'small' });
  t.equal(store.users.length, SIZE_PRESETS.small.users);
  const statuses = new Set(store.users.map((u) => u.status));
  for (const s of ['ACTIVE', 'DEPROVISIONED', 'SUSPENDED', 'STAGED', 'LOCKED_OUT'])
    t.ok(statuses.has(s as never), s);
  t.ok(
    store.users.some((u) => u.lastLogin === null),
    'null lastLogin',
  );
  t.ok(
    store.users.some((u) => /[^ -~]/.test(u.firstName + u.lastName)),
    'unicode names',
  );
  t.same(new Set(store.groups.map((g) => g.type)), new Set(['BUILT_IN', 'OKTA_GROUP', 'APP_GROUP']));
  t.equal(new Set(store.apps.map((a) => a.signOnMode)).size, 9, 'every sign-on mode');
  const scopes = [...store.grants.values()].flat().map((g) => g.scopeId);
  t.ok(
    scopes.some((s) => s.endsWith('.read')) && scopes.some((s) => s.endsWith('.manage')),
    'read and manage grants',
  );
  t.ok(
    store.apiTokens.some((x) => x.expiresAt === null) && store.apiTokens.some((x) => x.expiresAt !== null),
  );
  t.ok(
    store.apiTokens.some((x) => store.userById.get(x.userId)?.status === 'DEPROVISIONED'),
    'a token of a deactivated owner',
  );
  const appUsers = store.apps.flatMap((a) => store.appUsers(a.id));
  t.ok(appUsers.some((e) => e.scope === 'USER') && appUsers.some((e) => e.scope === 'GROUP'));
});

t.test('the large preset generates (the time is reported, not asserted)', async (t) => {
  global.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const started = performance.now();
  const { store } = generateOrg({ domain: 'big.okta.com', seed: 42, size: 'large' });
  const ms = performance.now() - started;
  const heapMb = (process.memoryUsage().heapUsed - heapBefore) / 1e6;
  t.comment(
    `large preset: ${store.users.length} users, ${store.groups.length} groups, ${store.apps.length} apps in ${Math.round(ms)} ms, ~${Math.round(heapMb)} MB heap`,
  );
  t.equal(store.users.length, 100_000);
  t.equal(store.groups.length, 5001, '5000 groups plus the admin group');
  t.equal(store.apps.length, 1000);
});
