import { RECORD_BATCH_LIMITS } from '@appgov/contracts';
import type { DatasetPlan } from './dataset-plans.js';
import { recordEvent } from './record-event.js';
import type { SyncEngineDeps, SyncProgress } from './sync-engine.js';
import { addParents, type Checkpoint, type SyncJob, saveCheckpoint } from './sync-job.repository.js';

/** Where reading stands in a dataset: the parent, the page and the records of it already taken. */
export interface Position {
  parentIndex: number;
  pageUrl: string | null;
  pageSkip: number;
}

/** Room left in each batch for the CloudEvents envelope around the records. */
const ENVELOPE_ROOM = 4096;

/**
 * Bounded batches of one dataset (records and bytes), each followed by a checkpoint.
 *
 * A batch re-sent after a crash must be the same batch (same seq, same records): the catalog keeps
 * the first batch of each seq and drops later ones. Batches cut because they filled up, or at the
 * end of the dataset, come out the same when re-read from the checkpoint; a batch cut on the timer
 * does not, so its record count is saved before it is published, and a resumed writer cuts its
 * first batch at that count (or, with none saved, never on the timer).
 */
export class DatasetWriter {
  readonly #deps: SyncEngineDeps;
  readonly #job: SyncJob;
  readonly #plan: DatasetPlan;
  readonly #cp: Checkpoint;
  readonly #progress: SyncProgress;
  readonly #maxRecords: number;
  readonly #maxBytes: number;
  #buffer: unknown[] = [];
  #bytes = 0;
  #lastSave = Date.now();
  /** Records of the batch an earlier attempt may have sent before it stopped. */
  #pending: number | undefined;
  /** No timed flush before the first batch of a resumed dataset. */
  #untimed: boolean;

  constructor(
    deps: SyncEngineDeps,
    job: SyncJob,
    plan: DatasetPlan,
    cp: Checkpoint,
    progress: SyncProgress,
    resumed: boolean,
  ) {
    this.#deps = deps;
    this.#job = job;
    this.#plan = plan;
    this.#cp = cp;
    this.#progress = progress;
    const limits = deps.batchLimits ?? RECORD_BATCH_LIMITS;
    this.#maxRecords = Math.min(limits.maxRecords, RECORD_BATCH_LIMITS.maxRecords);
    this.#maxBytes = Math.min(limits.maxBytes, RECORD_BATCH_LIMITS.maxBytes) - ENVELOPE_ROOM;
    this.#pending = cp.pendingCount ?? undefined;
    this.#untimed = resumed;
  }

  /** Adds a record; `here` is its own position, `next` where reading resumes after it. */
  async push(record: unknown, here: Position, next: Position): Promise<void> {
    const size = Buffer.byteLength(JSON.stringify(record)) + 1;
    // This record would overflow the batch: send the others first (resuming starts at it).
    if (this.#buffer.length > 0 && this.#bytes + size > this.#maxBytes) await this.flush(here);
    this.#buffer.push(record);
    this.#bytes += size;
    if (this.#buffer.length >= (this.#pending ?? this.#maxRecords)) await this.flush(next);
  }

  /** After a page or parent: saves progress now and then even when no batch filled up. */
  async pageDone(after: Position): Promise<void> {
    if (Date.now() - this.#lastSave < this.#deps.flushIntervalMs) return;
    if (this.#buffer.length === 0) await this.#save(after);
    else if (this.#pending === undefined && !this.#untimed) await this.flush(after, true);
  }

  /** Sends the buffered records as one batch and moves the checkpoint to `next`. */
  async flush(next: Position, timed = false): Promise<void> {
    if (this.#buffer.length === 0) {
      this.#cp.parentIndex = next.parentIndex;
      return;
    }
    const records = this.#buffer;
    this.#buffer = [];
    this.#bytes = 0;
    const { dataset } = this.#plan;
    const cp = this.#cp;
    if (timed) {
      cp.pendingCount = records.length;
      await saveCheckpoint(this.#deps.db, this.#job.syncId, cp);
    }
    this.#pending = undefined;
    this.#untimed = false;
    await this.#deps.producer.publish(
      this.#deps.topics.oktaRecords,
      [
        recordEvent(
          'records.batch',
          this.#job,
          { syncId: this.#job.syncId, dataset, seq: cp.seq, records } as never,
          `${this.#job.syncId}:${dataset}:${cp.seq}`,
        ),
      ],
      { key: this.#job.connectionId },
    );
    this.#deps.metrics.records.inc({ dataset }, records.length);
    const first = cp.recordCount;
    cp.seq += 1;
    cp.recordCount += records.length;
    this.#progress.counts[dataset] = cp.recordCount;
    await this.#deps.db.transaction().execute(async (trx) => {
      if (this.#plan.emits) {
        await addParents(
          trx,
          this.#job.syncId,
          this.#plan.emits,
          first,
          records.map((r) => (r as { id: string }).id),
        );
      }
      this.#apply(next);
      cp.pendingCount = null;
      await saveCheckpoint(trx, this.#job.syncId, cp);
    });
    this.#lastSave = Date.now();
  }

  async #save(at: Position): Promise<void> {
    this.#apply(at);
    await saveCheckpoint(this.#deps.db, this.#job.syncId, this.#cp);
    this.#lastSave = Date.now();
  }

  #apply(at: Position): void {
    this.#cp.parentIndex = at.parentIndex;
    this.#cp.pageUrl = at.pageUrl;
    this.#cp.pageSkip = at.pageSkip;
  }
}
