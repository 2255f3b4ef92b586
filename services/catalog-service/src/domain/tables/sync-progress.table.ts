import type { ColumnType, Generated } from 'kysely';

export type SyncProgressState =
  | 'running'
  | 'completed'
  | 'incomplete'
  | 'failed'
  | 'cancelled'
  | 'superseded';

/** How far the catalog got with one sync; `datasets` is the apply's own per-dataset progress. */
export interface SyncProgressTable {
  tenant_id: string;
  connection_id: string;
  sync_id: string;
  state: ColumnType<string, string | undefined, string>;
  started_at: Generated<Date>;
  ended_at: Date | null;
  datasets: ColumnType<unknown, string | undefined, string>;
  applied_at: Date | null;
}
