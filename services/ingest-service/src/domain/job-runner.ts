// Claims sync jobs from Postgres and runs up to `concurrency` of them at once (one slow org never
// blocks the others). Kafka handlers only record jobs; syncs run here, outside the consumer, so a
// long sync never stalls the consumer's heartbeats. A job runs only under its connection's Redis
// lease (I6); a replica that finds a running job whose lease expired resumes it (I7).
import { randomUUID } from 'node:crypto';
import { assertValidEvent } from '@appgov/kafka';
import type { OktaClientFactory, OktaCredential } from '@appgov/okta-client';
import type { StoredOktaCredential } from '@appgov/secrets';
import type { Clock } from '@appgov/service';
import { extractContext, withSpan } from '@appgov/telemetry';
import type { Transaction } from 'kysely';
import type { ConnectionLeases } from './connection-lease.js';
import type { IngestDatabase } from './ingest.tables.js';
import { recordEvent } from './record-event.js';
import { runSync, type SyncEngineDeps, type SyncProgress } from './sync-engine.js';
import { enqueueCompleted, enqueueFailed, enqueueStarted } from './sync-events.js';
import { failureOf, isTransientOutage, JobStop } from './sync-failure.js';
import {
  finishJob,
  getCheckpoints,
  heartbeat,
  lockClaimable,
  lockOwnRunningJob,
  markRunning,
  notePause,
  requeue,
  type SyncJob,
} from './sync-job.repository.js';
import { freeSlots } from './sync-slots.js';

/**
 * Outage pauses after which an outage fails the sync instead of pausing it (a long outage surfaces
 * as a failure). Pauses, not attempts: a replica starved of CPU loses leases and another resumes its
 * syncs, which adds attempts without any outage (issue 16).
 */
const MAX_OUTAGE_PAUSES = 10;

export interface JobRunnerDeps extends SyncEngineDeps {
  clock: Clock;
  leases: ConnectionLeases;
  secrets: { getOktaCredential(tenantId: string, connectionId: string): Promise<StoredOktaCredential> };
  okta: OktaClientFactory;
  workerId?: string;
  concurrency: number;
  /** Long syncs' own pool (sync-slots.ts); absent: long syncs take ordinary slots. */
  longSlots?: { afterMs: number; slots: number };
  pollMs: number;
  progressIntervalMs: number;
}

interface Running {
  job: SyncJob;
  launchedAt: number;
  abort: AbortController;
  done: Promise<void>;
}

export class JobRunner {
  readonly #d: JobRunnerDeps;
  readonly workerId: string;
  readonly #running = new Map<string, Running>();
  #timer: NodeJS.Timeout | undefined;
  #stopped = true;
  #polling: Promise<void> | undefined;
  #again = false;

  constructor(deps: JobRunnerDeps) {
    this.#d = deps;
    this.workerId = deps.workerId ?? `ingest-${randomUUID()}`;
  }

  get runningSyncIds(): string[] {
    return [...this.#running.keys()];
  }

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#schedule(0);
  }

  /** Polls now (a job was just recorded). */
  wake(): void {
    if (this.#stopped) return;
    this.#schedule(0);
  }

  /** Stops a sync this replica runs, at once. */
  stopLocal(syncId: string, kind: JobStop['kind']): boolean {
    const r = this.#running.get(syncId);
    if (!r) return false;
    if (!r.abort.signal.aborted) r.abort.abort(new JobStop(kind));
    return true;
  }

  /** Stops polling, gives running jobs back (they resume elsewhere from their checkpoints). */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    await this.#polling?.catch(() => {});
    for (const r of this.#running.values())
      if (!r.abort.signal.aborted) r.abort.abort(new JobStop('shutdown'));
    await Promise.allSettled([...this.#running.values()].map((r) => r.done));
  }

  #schedule(ms: number): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#poll(), ms);
  }

  #poll(): void {
    if (this.#stopped) return;
    if (this.#polling) {
      this.#again = true;
      return;
    }
    this.#polling = this.#claim()
      .catch((error: unknown) => this.#d.logger.warn({ err: error }, 'claiming sync jobs failed'))
      .finally(() => {
        this.#polling = undefined;
        if (this.#stopped) return;
        if (this.#again) {
          this.#again = false;
          this.#schedule(0);
        } else this.#schedule(this.#d.pollMs);
      });
  }

  async #claim(): Promise<void> {
    const free = freeSlots(
      {
        concurrency: this.#d.concurrency,
        longAfterMs: this.#d.longSlots?.afterMs ?? Number.POSITIVE_INFINITY,
        longSlots: this.#d.longSlots?.slots ?? 0,
      },
      [...this.#running.values()].map((r) => r.launchedAt),
      Date.now(),
    );
    if (free <= 0) return;
    const busy = [...this.#running.values()].map((r) => r.job.connectionId);
    const claimed = await this.#d.db.transaction().execute(async (trx) => {
      const candidates = await lockClaimable(trx, free, this.#d.leases.ttlMs, busy);
      const taken: SyncJob[] = [];
      const leased = new Set<string>();
      for (const job of candidates) {
        if (leased.has(job.connectionId)) continue;
        if (!(await this.#d.leases.acquire(job.connectionId, this.#holder(job)))) continue;
        leased.add(job.connectionId);
        try {
          const running = await markRunning(trx, job.syncId, this.workerId);
          const { startedAt } = running;
          if (!job.startedAt && startedAt)
            await withSpan(
              'ingest sync claim',
              () => enqueueStarted(trx, this.#d, running, startedAt),
              spanAttrs(job),
              {
                parent: traceOf(job),
              },
            );
          taken.push(running);
        } catch (error) {
          await this.#d.leases.release(job.connectionId, this.#holder(job)).catch(() => {});
          throw error;
        }
      }
      return taken;
    });
    for (const job of claimed) this.#launch(job);
  }

  #holder(job: SyncJob): string {
    return `${this.workerId}:${job.syncId}`;
  }

  #launch(job: SyncJob): void {
    const abort = new AbortController();
    const entry: Running = { job, abort, launchedAt: Date.now(), done: Promise.resolve() };
    this.#running.set(job.syncId, entry);
    this.#d.metrics.running.set(this.#running.size);
    // The sync continues the trace of its sync.requested message (HTTP request → Kafka → here).
    const traced = withSpan('ingest sync', () => this.#run(job, abort), spanAttrs(job), {
      parent: traceOf(job),
    });
    entry.done = traced.finally(() => {
      this.#running.delete(job.syncId);
      this.#d.metrics.running.set(this.#running.size);
      this.wake();
    });
  }

  async #run(job: SyncJob, abort: AbortController): Promise<void> {
    const { logger } = this.#d;
    const holder = this.#holder(job);
    const progress: SyncProgress = { counts: {}, callsMade: 0 };
    const log = logger.child({ syncId: job.syncId, connectionId: job.connectionId, attempt: job.attempts });
    log.info({ domain: job.domain, resumed: job.attempts > 1 }, 'sync running');

    // Lease renewal and the cancel flag: a cancel written by any replica stops this sync within a tick.
    const tickMs = Math.max(50, Math.min(1000, Math.floor(this.#d.leases.ttlMs / 3)));
    let ticking = false;
    const tick = setInterval(async () => {
      if (ticking || abort.signal.aborted) return;
      ticking = true;
      try {
        if (!(await this.#d.leases.renew(job.connectionId, holder))) {
          abort.abort(new JobStop('lease_lost'));
          return;
        }
        const hb = await heartbeat(this.#d.db, job.syncId, this.workerId, progress);
        if (!hb) abort.abort(new JobStop('lease_lost'));
        else if (hb.cancelRequested) abort.abort(new JobStop('cancelled'));
      } catch (error) {
        log.warn({ err: error }, 'sync heartbeat failed');
      } finally {
        ticking = false;
      }
    }, tickMs);
    const progressTimer = setInterval(() => {
      const event = recordEvent(
        'sync.progress',
        job,
        { syncId: job.syncId, counts: { ...progress.counts }, callsMade: progress.callsMade },
        randomUUID(),
      );
      this.#d.producer
        .publish(this.#d.topics.syncStatus, [event], { key: job.connectionId })
        .catch((error: unknown) => log.warn({ err: error }, 'sync.progress not sent'));
    }, this.#d.progressIntervalMs);

    try {
      const stored = await this.#d.secrets.getOktaCredential(job.tenantId, job.connectionId);
      // A connection's own share only lowers the deployment's (the pacer ignores a higher one).
      const share = job.rateLimitShare ?? undefined;
      const client = this.#d.okta.forOrg(job.domain, oktaCredentialOf(stored), share ? { share } : undefined);
      const result = await runSync(this.#d, job, client, abort.signal, progress);
      abort.signal.throwIfAborted();
      const finishedAt = this.#d.clock.now();
      const startedAt = job.startedAt ?? finishedAt;
      const durationMs = Math.max(0, finishedAt.getTime() - startedAt.getTime());
      const data = {
        syncId: job.syncId,
        startedAt: startedAt.toISOString(),
        finishedAt: finishedAt.toISOString(),
        durationMs,
        counts: result.counts,
        warnings: result.warnings,
        skippedDatasets: result.skippedDatasets,
      };
      assertValidEvent(recordEvent('sync.completed', job, data, 'check'));
      await this.#finish(job, async (trx) => {
        await finishJob(trx, job.syncId, {
          state: 'done',
          counts: result.counts as Record<string, number>,
          warnings: result.warnings,
        });
        await enqueueCompleted(trx, this.#d, job, data, result.datasetsRead);
      });
      this.#d.metrics.syncs.inc({ outcome: 'completed', reason: 'none' });
      this.#d.metrics.duration.observe({ outcome: 'completed' }, durationMs / 1000);
      log.info(
        { durationMs, counts: result.counts, skipped: result.skippedDatasets, calls: progress.callsMade },
        'sync completed',
      );
    } catch (caught) {
      const error = abort.signal.aborted ? abort.signal.reason : caught;
      if (error instanceof JobStop && error.kind === 'shutdown') {
        await requeue(this.#d.db, job.syncId, this.workerId).catch(() => {});
        log.info('sync handed back for another worker (shutdown)');
      } else if (error instanceof JobStop && error.kind === 'lease_lost') {
        log.warn('sync lease lost; another worker owns this sync');
      } else if (isTransientOutage(error) && job.outagePauses < MAX_OUTAGE_PAUSES) {
        // Kafka, Postgres, Redis or Vault went away or did not answer in time (SPEC §11): leave the job running without a heartbeat, as a
        // crashed worker would; once the heartbeat is stale any replica resumes it from its checkpoint (I7).
        await notePause(this.#d.db, job.syncId, this.workerId).catch(() => {});
        log.warn(
          { err: error, pauses: job.outagePauses + 1 },
          'sync paused: infrastructure unavailable; it resumes from its checkpoint',
        );
      } else {
        const failure = failureOf(error);
        const cancelled = failure.reasonCode === 'cancelled';
        if (error instanceof JobStop && error.kind === 'superseded')
          failure.message = 'Superseded by a newer sync';
        const recordsSent = (await getCheckpoints(this.#d.db, job.syncId).catch(() => [])).length > 0;
        await this.#finish(job, async (trx) => {
          await finishJob(trx, job.syncId, {
            state: cancelled ? 'cancelled' : 'failed',
            reasonCode: failure.reasonCode,
            message: failure.message,
            counts: progress.counts as Record<string, number>,
          });
          await enqueueFailed(trx, this.#d, job, failure, { startedAt: job.startedAt, recordsSent });
        });
        const outcome = cancelled ? 'cancelled' : 'failed';
        this.#d.metrics.syncs.inc({ outcome, reason: failure.reasonCode });
        if (job.startedAt)
          this.#d.metrics.duration.observe({ outcome }, (Date.now() - job.startedAt.getTime()) / 1000);
        log.warn(
          {
            reasonCode: failure.reasonCode,
            code: (error as { code?: unknown })?.code,
            calls: progress.callsMade,
            // An unclassified error is logged whole, so that an `internal` failure can be traced.
            ...(failure.reasonCode === 'internal' ? { err: error } : {}),
          },
          `sync ${outcome}`,
        );
      }
    } finally {
      clearInterval(tick);
      clearInterval(progressTimer);
      await this.#d.leases.release(job.connectionId, holder).catch(() => {});
    }
  }

  /** Writes a terminal state only while this worker still owns the job. */
  async #finish(job: SyncJob, write: (trx: Transaction<IngestDatabase>) => Promise<void>): Promise<void> {
    await this.#d.db.transaction().execute(async (trx) => {
      if (await lockOwnRunningJob(trx, job.syncId, this.workerId)) await write(trx);
    });
  }
}

function traceOf(job: SyncJob) {
  return extractContext({ traceparent: job.traceparent ?? undefined });
}

function spanAttrs(job: SyncJob) {
  return {
    'appgov.sync_id': job.syncId,
    'appgov.connection_id': job.connectionId,
    'appgov.attempt': job.attempts,
  };
}

/** The Okta client's credential for what Vault holds: an API token (SSWS) or a service app (C11). */
function oktaCredentialOf(stored: StoredOktaCredential): OktaCredential {
  if (stored.type === 'api_token') return { type: 'ssws', token: stored.token };
  return {
    type: 'oauth',
    clientId: stored.clientId,
    privateKey: stored.privateKey,
    keyId: stored.keyId,
    scopes: stored.scopes,
  };
}
