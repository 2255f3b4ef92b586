import { type MigrationRecord, outboxMigrations } from '@appgov/db';
import { syncJobsMigration } from './20261129140000_sync-jobs.migration.js';
import { syncJobTraceparentMigration } from './20261215090000_sync-job-traceparent.migration.js';
import { checkpointPendingBatchMigration } from './20261216090000_checkpoint-pending-batch.migration.js';
import { syncJobRateLimitShareMigration } from './20261217100000_sync-job-rate-limit-share.migration.js';
import { syncJobOutagePausesMigration } from './20261218090000_sync-job-outage-pauses.migration.js';

/** Every migration of the `ingest` schema, in name order. */
export const ingestMigrations: MigrationRecord = {
  ...outboxMigrations,
  '20261129140000_sync_jobs': syncJobsMigration,
  '20261215090000_sync_job_traceparent': syncJobTraceparentMigration,
  '20261216090000_checkpoint_pending_batch': checkpointPendingBatchMigration,
  '20261217100000_sync_job_rate_limit_share': syncJobRateLimitShareMigration,
  '20261218090000_sync_job_outage_pauses': syncJobOutagePausesMigration,
};
