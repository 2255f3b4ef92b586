import type { CloudEvent, TopicId } from '@appgov/contracts';
import { withTransaction } from '@appgov/db';
import type { Clock } from '@appgov/service';
import type { Kysely } from 'kysely';
import { purgeConnection } from '../domain/connection-purge.js';
import { OutboxBatch } from '../domain/inventory-outbox.js';
import type { CatalogDatabase } from '../domain/tables/catalog.database.js';

/** What the connections handler needs. */
export interface ConnectionsDeps {
  db: Kysely<CatalogDatabase>;
  topics: Readonly<Record<TopicId, string>>;
  clock: Clock;
}

/** `connection.deleted`: purge the connection's catalog rows and publish the removals (idempotent). */
export async function handle(deps: ConnectionsDeps, event: CloudEvent<'connection.deleted'>): Promise<void> {
  const { connectionId, tenantId } = event.data;
  await withTransaction(deps.db, async (trx) => {
    const outbox = new OutboxBatch(deps.topics, tenantId, connectionId, deps.clock.now());
    await purgeConnection(trx, outbox);
    await outbox.flush(trx);
  });
}
