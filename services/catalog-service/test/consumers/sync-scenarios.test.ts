import { randomUUID } from 'node:crypto';
import { makeEvent } from '@appgov/contracts';
import { OktaSimulator } from '@appgov/okta-simulator';
import { sql } from 'kysely';
import t from 'tap';
import { catalogKeys, counterMismatches, invalidMessages, keysOf } from '../fixtures/catalog-assertions.js';
import { startHarness } from '../fixtures/harness.js';
import { recordsOf, syncEvents } from '../fixtures/org-records.js';

t.test('skipped datasets, superseded syncs and connection deletion', async (t) => {
  const h = await startHarness(t);
  const org = new OktaSimulator().createOrg({ domain: 'skip-catalog.okta.com', seed: 5, size: 'tiny' });
  const tenantId = 'tenant-skip';
  const connectionId = randomUUID();
  const rec1 = recordsOf(org.store);
  const sync1 = randomUUID();
  await h.publish(syncEvents(rec1, { tenantId, connectionId, syncId: sync1, batchSize: 50 }), connectionId);
  t.equal(await h.waitSyncEnded(sync1), 'completed');

  // The org loses a token and a group, but sync 2 cannot read either dataset (403).
  const store = org.store;
  store.removeApiToken(store.apiTokens[0]!.id);
  const group = store.groups.find((g) => g.type === 'OKTA_GROUP')!;
  store.removeGroup(group.id);
  const rec2 = recordsOf(store);
  const sync2 = randomUUID();
  await h.publish(
    syncEvents(rec2, { tenantId, connectionId, syncId: sync2, skip: ['api-tokens', 'groups'] }),
    connectionId,
  );
  t.equal(await h.waitSyncEnded(sync2), 'completed');
  const keys = await catalogKeys(h.service.db, connectionId);
  const k1 = keysOf(rec1);
  const k2 = keysOf(rec2);
  t.same(keys['api-tokens'], k1['api-tokens'], 'a skipped dataset deletes nothing');
  t.same(keys.groups, k1.groups, 'a skipped dataset deletes nothing');
  t.same(keys['group-members'], k2['group-members'], 'read datasets are swept');
  t.same(await counterMismatches(h.service.db, connectionId), [], 'counters follow the sweep, not the skips');
  t.notOk(
    h.seen.some((m) => m.value?.type === 'api-token.removed'),
    'no token removal from a skipped dataset',
  );

  // A sync superseded by a newer one: its late batch is never applied.
  const stale = randomUUID();
  const staleEvents = syncEvents(rec2, { tenantId, connectionId, syncId: stale, open: true });
  await h.publish(staleEvents.slice(0, 1), connectionId); // dataset-started of the stale sync
  const sync3 = randomUUID();
  await h.publish(syncEvents(rec2, { tenantId, connectionId, syncId: sync3 }), connectionId);
  t.equal(await h.waitSyncEnded(sync3), 'completed');
  const ghostApp = { ...rec2.apps[0]!, id: '0oaGHOSTAPP', label: 'Ghost' };
  await h.publish(
    [
      makeEvent('records.batch', {
        source: '/appgov/ingest-service',
        tenantId,
        connectionId,
        data: { syncId: stale, dataset: 'apps', seq: 0, records: [ghostApp] },
      }),
    ],
    connectionId,
  );
  const { rows: states } = await sql<{
    state: string;
  }>`select state from sync_progress where sync_id = ${stale}::uuid`.execute(h.service.db);
  t.equal(states[0]?.state, 'superseded');
  // Wait until the consumer has passed the late batch: a fourth sync behind it completes.
  const sync4 = randomUUID();
  await h.publish(syncEvents(rec2, { tenantId, connectionId, syncId: sync4 }), connectionId);
  t.equal(await h.waitSyncEnded(sync4), 'completed');
  const { rows: ghost } = await sql`select id from apps where id = '0oaGHOSTAPP'`.execute(h.service.db);
  t.equal(ghost.length, 0, 'a batch of a superseded sync is not applied');

  // Delete the connection: rows purged, removals and tombstones published.
  const seenBefore = h.seen.length;
  const deleted = makeEvent('connection.deleted', {
    source: '/appgov/connection-service',
    tenantId,
    connectionId,
    data: {
      connectionId,
      tenantId,
      domain: 'skip-catalog.okta.com',
      deletedBy: { sub: 'admin-1', email: 'admin@example.com' },
      deletedAt: new Date().toISOString(),
    },
  });
  await h.publishConnection(deleted);
  await h.waitFor(async () => {
    const k = await catalogKeys(h.service.db, connectionId);
    return Object.values(k).every((list) => list.length === 0);
  }, 'connection purged');
  t.same(await counterMismatches(h.service.db, connectionId), [], 'counters follow the purge');
  const removedApps = () =>
    h.seen
      .slice(seenBefore)
      .filter((m) => m.value?.type === 'app.removed' && m.value.data.reason === 'connection_deleted')
      .map((m) => m.value.data.appId)
      .sort();
  const tombstones = () =>
    h.seen
      .slice(seenBefore)
      .filter((m) => m.topic === h.topics.appInventoryState && m.value === null)
      .map((m) => m.key!.split(':').at(-1))
      .sort();
  const tokenRemovals = () =>
    h.seen
      .slice(seenBefore)
      .filter((m) => m.value?.type === 'api-token.removed' && m.value.data.reason === 'connection_deleted');
  const expectedApps = rec2.apps.map((a) => a.id).sort();
  // The state topic and the app-inventory topic are read by separate fetches: wait for both.
  await h.waitFor(
    () =>
      tombstones().length === expectedApps.length &&
      removedApps().length === expectedApps.length &&
      tokenRemovals().length === k2['api-tokens'].length,
    'tombstones and removals',
  );
  t.same(removedApps(), expectedApps, 'app.removed for every app');
  t.same(tombstones(), expectedApps, 'a tombstone for every app');
  t.equal(tokenRemovals().length, k2['api-tokens'].length, 'api-token.removed for every token');

  // Delete is idempotent, and late records of the deleted connection are ignored. The purge also
  // revokes grants and resolves findings, not waited for above: let all of it arrive first.
  await h.waitSettled();
  const seenAfterDelete = h.seen.length;
  await h.publishConnection({ ...deleted, id: randomUUID() });
  await h.publish(syncEvents(rec2, { tenantId, connectionId }), connectionId);
  // Consumed and answered (with nothing, if all is well) rather than "surely done after 1.5 s".
  await h.waitSettled();
  t.same(Object.values(await catalogKeys(h.service.db, connectionId)).flat(), [], 'still empty');
  t.equal(h.seen.length, seenAfterDelete, 'no events from a second delete or late records');
  t.same(invalidMessages(h.seen, h.topics.appInventoryState), []);
});
