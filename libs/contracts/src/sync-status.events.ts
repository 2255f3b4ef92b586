import { Type } from '@sinclair/typebox';
import { Count, Dataset, DatasetCounts, DateTime, Uuid } from './common.schema.js';
import { defineEvent } from './event-definition.js';
import { SyncTrigger } from './sync-request.events.js';

const strict = { additionalProperties: false } as const;

/** Why a sync failed (SPEC I5, I7). */
export const SyncFailureReason = Type.Union([
  Type.Literal('invalid_token'),
  Type.Literal('org_not_found'),
  Type.Literal('okta_unavailable'),
  Type.Literal('rate_limited'),
  Type.Literal('circuit_open'),
  Type.Literal('cancelled'),
  Type.Literal('internal'),
]);

/** A non-fatal problem of one dataset (e.g. skipped after a 403). */
export const SyncWarning = Type.Object(
  { dataset: Dataset, code: Type.String({ minLength: 1 }), message: Type.String() },
  strict,
);

/** Events on `appgov.sync-status.v1` (key: connection id). */
export const syncStatusEvents = {
  'sync.started': defineEvent({
    version: 1,
    topic: 'syncStatus',
    description: 'A worker took the lease and began the sync.',
    data: Type.Object({ syncId: Uuid(), trigger: SyncTrigger, startedAt: DateTime() }, strict),
  }),
  'sync.progress': defineEvent({
    version: 1,
    topic: 'syncStatus',
    description: 'Periodic progress of a running sync.',
    data: Type.Object({ syncId: Uuid(), counts: DatasetCounts, callsMade: Count }, strict),
  }),
  'sync.completed': defineEvent({
    version: 1,
    topic: 'syncStatus',
    description: 'Ingest read every dataset it could; warnings name skipped datasets.',
    data: Type.Object(
      {
        syncId: Uuid(),
        startedAt: DateTime(),
        finishedAt: DateTime(),
        durationMs: Count,
        counts: DatasetCounts,
        warnings: Type.Array(SyncWarning),
        skippedDatasets: Type.Array(Dataset, { uniqueItems: true }),
      },
      strict,
    ),
  }),
  'sync.failed': defineEvent({
    version: 1,
    topic: 'syncStatus',
    description: 'The sync stopped without completing.',
    data: Type.Object(
      {
        syncId: Uuid(),
        reasonCode: SyncFailureReason,
        message: Type.String(),
        startedAt: Type.Optional(DateTime()),
        failedAt: DateTime(),
      },
      strict,
    ),
  }),
  'catalog.applied': defineEvent({
    version: 1,
    topic: 'syncStatus',
    description: 'The catalog applied and swept a completed sync: its data is queryable.',
    data: Type.Object(
      { syncId: Uuid(), counts: DatasetCounts, appliedAt: Type.Optional(DateTime()) },
      strict,
    ),
  }),
} as const;
