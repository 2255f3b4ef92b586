import { withTransaction } from '@appgov/db';
import type { BatchItem } from '@appgov/kafka';
import type { Kysely } from 'kysely';
import { type ApplyDeps, applyRecordEvents } from '../domain/sync-apply.js';
import type { CatalogDatabase } from '../domain/tables/catalog.database.js';

/** What the okta-records handler needs. */
export interface OktaRecordsDeps extends ApplyDeps {
  db: Kysely<CatalogDatabase>;
}

/**
 * Applies a chunk of `appgov.okta-records.v1` events in one transaction (data, sync progress, batch
 * ledger and outbox rows commit together); the runner commits the offsets only after it returns.
 * Consecutive batches of one dataset are merged into one ledger statement and one upsert.
 */
export async function handle(deps: OktaRecordsDeps, items: readonly BatchItem[]): Promise<void> {
  await withTransaction(deps.db, async (trx) => {
    await applyRecordEvents(
      trx,
      deps,
      items.map((item) => item.event),
    );
  });
}
