// Runs one sync's datasets from their checkpoints (I1, I4, I5, I7, I8). Records stream page by page
// into bounded batches; after each batch is acknowledged by Kafka the checkpoint moves past it in
// Postgres, so a worker that dies re-sends at most the batch in flight (same id and seq: the
// catalog drops the duplicate) and re-reads at most the pages since the last checkpoint.
import type { CloudEvent, Dataset, TopicId } from '@appgov/contracts';
import { AppError } from '@appgov/errors';
import type { EventProducer } from '@appgov/kafka';
import { type OktaClient, OktaErrorCode, type OktaPage } from '@appgov/okta-client';
import { type AppLogger, withSpan } from '@appgov/telemetry';
import type { Kysely } from 'kysely';
import { DATASET_CHAINS, DATASET_PLANS, type DatasetPlan } from './dataset-plans.js';
import { DatasetWriter, type Position } from './dataset-writer.js';
import type { IngestMetrics } from './ingest.metrics.js';
import type { IngestDatabase } from './ingest.tables.js';
import { recordEvent } from './record-event.js';
import {
  addParents,
  type Checkpoint,
  getCheckpoint,
  getParents,
  type SyncJob,
  saveCheckpoint,
} from './sync-job.repository.js';

/** What a running sync needs. */
export interface SyncEngineDeps {
  db: Kysely<IngestDatabase>;
  producer: EventProducer;
  topics: Readonly<Record<TopicId, string>>;
  metrics: IngestMetrics;
  logger: AppLogger;
  flushIntervalMs: number;
  /** Room left in each batch for the envelope. */
  batchLimits?: { maxRecords: number; maxBytes: number };
  /** Per-parent listings whose first page is fetched ahead of the one being read (default 4). */
  prefetch?: number;
}

/** A non-fatal problem of one dataset. */
export interface SyncWarning {
  dataset: Dataset;
  code: string;
  message: string;
}

/** Live counters of a running sync (read by the progress reporter). */
export interface SyncProgress {
  counts: Partial<Record<Dataset, number>>;
  callsMade: number;
}

/** The outcome of a sync that read everything it could. */
export interface SyncResult {
  counts: Partial<Record<Dataset, number>>;
  warnings: SyncWarning[];
  skippedDatasets: Dataset[];
  datasetsRead: Dataset[];
}

/** Runs every dataset of `job`; throws the first fatal error (401, 404 org, exhausted retries, cancel). */
export async function runSync(
  deps: SyncEngineDeps,
  job: SyncJob,
  client: OktaClient,
  signal: AbortSignal,
  progress: SyncProgress,
): Promise<SyncResult> {
  // One failing chain stops the others at once; the first real error is what the sync reports.
  const inner = new AbortController();
  const onOuter = () => inner.abort(signal.reason);
  if (signal.aborted) inner.abort(signal.reason);
  else signal.addEventListener('abort', onOuter, { once: true });
  let firstError: unknown;
  try {
    await Promise.all(
      DATASET_CHAINS.map(async (chain) => {
        try {
          for (const dataset of chain) {
            await withSpan(
              'ingest dataset',
              () => runDataset(deps, job, client, DATASET_PLANS[dataset], inner.signal, progress),
              { 'appgov.sync_id': job.syncId, 'appgov.dataset': dataset },
            );
          }
        } catch (error) {
          if (firstError === undefined) firstError = error;
          if (!inner.signal.aborted) inner.abort(error);
        }
      }),
    );
  } finally {
    signal.removeEventListener('abort', onOuter);
  }
  if (firstError !== undefined) throw signal.aborted ? signal.reason : firstError;

  const result: SyncResult = { counts: {}, warnings: [], skippedDatasets: [], datasetsRead: [] };
  for (const chain of DATASET_CHAINS) {
    for (const dataset of chain) {
      const cp = await getCheckpoint(deps.db, job.syncId, dataset);
      if (cp?.status === 'done') {
        result.counts[dataset] = cp.recordCount;
        result.datasetsRead.push(dataset);
      } else {
        result.skippedDatasets.push(dataset);
        if (cp?.warning) result.warnings.push(cp.warning as SyncWarning);
      }
    }
  }
  return result;
}

const isForbidden = (e: unknown) => e instanceof AppError && e.code === OktaErrorCode.Forbidden;
const isNotFound = (e: unknown) => e instanceof AppError && e.code === OktaErrorCode.NotFound;

async function runDataset(
  deps: SyncEngineDeps,
  job: SyncJob,
  client: OktaClient,
  plan: DatasetPlan,
  signal: AbortSignal,
  progress: SyncProgress,
): Promise<void> {
  const { dataset } = plan;
  let cp = await getCheckpoint(deps.db, job.syncId, dataset);
  // A checkpoint left by an earlier attempt: its next batch may already be on Kafka.
  const resumed = cp !== undefined;
  if (cp?.status === 'done' || cp?.status === 'skipped') {
    if (cp.status === 'done') progress.counts[dataset] = cp.recordCount;
    return;
  }
  const publish = (event: CloudEvent) =>
    deps.producer.publish(deps.topics.oktaRecords, [event as never], { key: job.connectionId });

  if (plan.dependsOn) {
    const parent = await getCheckpoint(deps.db, job.syncId, plan.dependsOn);
    if (parent?.status === 'skipped') {
      await skip(deps, job, cp, dataset, {
        code: 'PARENT_DATASET_SKIPPED',
        message: `${dataset} needs ${plan.dependsOn}, which could not be read`,
      });
      return;
    }
  }
  if (!cp) {
    // Started is sent before the checkpoint exists; a crash in between re-sends it with the same id.
    await publish(
      recordEvent(
        'records.dataset-started',
        job,
        { syncId: job.syncId, dataset },
        `${job.syncId}:${dataset}:started`,
      ),
    );
    cp = {
      dataset,
      status: 'running',
      phase: plan.parentListing ? 'parents' : 'records',
      parentIndex: 0,
      pageUrl: null,
      pageSkip: 0,
      seq: 0,
      recordCount: 0,
      parentCount: 0,
      warning: null,
      pendingCount: null,
    };
    await saveCheckpoint(deps.db, job.syncId, cp);
  }
  progress.counts[dataset] = cp.recordCount;
  try {
    if (cp.phase === 'parents' && plan.parentListing && plan.parents) {
      await listParents(deps, job, client, plan, cp, signal, progress);
    }
    const writer = new DatasetWriter(deps, job, plan, cp, progress, resumed);
    let end = 1;
    if (plan.parents) end = await readPerParent(deps, job, client, plan, cp, writer, signal, progress);
    // A plain listing is over once its checkpoint points past it (parentIndex 1).
    else if (cp.parentIndex === 0)
      await readListing(openListing(client, plan, undefined, cp, 0, signal), plan, writer, signal, progress);
    await writer.flush({ parentIndex: end, pageUrl: null, pageSkip: 0 });
    await publish(
      recordEvent(
        'records.dataset-completed',
        job,
        { syncId: job.syncId, dataset, recordCount: cp.recordCount, batchCount: cp.seq },
        `${job.syncId}:${dataset}:completed`,
      ),
    );
    cp.status = 'done';
    if (plan.emits) cp.parentCount = cp.recordCount;
    await saveCheckpoint(deps.db, job.syncId, cp);
  } catch (error) {
    if (!isForbidden(error)) throw error;
    // I5: a 403 skips this dataset with a warning; the sync goes on.
    const details = (error as AppError).details as { status?: number; oktaErrorCode?: string } | undefined;
    await skip(
      deps,
      job,
      cp,
      dataset,
      { code: 'OKTA_FORBIDDEN', message: `The token may not read ${dataset}; skipped` },
      details,
    );
  }
}

async function skip(
  deps: SyncEngineDeps,
  job: SyncJob,
  cp: Checkpoint | undefined,
  dataset: Dataset,
  warning: { code: string; message: string },
  details?: { status?: number; oktaErrorCode?: string },
): Promise<void> {
  const data: CloudEvent<'records.dataset-skipped'>['data'] = {
    syncId: job.syncId,
    dataset,
    reason: warning.code === 'OKTA_FORBIDDEN' ? 'forbidden' : 'parent_skipped',
  };
  if (details?.status) data.httpStatus = details.status;
  if (details?.oktaErrorCode) data.errorCode = details.oktaErrorCode;
  await deps.producer.publish(
    deps.topics.oktaRecords,
    [recordEvent('records.dataset-skipped', job, data, `${job.syncId}:${dataset}:skipped`)],
    { key: job.connectionId },
  );
  await saveCheckpoint(deps.db, job.syncId, {
    dataset,
    status: 'skipped',
    phase: cp?.phase ?? 'records',
    parentIndex: cp?.parentIndex ?? 0,
    pageUrl: null,
    pageSkip: 0,
    seq: cp?.seq ?? 0,
    recordCount: cp?.recordCount ?? 0,
    parentCount: cp?.parentCount ?? 0,
    warning: { dataset, ...warning },
    pendingCount: null,
  });
  deps.logger.warn({ syncId: job.syncId, dataset, code: warning.code }, 'dataset skipped');
}

/** user-roles: first the admins (ids only, into sync_parents, checkpointed per page). */
async function listParents(
  deps: SyncEngineDeps,
  job: SyncJob,
  client: OktaClient,
  plan: DatasetPlan,
  cp: Checkpoint,
  signal: AbortSignal,
  progress: SyncProgress,
): Promise<void> {
  const kind = plan.parents as 'admin';
  const pages = cp.pageUrl
    ? client.pagesFrom<{ id: string }>(cp.pageUrl, { signal })
    : (plan.parentListing as NonNullable<DatasetPlan['parentListing']>)(client, undefined, signal);
  for await (const page of pages as AsyncIterable<OktaPage<{ id: string }>>) {
    progress.callsMade++;
    const ids = page.items.map((i) => i.id);
    await deps.db.transaction().execute(async (trx) => {
      await addParents(trx, job.syncId, kind, cp.parentCount, ids);
      cp.parentCount += ids.length;
      cp.pageUrl = page.next ?? null;
      if (!page.next) {
        cp.phase = 'records';
        cp.parentIndex = 0;
      }
      await saveCheckpoint(trx, job.syncId, cp);
    });
    signal.throwIfAborted();
  }
  cp.phase = 'records';
  cp.pageUrl = null;
  cp.pageSkip = 0;
}

async function readPerParent(
  deps: SyncEngineDeps,
  job: SyncJob,
  client: OktaClient,
  plan: DatasetPlan,
  cp: Checkpoint,
  writer: DatasetWriter,
  signal: AbortSignal,
  progress: SyncProgress,
): Promise<number> {
  const kind = plan.parents as NonNullable<DatasetPlan['parents']>;
  const ahead = Math.max(1, deps.prefetch ?? DEFAULT_PREFETCH);
  let from = cp.parentIndex;
  for (;;) {
    // Parents come from Postgres in chunks: nothing holds a whole org's groups or apps (I8).
    const chunk = await getParents(deps.db, job.syncId, kind, from, 500);
    if (chunk.length === 0) break;
    // The first pages of the next few parents are fetched while one is read, so a dataset of
    // many small listings keeps its bucket busy; records are still written strictly in order.
    const queue: OpenListing[] = [];
    let next = 0;
    const fill = () => {
      while (queue.length < ahead && next < chunk.length) {
        const parent = chunk[next++] as { id: string; ordinal: number };
        queue.push(openListing(client, plan, parent.id, cp, parent.ordinal, signal));
      }
    };
    fill();
    for (let open = queue.shift(); open; open = queue.shift()) {
      signal.throwIfAborted();
      fill();
      try {
        await readListing(open, plan, writer, signal, progress);
      } catch (error) {
        // A parent deleted since it was listed has nothing left to read.
        if (!isNotFound(error)) throw error;
      }
      await writer.pageDone({ parentIndex: open.parentIndex + 1, pageUrl: null, pageSkip: 0 });
    }
    from = (chunk[chunk.length - 1] as { ordinal: number }).ordinal + 1;
  }
  return from;
}

const DEFAULT_PREFETCH = 4;

/** A listing whose first page is already on its way. */
interface OpenListing {
  parentId: string | undefined;
  parentIndex: number;
  skipFirst: number;
  pages: AsyncIterator<OktaPage<unknown>>;
  first: Promise<IteratorResult<OktaPage<unknown>>>;
}

/** Starts one listing (of one parent) from the checkpoint when it points into it. */
function openListing(
  client: OktaClient,
  plan: DatasetPlan,
  parentId: string | undefined,
  cp: Checkpoint,
  parentIndex: number,
  signal: AbortSignal,
): OpenListing {
  const here = cp.parentIndex === parentIndex;
  const iterable =
    here && cp.pageUrl !== null
      ? client.pagesFrom<unknown>(cp.pageUrl, { signal })
      : plan.list(client, parentId, signal);
  const pages = iterable[Symbol.asyncIterator]() as AsyncIterator<OktaPage<unknown>>;
  const first = pages.next();
  // Read later (or never, when the dataset stops first): the reader sees any rejection then.
  first.catch(() => {});
  return { parentId, parentIndex, skipFirst: here ? cp.pageSkip : 0, pages, first };
}

/** Reads one opened listing into the writer. */
async function readListing(
  open: OpenListing,
  plan: DatasetPlan,
  writer: DatasetWriter,
  signal: AbortSignal,
  progress: SyncProgress,
): Promise<void> {
  const { parentId, parentIndex } = open;
  let skipFirst = open.skipFirst;
  for (let res = await open.first; !res.done; res = await open.pages.next()) {
    const page = res.value;
    progress.callsMade++;
    const items = page.items;
    const after: Position = page.next
      ? { parentIndex, pageUrl: page.next, pageSkip: 0 }
      : { parentIndex: parentIndex + 1, pageUrl: null, pageSkip: 0 };
    for (let j = skipFirst; j < items.length; j++) {
      const next: Position =
        j + 1 < items.length ? { parentIndex, pageUrl: page.url, pageSkip: j + 1 } : after;
      await writer.push(plan.map(items[j], parentId), { parentIndex, pageUrl: page.url, pageSkip: j }, next);
    }
    skipFirst = 0;
    await writer.pageDone(after);
    signal.throwIfAborted();
  }
}
