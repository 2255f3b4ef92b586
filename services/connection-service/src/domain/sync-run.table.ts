import type { Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { BigIntColumn, JsonColumn } from './columns.js';

export type SyncOutcome = 'requested' | 'running' | 'completed' | 'failed' | 'cancelled';
export type SyncTrigger = 'initial' | 'manual' | 'schedule' | 'token-updated';

/** One requested sync of a connection and how it ended (C10 history). */
export interface SyncRunTable {
  sync_id: string;
  connection_id: string;
  tenant_id: string;
  trigger: string;
  requested_at: Date;
  requested_by_sub: string | null;
  started_at: Date | null;
  finished_at: Date | null;
  duration_ms: BigIntColumn;
  outcome: SyncOutcome;
  counts: JsonColumn<Record<string, number> | null>;
  warnings: JsonColumn<unknown[] | null>;
  error_code: string | null;
  error_message: string | null;
  /** When the catalog applied this sync (C6); null until then. */
  applied_at: Date | null;
  updated_at: Generated<Date>;
}

export type SyncRunRow = Selectable<SyncRunTable>;
export type NewSyncRun = Insertable<SyncRunTable>;
export type SyncRunPatch = Updateable<SyncRunTable>;
