import { randomUUID } from 'node:crypto';
import { topicNames } from '@appgov/contracts';
import { withTransaction } from '@appgov/db';
import { OktaSimulator } from '@appgov/okta-simulator';
import { sql } from 'kysely';
import t from 'tap';
import { purgeConnection } from '../../src/domain/connection-purge.js';
import { OutboxBatch } from '../../src/domain/inventory-outbox.js';
import { startOfflineCatalog } from '../fixtures/offline-catalog.js';
import { recordsOf, syncEvents } from '../fixtures/org-records.js';

t.test(
  "a connection.deleted event naming another tenant's connection freezes that catalog (finding 7)",
  async (t) => {
    const { service, apply } = await startOfflineCatalog(t, 'catalog_purge');
    const org = new OktaSimulator().createOrg({ domain: 'purge-victim.okta.com', seed: 9, size: 'tiny' });
    const records = recordsOf(org.store);
    const victim = randomUUID();
    await apply(syncEvents(records, { tenantId: 'tenant-victim', connectionId: victim }));
    const appCount = async () => {
      const { rows } = await sql<{
        n: string;
      }>`select count(*) as n from apps where connection_id = ${victim}::uuid`.execute(service.db);
      return Number(rows[0]?.n);
    };
    t.equal(await appCount(), records.apps.length, 'the victim catalog is applied');

    // Tenant B's event names the victim's connection.
    await withTransaction(service.db, async (trx) => {
      const outbox = new OutboxBatch(topicNames({ prefix: 'x.' }), 'tenant-attacker', victim, new Date());
      await purgeConnection(trx, outbox);
      t.equal(outbox.messages.length, 0, 'nothing is published');
    });
    const { rows } = await sql<{ deleted_at: Date | null; tenant_id: string }>`
    select deleted_at, tenant_id from connection_state where connection_id = ${victim}::uuid`.execute(
      service.db,
    );
    t.equal(rows[0]?.tenant_id, 'tenant-victim');
    t.equal(rows[0]?.deleted_at, null, "the victim's connection is not marked deleted");
    t.equal(await appCount(), records.apps.length, 'nothing purged');

    // The next sync of the victim still applies (it would be ignored if the connection were frozen).
    const renamed = { ...records, apps: records.apps.map((a) => ({ ...a, label: `renamed ${a.label}` })) };
    await apply(syncEvents(renamed, { tenantId: 'tenant-victim', connectionId: victim }));
    const { rows: labels } = await sql<{ label: string }>`
    select label from apps where connection_id = ${victim}::uuid`.execute(service.db);
    t.ok(labels.length > 0 && labels.every((r) => r.label.startsWith('renamed ')), 'a later sync applies');
  },
);
