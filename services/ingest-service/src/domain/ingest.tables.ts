import type { OutboxDatabase } from '@appgov/db';
import type { ColumnType, Generated } from 'kysely';

/** `sync_jobs`: one row per requested sync. */
export interface SyncJobTable {
  sync_id: string;
  connection_id: string;
  tenant_id: string;
  domain: string;
  trigger: string;
  state: 'queued' | 'running' | 'done' | 'failed' | 'cancelled';
  cancel_requested: Generated<boolean>;
  attempts: Generated<number>;
  worker_id: string | null;
  reason_code: string | null;
  message: string | null;
  counts: ColumnType<Record<string, number>, string | undefined, string>;
  warnings: ColumnType<unknown[], string | undefined, string>;
  calls_made: Generated<number>;
  requested_at: Generated<Date>;
  started_at: Date | null;
  heartbeat_at: Date | null;
  finished_at: Date | null;
  /** W3C traceparent of the sync.requested message (the sync runs in that trace). */
  traceparent: ColumnType<string | null, string | null | undefined, string | null>;
  /** The connection's own share of each Okta bucket (null: the deployment's OKTA_BUCKET_SHARE). */
  rate_limit_share: ColumnType<number | null, number | null | undefined, number | null>;
  /** Pauses on a dependency outage so far (the outage budget; lease-loss resumes do not count). */
  outage_pauses: Generated<number>;
}

/** `sync_checkpoints`: where each dataset of a sync stands. */
export interface SyncCheckpointTable {
  sync_id: string;
  dataset: string;
  status: 'running' | 'done' | 'skipped';
  phase: Generated<string>;
  parent_index: Generated<number>;
  page_url: string | null;
  page_skip: Generated<number>;
  seq: Generated<number>;
  record_count: Generated<number>;
  parent_count: Generated<number>;
  warning: ColumnType<unknown, string | null | undefined, string | null> | null;
  /** Records in batch `seq` when it went out on a timer before its checkpoint (null: none pending). */
  pending_count: ColumnType<number | null, number | null | undefined, number | null>;
  updated_at: Generated<Date>;
}

/** `sync_parents`: groups, apps and admins that per-parent datasets walk, by ordinal. */
export interface SyncParentTable {
  sync_id: string;
  kind: 'group' | 'app' | 'admin';
  ordinal: number;
  okta_id: string;
}

/** The `ingest` schema. */
export interface IngestDatabase extends OutboxDatabase {
  sync_jobs: SyncJobTable;
  sync_checkpoints: SyncCheckpointTable;
  sync_parents: SyncParentTable;
}
