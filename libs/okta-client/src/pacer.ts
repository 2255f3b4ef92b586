// Paces one org's calls so a sync rarely meets a 429 (I2): each bucket's budget comes from the
// store (shared through Redis when configured), and a local cap bounds requests in flight.

import type { OktaBucket } from './buckets.js';
import { type BudgetParams, type BudgetStore, MemoryBudgetStore } from './budget.js';
import type { OktaLogger } from './logger.js';
import { waitOrCancel } from './retry.js';

/** Pacer tuning. */
export interface PacerOptions extends BudgetParams {
  /** Requests in flight per org in this process (Okta allows 75 per org, 35 on free orgs). */
  maxInFlight: number;
  /** Longest single sleep between budget checks, so budget changes are noticed (default 1000). */
  maxPollMs: number;
}

/** Defaults for {@link PacerOptions}. */
export const DEFAULT_PACER: PacerOptions = {
  share: 0.5,
  spreadBelow: 0.25,
  probeIntervalMs: 2000,
  windowMs: 60_000,
  maxInFlight: 10,
  maxPollMs: 1000,
};

/** A FIFO counting semaphore. */
export class Semaphore {
  #free: number;
  readonly #waiters: (() => void)[] = [];

  constructor(size: number) {
    this.#free = Math.max(1, size);
  }

  /** Slots not taken. */
  get available(): number {
    return this.#free;
  }

  async take(signal?: AbortSignal): Promise<void> {
    if (this.#free > 0) {
      this.#free--;
      return;
    }
    await new Promise<void>((resolve, reject) => {
      const grant = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = () => {
        const i = this.#waiters.indexOf(grant);
        if (i >= 0) this.#waiters.splice(i, 1);
        reject(signal?.reason ?? new Error('aborted'));
      };
      this.#waiters.push(grant);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  release(): void {
    const next = this.#waiters.shift();
    if (next) next();
    else this.#free++;
  }
}

/** The budget and concurrency gate of one org. */
export class OrgPacer {
  readonly #domain: string;
  readonly #store: BudgetStore;
  readonly #fallback = new MemoryBudgetStore();
  readonly #options: PacerOptions;
  readonly #inFlight: Semaphore;
  readonly #logger: OktaLogger | undefined;
  #storeFailing = false;

  constructor(domain: string, store: BudgetStore, options: PacerOptions, logger?: OktaLogger) {
    this.#domain = domain;
    this.#store = store;
    this.#options = options;
    this.#inFlight = new Semaphore(options.maxInFlight);
    this.#logger = logger;
  }

  /** Resolves once a call to `bucket` fits the budget and a slot is free; returns the release. */
  async acquire(bucket: OktaBucket, signal?: AbortSignal): Promise<() => void> {
    for (;;) {
      const wait = await this.#storeCall((s) => s.acquire(this.#domain, bucket, this.#options));
      if (wait <= 0) break;
      // A little jitter keeps replicas that wake together from hammering the store in step.
      await waitOrCancel(Math.min(wait, this.#options.maxPollMs) + Math.floor(Math.random() * 10), signal);
    }
    // The bucket slot is taken before the in-flight slot so a slow bucket (apps) waiting for its
    // window never holds in-flight slots that other buckets could use.
    await this.#inFlight.take(signal);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#inFlight.release();
    };
  }

  /** Feeds a response's rate-limit headers back into the budget. */
  async observe(
    bucket: OktaBucket,
    limit: number,
    remaining: number,
    resetInMs: number,
    resetEpoch: number,
  ): Promise<void> {
    await this.#storeCall((s) => s.observe(this.#domain, bucket, limit, remaining, resetInMs, resetEpoch));
  }

  /** After a 429: nothing goes to `bucket` for `waitMs`. */
  async block(bucket: OktaBucket, waitMs: number): Promise<void> {
    await this.#storeCall((s) => s.block(this.#domain, bucket, waitMs));
  }

  // Redis trouble must not fail a sync: budgets then fall back to this process alone.
  async #storeCall<T>(fn: (s: BudgetStore) => Promise<T>): Promise<T> {
    if (this.#store instanceof MemoryBudgetStore) return fn(this.#store);
    try {
      const result = await fn(this.#store);
      if (this.#storeFailing) {
        this.#storeFailing = false;
        this.#logger?.info({ domain: this.#domain }, 'okta budget store reachable again');
      }
      return result;
    } catch (error) {
      if (!this.#storeFailing) {
        this.#storeFailing = true;
        this.#logger?.warn(
          { domain: this.#domain, err: { message: (error as Error)?.message } },
          'okta budget store failed; pacing this process alone',
        );
      }
      return fn(this.#fallback);
    }
  }
}
