import { randomUUID } from 'node:crypto';
import { OktaSimulator } from '@appgov/okta-simulator';
import { sql } from 'kysely';
import t from 'tap';
import {
  catalogKeys,
  counterMismatches,
  dumpCatalog,
  eventsOfSync,
  invalidMessages,
  keysOf,
  recordKey,
} from '../fixtures/catalog-assertions.js';
import { startHarness } from '../fixtures/harness.js';
import { recordsOf, syncEvents } from '../fixtures/org-records.js';

const sorted = (xs: Iterable<string>) => [...xs].sort();
const diff = (a: string[], b: string[]) => a.filter((x) => !b.includes(x));

t.test('two syncs with changes in between, then a replay of the whole records topic', async (t) => {
  const h = await startHarness(t);
  const sim = new OktaSimulator();
  const org = sim.createOrg({ domain: 'acme-catalog.okta.com', seed: 11, size: 'tiny' });
  const tenantId = 'tenant-a';
  const connectionId = randomUUID();

  // Sync 1.
  const rec1 = recordsOf(org.store);
  const sync1 = randomUUID();
  await h.publish(syncEvents(rec1, { tenantId, connectionId, syncId: sync1, batchSize: 17 }), connectionId);
  t.equal(await h.waitSyncEnded(sync1), 'completed');
  t.same(await catalogKeys(h.service.db, connectionId), keysOf(rec1), 'catalog equals the org after sync 1');
  t.same(
    await counterMismatches(h.service.db, connectionId),
    [],
    'counters agree with the tables after sync 1',
  );
  await h.waitInventoryOf(sync1);
  const ev1 = eventsOfSync(h.seen, h.topics.appInventory, sync1);
  t.equal(ev1.get('app.discovered')?.length, rec1.apps.length, 'every app discovered');
  t.equal(ev1.get('api-token.discovered')?.length, rec1['api-tokens'].length, 'every token discovered');
  t.equal(
    ev1.get('app.grant.added')?.length ?? 0,
    rec1['app-grants'].filter((g) => g.status === 'ACTIVE').length,
    'every active grant added',
  );
  t.equal(ev1.get('inventory.snapshot.completed')?.length, 1);
  t.notOk(ev1.has('app.removed') || ev1.has('app.changed') || ev1.has('app.assignments.changed'));
  const snapshot1 = ev1.get('inventory.snapshot.completed')![0];
  t.equal(snapshot1.data.counts.apps, rec1.apps.length);
  t.equal(snapshot1.data.counts.users, rec1.users.length);

  // Changes in the org.
  const store = org.store;
  const appsWithGrants = store.apps.filter((a) => (store.grants.get(a.id) ?? []).length > 0);
  const removedApp = store.apps.find((a) => !appsWithGrants.includes(a))!;
  const changedApp = store.apps.find((a) => a !== removedApp)!;
  const grantApp = appsWithGrants[0] ?? changedApp;
  store.removeApp(removedApp.id);
  const addedApp = org.addApp({ label: 'Brand New Tool', signOnMode: 'OPENID_CONNECT' });
  store.updateApp(changedApp.id, { label: `${changedApp.label} (renamed)` });
  const newGrant = org.addGrant(changedApp.id, { scopeId: 'okta.users.manage' });
  const revokedGrant = (store.grants.get(grantApp.id) ?? [])[0];
  if (revokedGrant) org.revokeGrant(grantApp.id, revokedGrant.id);
  const victim = store.users.find((u) => u.status === 'ACTIVE')!;
  org.setUserStatus(victim.id, 'DEPROVISIONED');
  const assignedGroup = store.groups.find(
    (g) => g.type !== 'BUILT_IN' && (store.groupApps.get(g.id) ?? []).length > 0,
  );
  const joiner = store.users.find((u) => assignedGroup && !store.isMember(assignedGroup.id, u.id));
  if (assignedGroup && joiner) org.addGroupMember(assignedGroup.id, joiner.id);
  const newToken = org.createApiToken({ userId: victim.id, name: 'fresh token', expiresAt: null });

  // Sync 2.
  const rec2 = recordsOf(store);
  const sync2 = randomUUID();
  await h.publish(syncEvents(rec2, { tenantId, connectionId, syncId: sync2, batchSize: 13 }), connectionId);
  t.equal(await h.waitSyncEnded(sync2), 'completed');
  t.same(await catalogKeys(h.service.db, connectionId), keysOf(rec2), 'catalog equals the org after sync 2');
  t.same(
    await counterMismatches(h.service.db, connectionId),
    [],
    'counters agree with the tables after sync 2',
  );
  const { rows: victimRow } = await sql<{
    status: string;
  }>`select status from users where id = ${victim.id}`.execute(h.service.db);
  t.equal(victimRow[0]?.status, 'DEPROVISIONED');
  await h.waitInventoryOf(sync2);

  // Exactly the expected events, derived from the difference of the two org states.
  const ev2 = eventsOfSync(h.seen, h.topics.appInventory, sync2);
  const k1 = keysOf(rec1);
  const k2 = keysOf(rec2);
  const ids = (type: string, pick: (e: any) => string) => sorted((ev2.get(type) ?? []).map(pick));
  t.same(
    ids('app.discovered', (e) => e.data.app.id),
    [addedApp.id],
  );
  t.same(
    ids('app.removed', (e) => e.data.appId),
    [removedApp.id],
  );
  const changed = ev2.get('app.changed') ?? [];
  t.same(
    changed.map((e) => e.data.appId),
    [changedApp.id],
  );
  t.ok(changed[0]?.data.changedFields.includes('label'), 'label named as changed');
  t.equal(changed[0]?.data.before.label, rec1.apps.find((a) => a.id === changedApp.id)?.label);
  const activeKeys = (r: typeof rec1) =>
    r['app-grants'].filter((g) => g.status === 'ACTIVE').map((g) => recordKey('app-grants', g));
  t.same(
    ids('app.grant.added', (e) => `${e.data.appId}|${e.data.grant.id}`),
    sorted(diff(activeKeys(rec2), activeKeys(rec1))),
  );
  t.ok(ids('app.grant.added', (e) => e.data.grant.id).includes(newGrant.id));
  t.same(
    ids('app.grant.revoked', (e) => `${e.data.appId}|${e.data.grantId}`),
    sorted(diff(activeKeys(rec1), activeKeys(rec2))),
  );
  t.same(
    ids('api-token.discovered', (e) => e.data.token.id),
    [newToken.id],
  );
  t.notOk(ev2.has('api-token.removed'));
  // Assignment changes: apps present in both syncs whose users or groups changed.
  const membersOf = (r: typeof rec1, appId: string) =>
    JSON.stringify([
      sorted(r['app-users'].filter((x) => x.appId === appId).map((x) => x.userId)),
      sorted(r['group-apps'].filter((x) => x.appId === appId).map((x) => x.groupId)),
    ]);
  const expectedAssignment = rec2.apps
    .filter((a) => rec1.apps.some((b) => b.id === a.id) && membersOf(rec1, a.id) !== membersOf(rec2, a.id))
    .map((a) => a.id);
  t.same(
    ids('app.assignments.changed', (e) => e.data.appId),
    sorted(expectedAssignment),
  );
  if (assignedGroup && joiner) {
    const joined = (ev2.get('app.assignments.changed') ?? []).filter((e) =>
      e.data.addedUserIds.includes(joiner.id),
    );
    t.ok(joined.length > 0, 'the membership change shows as an assignment of the group apps');
  }
  t.equal(ev2.get('inventory.snapshot.completed')?.length, 1);
  t.notOk(ev2.has('app.removed') && ev2.get('app.removed')!.length > 1);
  t.ok(diff(k1.apps, k2.apps).length === 1);

  // The state topic: the removed app has a tombstone, changed apps their full state.
  const stateOf = (appId: string) =>
    h.seen.filter(
      (m) => m.topic === h.topics.appInventoryState && m.key === `${tenantId}:${connectionId}:${appId}`,
    );
  t.equal(stateOf(removedApp.id).at(-1)?.value, null, 'tombstone for the removed app');
  const changedState = stateOf(changedApp.id).at(-1)?.value;
  t.equal(changedState?.app.label, `${changedApp.label}`);
  t.ok(changedState?.grants.some((g: any) => g.id === newGrant.id));
  t.equal(stateOf(addedApp.id).at(-1)?.value?.userCount, 0);
  t.same(
    invalidMessages(h.seen, h.topics.appInventoryState),
    [],
    'every message validates against its schema',
  );

  // No secret of the org ever leaves: events, logs, rows.
  const secrets = [...org.tokens.map((x) => x.value), ...store.apiTokens.map((x) => x.secret)];
  const dump = await dumpCatalog(h.service.db);
  const { rows: outboxRows } = await sql<{ v: string }>`select value::text as v from outbox`.execute(
    h.service.db,
  );
  const haystack = [...h.seen.map((m) => m.raw ?? ''), ...h.logs, dump, ...outboxRows.map((r) => r.v)].join(
    '\n',
  );
  t.notOk(
    secrets.some((s) => haystack.includes(s)),
    'no token secret in events, logs or rows',
  );

  // Replay: a new consumer group reads the whole records topic again.
  const before = await dumpCatalog(h.service.db);
  const { rows: outboxBefore } = await sql<{ n: string }>`select count(*) as n from outbox`.execute(
    h.service.db,
  );
  const seenBefore = h.seen.length;
  const replay = await h.restart('replay');
  const admin = h.kafka.admin();
  await admin.connect();
  t.teardown(() => admin.disconnect());
  const group = `${h.config.KAFKA_GROUP_PREFIX}replay.catalog-service.okta-records`;
  await h.waitFor(
    async () => {
      const high = await admin.fetchTopicOffsets(h.topics.oktaRecords);
      const [committed] = await admin.fetchOffsets({ groupId: group, topics: [h.topics.oktaRecords] });
      return high.every(
        (p) =>
          committed!.partitions.find((c) => c.partition === p.partition)?.offset === p.high || p.high === '0',
      );
    },
    'the replay consumer caught up',
    60_000,
  );
  t.equal(await dumpCatalog(replay.db), before, 'replay changes nothing in the catalog');
  t.same(
    await counterMismatches(replay.db, connectionId),
    [],
    'counters agree with the tables after the replay',
  );
  const { rows: outboxAfter } = await sql<{ n: string }>`select count(*) as n from outbox`.execute(replay.db);
  t.equal(outboxAfter[0]?.n, outboxBefore[0]?.n, 'replay enqueues no event');
  await h.waitSettled();
  t.equal(h.seen.length, seenBefore, 'no new app-inventory events after the replay');
});
