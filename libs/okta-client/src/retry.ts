// Bounded retries with full-jitter exponential backoff (AWS architecture blog, "Exponential
// Backoff And Jitter"): spreading retries randomly keeps many replicas from retrying in lockstep.
import { AppError, isRetryable } from '@appgov/errors';

/** Retry policy of the Okta client. */
export interface RetryOptions {
  /** Total attempts including the first (default 4). */
  maxAttempts: number;
  /** First backoff ceiling in ms (default 500). */
  baseDelayMs: number;
  /** Largest backoff ceiling in ms (default 20000). */
  maxDelayMs: number;
  /** Added to Reset − Date after a 429 (default 500). */
  resetMarginMs: number;
  /** Backoff ceiling after a concurrency 429 (Limit 0 / Remaining 0) (default 1000). */
  concurrencyBackoffMs: number;
  /** Longest single wait a 429 may impose before the call gives up (default 120000). */
  maxRateLimitWaitMs: number;
}

/** Defaults for {@link RetryOptions}. */
export const DEFAULT_RETRY: RetryOptions = {
  maxAttempts: 4,
  baseDelayMs: 500,
  maxDelayMs: 20_000,
  resetMarginMs: 500,
  concurrencyBackoffMs: 1000,
  maxRateLimitWaitMs: 120_000,
};

/** Full jitter: uniform in [0, min(max, base·2^(attempt−1))]; attempt counts from 1. */
export function backoffDelayMs(
  attempt: number,
  opts: Pick<RetryOptions, 'baseDelayMs' | 'maxDelayMs'>,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(opts.maxDelayMs, opts.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceiling);
}

/** Resolves after `ms`, or rejects with the signal's reason when aborted first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(abortError(signal));
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError(signal as AbortSignal));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** The error a cancelled Okta call rejects with. */
export function abortError(signal: AbortSignal): AppError {
  return new AppError('OKTA_CALL_CANCELLED', 'The Okta call was cancelled', {
    retryable: false,
    cause: signal.reason,
  });
}

/** How long to wait before the next attempt after `error`, or undefined to stop retrying. */
export type RetryDecision = (error: unknown, attempt: number) => number | undefined;

/** A decision that retries retryable errors with jittered backoff up to `maxAttempts`. */
export function defaultRetryDecision(opts: RetryOptions): RetryDecision {
  return (error, attempt) => {
    if (attempt >= opts.maxAttempts || !isRetryable(error)) return undefined;
    return backoffDelayMs(attempt, opts);
  };
}
