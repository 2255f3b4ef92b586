/**
 * How retries of many clients spread out (AWS architecture blog, "Exponential Backoff And
 * Jitter"): `full` draws from [0, d), `equal` from [d/2, d], `none` waits d.
 */
export type Jitter = 'full' | 'equal' | 'none';

/** Exponential backoff: `baseMs` after the first failure, doubling, capped at `maxMs`. */
export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
  jitter: Jitter;
}

/** The delay before the try after failed attempt `attempt` (1-based) under `policy`. */
export function backoffDelayMs(
  attempt: number,
  policy: BackoffPolicy,
  random: () => number = Math.random,
): number {
  // The exponent's cap only keeps 2^n finite; any real maxMs is reached long before it.
  const exponent = Math.min(Math.max(0, attempt - 1), 30);
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** exponent);
  switch (policy.jitter) {
    case 'full':
      return Math.floor(random() * ceiling);
    case 'equal':
      return Math.round(ceiling / 2 + (random() * ceiling) / 2);
    case 'none':
      return ceiling;
  }
}
