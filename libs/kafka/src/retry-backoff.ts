/** Exponential backoff settings of a consumer's retries. */
export interface BackoffOptions {
  /** Delay before the second attempt, in ms (default 200). */
  baseMs?: number;
  /** Upper bound of any delay, in ms (default 10 000). */
  maxMs?: number;
}

/** Delay before attempt `attempt + 1`: doubling from baseMs, capped, with "equal jitter" so replicas spread. */
export function backoffDelay(
  attempt: number,
  options: BackoffOptions = {},
  random: () => number = Math.random,
): number {
  const base = options.baseMs ?? 200;
  const max = options.maxMs ?? 10_000;
  const exp = Math.min(max, base * 2 ** Math.max(0, attempt - 1));
  return Math.round(exp / 2 + (random() * exp) / 2);
}

/** Sleeps, or resolves `false` early when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(false);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
