// Paces one org's calls so a sync rarely meets a 429 (I2): each bucket's budget comes from the
// store (shared through Redis when configured), and a local cap bounds requests in flight.

import type { OktaBucket } from './buckets.js';
import { type BudgetParams, type BudgetStore, MemoryBudgetStore } from './budget.js';
import {
  type CeilingMode,
  DEFAULT_TOKEN_MARGIN,
  isTokenCeiling,
  OKTA_DEFAULT_TOKEN_PERCENT,
} from './ceiling.js';
import type { OktaLogger } from './logger.js';
import { waitOrCancel } from './retry.js';

/** Pacer tuning. */
export interface PacerOptions extends BudgetParams {
  /** How X-Rate-Limit-Limit is read (ceiling.ts; default auto). */
  ceiling: CeilingMode;
  /** Requests in flight per org in this process (Okta allows 75 per org, 35 on free orgs). */
  maxInFlight: number;
  /** Longest single sleep between budget checks, so budget changes are noticed (default 1000). */
  maxPollMs: number;
}

/** Defaults for {@link PacerOptions}. */
export const DEFAULT_PACER: PacerOptions = {
  share: 0.5,
  tokenMargin: DEFAULT_TOKEN_MARGIN,
  tokenPercent: OKTA_DEFAULT_TOKEN_PERCENT,
  ceiling: 'auto',
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
  /** Requests in flight in the whole process (all orgs), when bounded. */
  readonly #total: Semaphore | undefined;
  readonly #logger: OktaLogger | undefined;
  #storeFailing = false;

  constructor(
    domain: string,
    store: BudgetStore,
    options: PacerOptions,
    logger?: OktaLogger,
    inFlight?: Semaphore,
    total?: Semaphore,
  ) {
    this.#domain = domain;
    this.#store = store;
    this.#options = options;
    this.#inFlight = inFlight ?? new Semaphore(options.maxInFlight);
    this.#total = total;
    this.#logger = logger;
  }

  /** The share of the org-wide bucket this pacer uses. */
  get share(): number {
    return this.#options.share;
  }

  /**
   * The same org's pacer at a lower share (a connection's own setting): same budget in the store,
   * same in-flight slots; never above this pacer's share.
   */
  withShare(share: number): OrgPacer {
    if (!(share > 0) || share >= this.#options.share) return this;
    return new OrgPacer(
      this.#domain,
      this.#store,
      { ...this.#options, share },
      this.#logger,
      this.#inFlight,
      this.#total,
    );
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
    if (this.#total) {
      try {
        await this.#total.take(signal);
      } catch (error) {
        this.#inFlight.release();
        throw error;
      }
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#total?.release();
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
    const token = limit > 0 && isTokenCeiling(bucket, limit, this.#options.ceiling);
    await this.#storeCall((s) =>
      s.observe(this.#domain, bucket, limit, remaining, resetInMs, resetEpoch, token),
    );
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
