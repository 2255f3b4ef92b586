import type { Generated } from 'kysely';

/** The idempotency ledger: one row per applied (sync, dataset, seq). */
export interface AppliedBatchTable {
  sync_id: string;
  dataset: string;
  seq: number;
  record_count: number;
  applied_at: Generated<Date>;
}
