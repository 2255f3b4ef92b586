// One opossum breaker per org (I2). It counts only failures that say Okta is unwell (5xx,
// network): a 401/403/404/429 proves Okta answered, so the error filter lets it pass as a success.
import CircuitBreaker from 'opossum';
import { circuitOpenError, countsAgainstBreaker } from './errors.js';

/** Breaker tuning. */
export interface BreakerOptions {
  /** Open after this many consecutive counted failures (0 disables; default 5). */
  consecutiveFailures: number;
  /** Also open when this percentage of calls in the rolling window failed (default 50). */
  errorThresholdPercentage: number;
  /** …but only once the window holds at least this many calls (default 20). */
  volumeThreshold: number;
  /** Rolling window length in ms (default 30000). */
  rollingCountTimeout: number;
  /** Time open before one half-open probe is let through (default 30000). */
  resetTimeout: number;
}

/** Defaults for {@link BreakerOptions}. */
export const DEFAULT_BREAKER: BreakerOptions = {
  consecutiveFailures: 5,
  errorThresholdPercentage: 50,
  volumeThreshold: 20,
  rollingCountTimeout: 30_000,
  resetTimeout: 30_000,
};

/** States as exported in metrics. */
export type BreakerState = 'closed' | 'open' | 'half_open';

type Action = (fn: () => Promise<unknown>) => Promise<unknown>;

/** The breaker of one org. */
export class OrgBreaker {
  readonly #domain: string;
  readonly #breaker: CircuitBreaker<Parameters<Action>, unknown>;
  #consecutive = 0;
  /** Epoch ms of the last call (or creation): how long the org has been idle. */
  lastUsedAt = Date.now();

  constructor(
    domain: string,
    options: BreakerOptions,
    onStateChange?: (from: BreakerState, to: BreakerState) => void,
  ) {
    this.#domain = domain;
    const action: Action = (fn) => fn();
    this.#breaker = new CircuitBreaker(action, {
      name: `okta:${domain}`,
      // Timeouts belong to the HTTP layer, where they become retryable OKTA_UNAVAILABLE errors.
      timeout: false,
      resetTimeout: options.resetTimeout,
      rollingCountTimeout: options.rollingCountTimeout,
      errorThresholdPercentage: options.errorThresholdPercentage,
      volumeThreshold: options.volumeThreshold,
      errorFilter: (error: unknown) => !countsAgainstBreaker(error),
    });
    this.#breaker.on('failure', () => {
      this.#consecutive++;
      if (
        options.consecutiveFailures > 0 &&
        this.#consecutive >= options.consecutiveFailures &&
        !this.#breaker.opened
      ) {
        this.#breaker.open();
      }
    });
    this.#breaker.on('success', () => {
      this.#consecutive = 0;
    });
    let last: BreakerState = 'closed';
    const emit = (to: BreakerState) => {
      if (to === last) return;
      const from = last;
      last = to;
      if (to === 'closed') this.#consecutive = 0;
      onStateChange?.(from, to);
    };
    this.#breaker.on('open', () => emit('open'));
    this.#breaker.on('halfOpen', () => emit('half_open'));
    this.#breaker.on('close', () => emit('closed'));
  }

  /** Current state. */
  get state(): BreakerState {
    if (this.#breaker.halfOpen) return 'half_open';
    return this.#breaker.opened ? 'open' : 'closed';
  }

  /** True when a call would be refused right now (open, or half-open with the probe out). */
  get rejecting(): boolean {
    return this.#breaker.opened && !this.#breaker.halfOpen;
  }

  /** Runs `fn` through the breaker; rejects with OKTA_CIRCUIT_OPEN while open. */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    this.lastUsedAt = Date.now();
    try {
      return (await this.#breaker.fire(fn)) as T;
    } catch (error) {
      if ((error as { code?: unknown })?.code === 'EOPENBREAKER') throw circuitOpenError(this.#domain);
      throw error;
    }
  }

  /** Stops opossum's timers. */
  shutdown(): void {
    this.#breaker.shutdown();
  }
}
