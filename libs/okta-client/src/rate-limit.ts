// Okta's X-Rate-Limit-* headers and the wait they imply. Okta's Reset is epoch seconds on Okta's
// clock; comparing it to our own clock would turn clock skew into 429s, so waits are computed
// against the response's Date header and applied as a duration from when we received it.

/** Rate-limit facts from one response. */
export interface RateLimitInfo {
  limit: number;
  remaining: number;
  /** X-Rate-Limit-Reset, epoch seconds on Okta's clock. */
  resetEpochSeconds: number;
  /** Milliseconds from receipt until the window resets (Reset − Date), never negative. */
  resetInMs: number;
}

type HeaderBag = Record<string, string | string[] | undefined>;

function header(headers: HeaderBag, name: string): string | undefined {
  const v = headers[name] ?? headers[name.toLowerCase()];
  if (Array.isArray(v)) return v[0];
  return v;
}

function num(v: string | undefined): number | undefined {
  if (v === undefined || v.trim() === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

/** Milliseconds between the Date header and Reset; falls back to the local clock without Date. */
export function msUntilReset(
  resetEpochSeconds: number,
  dateHeader: string | undefined,
  nowMs = Date.now(),
): number {
  const serverNow = dateHeader ? Date.parse(dateHeader) : Number.NaN;
  const base = Number.isFinite(serverNow) ? serverNow : nowMs;
  return Math.max(0, resetEpochSeconds * 1000 - base);
}

/** Parses the rate-limit headers; undefined when the response carries none. */
export function parseRateLimit(headers: HeaderBag, nowMs = Date.now()): RateLimitInfo | undefined {
  const limit = num(header(headers, 'x-rate-limit-limit'));
  const remaining = num(header(headers, 'x-rate-limit-remaining'));
  const reset = num(header(headers, 'x-rate-limit-reset'));
  if (limit === undefined || remaining === undefined || reset === undefined) return undefined;
  return {
    limit,
    remaining,
    resetEpochSeconds: reset,
    resetInMs: msUntilReset(reset, header(headers, 'date'), nowMs),
  };
}

/** Okta's concurrency 429 carries Limit 0 / Remaining 0: it frees up in moments, not at Reset. */
export function isConcurrencyLimit(info: RateLimitInfo | undefined): boolean {
  return info !== undefined && info.limit === 0 && info.remaining === 0;
}

/**
 * How long to wait after a 429 before the bucket may be called again: Reset − Date + margin.
 * The Date header is truncated to the second, so this never undershoots Okta's own clock.
 */
export function waitAfter429Ms(
  info: RateLimitInfo | undefined,
  marginMs: number,
  fallbackMs: number,
): number {
  if (!info || isConcurrencyLimit(info)) return fallbackMs;
  return info.resetInMs + marginMs;
}
