// The per-(org, bucket) budget state machine shared by the in-memory store and the Redis Lua
// script (redis-budget-store.ts mirrors `acquireDecision` line for line; change both together).
//
// Invariants: within one window we grant at most callsPerWindow(limit) calls (ceiling.ts: share of
// an org-wide limit, or a token's ceiling less a margin); after a 429 no call
// is granted before Reset; until the limit is known only one probe call at a time goes out, so a
// small bucket (integrator-free apps: 20/min) is not overrun before its headers are seen.

import { type CeilingParams, callsPerWindow } from './ceiling.js';

/** Stored budget of one bucket of one org. Times are ms on the store's clock. */
export interface BudgetState {
  /** X-Rate-Limit-Limit last seen; 0 = not yet known. */
  limit: number;
  /** When the current window ends; 0 = no window yet. */
  resetAt: number;
  /** Calls granted in the current window (all replicas). */
  used: number;
  /** X-Rate-Limit-Remaining last seen; −1 = unknown. */
  remaining: number;
  /** Calls granted since `remaining` was seen. */
  sinceObs: number;
  /** No grants before this (set after a 429). */
  blockedUntil: number;
  /** Earliest next grant when spreading the tail of the budget over the window. */
  nextAt: number;
  /** When the last probe was granted while the limit is unknown. */
  probeAt: number;
  /** Okta's X-Rate-Limit-Reset (epoch s) of the current window; 0 = none seen since it began. */
  resetEpoch: number;
  /** The same for the window before: answers still carrying it (or older) are late. */
  prevEpoch: number;
  /** 1 when the last limit seen is this token's own ceiling (ceiling.ts), else 0. */
  tokenCeiling: number;
}

/** Tuning of the budget decision. */
export interface BudgetParams extends CeilingParams {
  /** Largest share of the org-wide bucket this connection uses (0 < share ≤ 1). */
  share: number;
  /** Once fewer than this fraction of our share is left, spread the rest over the window. */
  spreadBelow: number;
  /** While the limit is unknown, one probe per this many ms. */
  probeIntervalMs: number;
  /** Assumed window length until a response tells the real Reset. */
  windowMs: number;
}

/** An empty state. */
export function emptyBudget(): BudgetState {
  return {
    limit: 0,
    resetAt: 0,
    used: 0,
    remaining: -1,
    sinceObs: 0,
    blockedUntil: 0,
    nextAt: 0,
    probeAt: 0,
    resetEpoch: 0,
    prevEpoch: 0,
    tokenCeiling: 0,
  };
}

/** Decides whether a call may go now; mutates `s` and returns 0 when granted, else ms to wait. */
export function acquireDecision(s: BudgetState, now: number, p: BudgetParams): number {
  if (s.blockedUntil > now) return s.blockedUntil - now;
  if (s.resetAt !== 0 && now >= s.resetAt) {
    s.used = 0;
    s.sinceObs = 0;
    s.remaining = -1;
    s.nextAt = 0;
    if (s.resetEpoch !== 0) s.prevEpoch = s.resetEpoch;
    s.resetEpoch = 0;
    s.resetAt = s.limit > 0 ? now + p.windowMs : 0;
  }
  if (s.resetAt === 0 && s.limit > 0) s.resetAt = now + p.windowMs;
  if (s.limit === 0) {
    // Poll briefly: the probe's response usually makes the limit known within one round trip.
    if (s.probeAt > 0 && now - s.probeAt < p.probeIntervalMs)
      return Math.min(50, s.probeAt + p.probeIntervalMs - now);
    s.probeAt = now;
    s.used += 1;
    s.sinceObs += 1;
    return 0;
  }
  const cap = callsPerWindow(s.limit, s.tokenCeiling === 1, p);
  if (s.used >= cap) return Math.max(1, s.resetAt - now);
  // Other clients of the same org may have drained the bucket below our share.
  if (s.remaining >= 0 && s.remaining - s.sinceObs <= 0) return Math.max(1, s.resetAt - now);
  if (s.nextAt > now) return s.nextAt - now;
  s.used += 1;
  s.sinceObs += 1;
  const left = cap - s.used;
  const threshold = Math.ceil(cap * p.spreadBelow);
  s.nextAt = left < threshold ? now + Math.floor((s.resetAt - now) / (left + 1)) : 0;
  return 0;
}

/**
 * Applies a response's headers. A concurrency 429 (limit 0) says nothing about the bucket. Windows
 * are told apart by Okta's Reset value, the same in every answer of one window: an answer carrying
 * an older Reset is late (sent before our window began) and is ignored, one carrying a newer Reset
 * than the current window's means Okta's next window began before ours ended.
 */
export function observeDecision(
  s: BudgetState,
  now: number,
  limit: number,
  remaining: number,
  resetInMs: number,
  resetEpoch: number,
  tokenCeiling = false,
): void {
  // Any answer ends the probe, even one without a usable limit (errors, concurrency 429s).
  s.probeAt = 0;
  if (limit <= 0) return;
  if (resetEpoch > 0) {
    // Taken in, a late answer would move resetAt back, and the next acquire would open a second
    // share inside Okta's current window (the ingest bench saw up to 55 calls where 50 were allowed).
    if (resetEpoch < s.resetEpoch || (s.resetEpoch === 0 && resetEpoch <= s.prevEpoch)) return;
    const firstAnswer = s.resetEpoch === 0 || resetEpoch > s.resetEpoch;
    if (s.resetEpoch !== 0 && resetEpoch > s.resetEpoch) {
      // Carried over, `used` would starve the new window.
      s.prevEpoch = s.resetEpoch;
      s.used = 0;
      s.nextAt = 0;
    }
    s.resetEpoch = resetEpoch;
    // Calls granted near the end of our count of the last window can reach Okta after its window
    // closed and open the next one: the first answer of a window says how many Okta already holds.
    if (firstAnswer) s.used = Math.max(s.used, limit - remaining);
  }
  s.limit = limit;
  s.tokenCeiling = tokenCeiling ? 1 : 0;
  s.remaining = remaining;
  s.sinceObs = 0;
  // An answer from the window's last second has Reset = Date (0 ms): it must not end our window early.
  if (resetInMs > 0) s.resetAt = now + resetInMs;
}

/** After a 429: nothing goes to this bucket before `now + waitMs`. */
export function blockDecision(s: BudgetState, now: number, waitMs: number): void {
  s.blockedUntil = Math.max(s.blockedUntil, now + waitMs);
  s.remaining = 0;
  s.sinceObs = 0;
  if (s.resetAt < s.blockedUntil) s.resetAt = s.blockedUntil;
}

/** Where budgets live: one process (memory) or every replica (Redis). */
export interface BudgetStore {
  /** 0 when a call is granted now, else ms to wait before asking again. */
  acquire(domain: string, bucket: string, params: BudgetParams): Promise<number>;
  observe(
    domain: string,
    bucket: string,
    limit: number,
    remaining: number,
    resetInMs: number,
    resetEpoch: number,
    tokenCeiling?: boolean,
  ): Promise<void>;
  block(domain: string, bucket: string, waitMs: number): Promise<void>;
}

/** Budgets in this process only (no Redis configured, or Redis unreachable). */
export class MemoryBudgetStore implements BudgetStore {
  readonly #states = new Map<string, BudgetState>();

  #state(domain: string, bucket: string): BudgetState {
    const key = `${domain}\u0000${bucket}`;
    let s = this.#states.get(key);
    if (!s) {
      s = emptyBudget();
      this.#states.set(key, s);
    }
    return s;
  }

  async acquire(domain: string, bucket: string, params: BudgetParams): Promise<number> {
    return acquireDecision(this.#state(domain, bucket), Date.now(), params);
  }

  async observe(
    domain: string,
    bucket: string,
    limit: number,
    remaining: number,
    resetInMs: number,
    resetEpoch: number,
    tokenCeiling = false,
  ): Promise<void> {
    observeDecision(
      this.#state(domain, bucket),
      Date.now(),
      limit,
      remaining,
      resetInMs,
      resetEpoch,
      tokenCeiling,
    );
  }

  async block(domain: string, bucket: string, waitMs: number): Promise<void> {
    blockDecision(this.#state(domain, bucket), Date.now(), waitMs);
  }
}
