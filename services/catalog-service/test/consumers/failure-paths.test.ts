// A catalog sync that ends failed or cancelled changes nothing (no sweep, no events), and a bad
// okta-records message is dead-lettered by the running service while the next sync still applies.
import { randomUUID } from 'node:crypto';
import { makeEvent } from '@appgov/contracts';
import { OktaSimulator } from '@appgov/okta-simulator';
import t from 'tap';
import { catalogKeys, eventsOfSync, keysOf } from '../fixtures/catalog-assertions.js';
import { startHarness } from '../fixtures/harness.js';
import { recordsOf, syncEvents } from '../fixtures/org-records.js';

t.test('catalog failure paths', async (t) => {
  const h = await startHarness(t);
  const org = new OktaSimulator().createOrg({ domain: 'fail-catalog.okta.com', seed: 17, size: 'tiny' });
  const tenantId = 'tenant-f';
  const connectionId = randomUUID();
  const rec1 = recordsOf(org.store);
  const sync1 = randomUUID();
  await h.publish(syncEvents(rec1, { tenantId, connectionId, syncId: sync1 }), connectionId);
  t.equal(await h.waitSyncEnded(sync1), 'completed');
  await h.waitSettled();
  const before = await catalogKeys(h.service.db, connectionId);
  t.same(before, keysOf(rec1), 'the catalog equals the org after the first sync');

  // The org loses an app and a user; the next syncs end failed / cancelled and must not sweep them.
  const store = org.store;
  store.removeApp(store.apps[0]!.id);
  org.setUserStatus(store.users[0]!.id, 'DEPROVISIONED');
  const rec2 = recordsOf(store);
  // Datasets are swept as each one completes (K2: per dataset the sync actually read); a sync that
  // ends failed or cancelled while reading apps must not sweep apps, nor report an app removed.
  for (const outcome of ['failed', 'cancelled'] as const) {
    await t.test(`a catalog sync that ends ${outcome}`, async (t) => {
      const syncId = randomUUID();
      const events = syncEvents(rec2, { tenantId, connectionId, syncId, open: true }).filter(
        (e) =>
          !(e.type === 'records.dataset-completed' && (e.data as { dataset: string }).dataset === 'apps'),
      );
      const read = events
        .filter((e) => e.type === 'records.dataset-completed')
        .map((e) => (e.data as { dataset: string }).dataset);
      const ended = makeEvent('records.sync-ended', {
        source: '/appgov/ingest-service',
        tenantId,
        connectionId,
        data: { syncId, outcome, datasetsRead: read as never },
      });
      await h.publish([...events, ended as never], connectionId);
      t.equal(await h.waitSyncEnded(syncId), outcome, `the sync is recorded ${outcome}`);
      await h.waitSettled();
      const after = await catalogKeys(h.service.db, connectionId);
      t.same(after.apps, before.apps, 'apps, the dataset the sync did not finish, are not swept');
      const kinds = eventsOfSync(h.seen, h.topics.appInventory, syncId);
      t.notOk(kinds.has('app.removed'), 'no app.removed');
      t.notOk(kinds.has('inventory.snapshot.completed'), 'no snapshot of an unfinished sync');
      t.equal(h.seen.filter((m) => m.topic === h.topics.dlq).length, 0, 'nothing dead-lettered');
    });
  }

  await t.test('a bad okta-records message dead-lettered by the running service', async (t) => {
    const bad = syncEvents(rec2, { tenantId, connectionId, syncId: randomUUID() }).find(
      (e) => e.type === 'records.batch',
    )!;
    // A batch whose records are not records: valid JSON and CloudEvent envelope, invalid data.
    const broken = { ...bad, data: { ...(bad.data as object), records: 'not-a-list' } };
    await h.publish([broken as never], connectionId).catch(async () => {
      // The harness producer validates; send the raw bytes instead.
      const producer = h.kafka.producer();
      await producer.connect();
      await producer.send({
        topic: h.topics.oktaRecords,
        messages: [{ key: connectionId, value: JSON.stringify(broken) }],
      });
      await producer.disconnect();
    });
    await h.waitSettled();
    const dlq = h.seen.filter((m) => m.topic === h.topics.dlq);
    t.equal(dlq.length, 1, 'one DLQ record');
    t.match(dlq[0]?.value, {
      originTopic: h.topics.oktaRecords,
      eventType: 'records.batch',
      key: connectionId,
    });
    t.equal(dlq[0]?.value?.reason, 'schema_invalid', 'refused by its schema, not retried');

    // The service keeps consuming: the next good sync applies and sweeps.
    const sync3 = randomUUID();
    await h.publish(syncEvents(rec2, { tenantId, connectionId, syncId: sync3 }), connectionId);
    t.equal(await h.waitSyncEnded(sync3), 'completed');
    t.same(await catalogKeys(h.service.db, connectionId), keysOf(rec2), 'the next sync applied and swept');
  });
});
