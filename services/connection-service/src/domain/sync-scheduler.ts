import type { AppLogger } from '@appgov/telemetry';
import { lockDueConnections, updateConnection } from './connection.repository.js';
import type { ConnectionDeps } from './connection.service.js';
import { nextSyncAt } from './schedule.js';
import { requestSyncInTx } from './sync-requests.js';
import { runActiveSince } from './sync-run.repository.js';
import { syncIntervalOf } from './tenant-settings.repository.js';

/**
 * One scheduler round (C10): claims due connections with `FOR UPDATE SKIP LOCKED`, so replicas
 * never claim the same row, and in the same transaction requests their syncs (outbox) and moves
 * `next_sync_at` by the tenant's interval ± jitter. Connections with a running sync are skipped
 * (only their next time moves). Returns the number of syncs requested.
 */
export async function scheduleDueSyncs(deps: ConnectionDeps, batch: number): Promise<number> {
  const now = deps.clock.now();
  const runningSince = new Date(now.getTime() - deps.settings.stale.runningStaleAfterMs);
  return deps.db.transaction().execute(async (trx) => {
    const due = await lockDueConnections(trx, now, batch);
    let requested = 0;
    const intervals = new Map<string, number>();
    for (const row of due) {
      let interval = intervals.get(row.tenant_id);
      if (interval === undefined) {
        interval = await syncIntervalOf(trx, row.tenant_id, deps.settings.syncIntervalSeconds);
        intervals.set(row.tenant_id, interval);
      }
      const running = row.current_sync_id
        ? await runActiveSince(trx, row.current_sync_id, runningSince)
        : false;
      if (!running) {
        await requestSyncInTx(deps, trx, row, 'schedule', now, undefined);
        requested++;
      }
      await updateConnection(trx, row.id, {
        next_sync_at: nextSyncAt(now, interval, deps.settings.jitterRatio, deps.random),
      });
    }
    return requested;
  });
}

/** Runs {@link scheduleDueSyncs} every `tickMs` until stopped. */
export class SyncScheduler {
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #stopped = true;

  constructor(
    private readonly deps: ConnectionDeps,
    private readonly options: { tickMs: number; batch: number; logger: AppLogger },
  ) {}

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#schedule(Math.min(1000, this.options.tickMs));
  }

  #schedule(ms: number): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      this.#running = this.tick().finally(() => {
        this.#running = undefined;
        this.#schedule(this.options.tickMs);
      });
    }, ms);
  }

  /** One round; errors are logged, never thrown (the next tick retries). */
  async tick(): Promise<void> {
    try {
      let n: number;
      do {
        n = await scheduleDueSyncs(this.deps, this.options.batch);
        if (n > 0) this.options.logger.info({ requested: n }, 'scheduled syncs requested');
      } while (n >= this.options.batch && !this.#stopped);
    } catch (error) {
      this.options.logger.warn({ err: error }, 'sync scheduler round failed');
    }
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
  }
}
