import { withTransaction } from '@appgov/db';
import type { BatchItem } from '@appgov/kafka';
import type { Kysely } from 'kysely';
import { type ApplyDeps, applyRecordEvent } from '../domain/sync-apply.js';

/** What the okta-records handler needs. */
export interface OktaRecordsDeps extends ApplyDeps {
  db: Kysely<any>;
}

/**
 * Applies a chunk of `appgov.okta-records.v1` events in one transaction (data, sync progress, batch
 * ledger and outbox rows commit together); the runner commits the offsets only after it returns.
 */
export async function handle(deps: OktaRecordsDeps, items: readonly BatchItem[]): Promise<void> {
  await withTransaction(deps.db, async (trx) => {
    for (const item of items) await applyRecordEvent(trx, deps, item.event);
  });
}
