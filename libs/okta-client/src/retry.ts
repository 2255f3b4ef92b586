// Bounded retries with full-jitter exponential backoff (AWS architecture blog, "Exponential
// Backoff And Jitter"): spreading retries randomly keeps many replicas from retrying in lockstep.
import { setTimeout as sleep } from 'node:timers/promises';
import { AppError, type BackoffPolicy } from '@appgov/errors';

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

/** The backoff between retries of a failed call (no Retry-After), from `baseMs`. */
export function retryBackoff(retry: RetryOptions, baseMs = retry.baseDelayMs): BackoffPolicy {
  return { baseMs, maxMs: retry.maxDelayMs, jitter: 'full' };
}

/** Waits `ms`, or rejects with OKTA_CALL_CANCELLED when `signal` aborts first. */
export async function waitOrCancel(ms: number, signal: AbortSignal | undefined): Promise<void> {
  try {
    await sleep(ms, undefined, signal ? { signal } : undefined);
  } catch (error) {
    if (signal?.aborted) throw abortError(signal);
    throw error;
  }
}

/** The error a cancelled Okta call rejects with. */
export function abortError(signal: AbortSignal): AppError {
  return new AppError('OKTA_CALL_CANCELLED', 'The Okta call was cancelled', {
    retryable: false,
    cause: signal.reason,
  });
}
