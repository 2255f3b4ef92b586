import { randomUUID } from 'node:crypto';
import { OktaSimulator } from '@appgov/okta-simulator';
import { sql } from 'kysely';
import t from 'tap';
import { catalogKeys, counterMismatches, dumpCatalog, keysOf } from '../fixtures/catalog-assertions.js';
import { startOfflineCatalog } from '../fixtures/offline-catalog.js';
import { recordsOf, syncEvents } from '../fixtures/org-records.js';

t.test(
  'chunks merge batches: split anywhere, replayed in part or whole, the outcome is the same',
  async (t) => {
    const { service, apply } = await startOfflineCatalog(t, 'catalog_mb');
    const outboxCount = async () =>
      Number((await sql<{ n: string }>`select count(*) as n from outbox`.execute(service.db)).rows[0]?.n);

    const org = new OktaSimulator().createOrg({ domain: 'merged-batches.okta.com', seed: 8, size: 'tiny' });
    const rec = recordsOf(org.store);
    const tenantId = 'tenant-merge';
    const connectionId = randomUUID();
    // A later batch repeats an app with another label: the later record wins, as with one batch per statement.
    const first = rec.apps[0]!;
    const withRepeat = { ...rec, apps: [...rec.apps, { ...first, label: 'Relabelled later' }] };
    const events = syncEvents(withRepeat, { tenantId, connectionId, batchSize: 7 });
    // Chunks of 5 events, and the first half of the sync delivered twice (a redelivery after a crash).
    const half = Math.floor(events.length / 2);
    for (let i = 0; i < half; i += 5) await apply(events.slice(i, i + 5));
    await apply(events.slice(0, half));
    await apply(events.slice(half));
    const expected = keysOf(rec);
    t.same(await catalogKeys(service.db, connectionId), expected, 'catalog equals the records');
    const { rows } = await sql<{ label: string }>`select label from apps where id = ${first.id}`.execute(
      service.db,
    );
    t.equal(rows[0]?.label, 'Relabelled later', 'the later record of a key wins within a merged statement');
    const { rows: ledger } = await sql<{ n: string }>`select count(*) as n from applied_batches`.execute(
      service.db,
    );
    t.equal(
      Number(ledger[0]?.n),
      events.filter((ev) => ev.type === 'records.batch').length,
      'one ledger row per batch',
    );
    t.same(await counterMismatches(service.db, connectionId), []);
    const { rows: state } = await sql<{
      state: string;
    }>`select state from sync_progress where connection_id = ${connectionId}::uuid`.execute(service.db);
    t.equal(state[0]?.state, 'completed');
    const { rows: discovered } = await sql<{ n: string }>`select count(*) as n from outbox
    where value->>'type' = 'app.discovered'`.execute(service.db);
    t.equal(Number(discovered[0]?.n), rec.apps.length, 'each app discovered once');

    // The whole sync of another connection in one chunk: every apps batch in one statement.
    const other = randomUUID();
    await apply(syncEvents(withRepeat, { tenantId, connectionId: other, batchSize: 7 }));
    t.same(await catalogKeys(service.db, other), expected, 'one-chunk sync: catalog equals the records');
    const { rows: merged } = await sql<{ label: string }>`select label from apps
    where connection_id = ${other}::uuid and id = ${first.id}`.execute(service.db);
    t.equal(merged[0]?.label, 'Relabelled later', 'one statement, two records of a key: the later wins');
    t.same(await counterMismatches(service.db, other), []);

    // Replaying the whole sync in one chunk changes nothing and enqueues nothing.
    const before = await dumpCatalog(service.db);
    const outboxBefore = await outboxCount();
    await apply(events);
    t.equal(await dumpCatalog(service.db), before, 'replay changes nothing');
    t.equal(await outboxCount(), outboxBefore, 'replay enqueues nothing');
  },
);
