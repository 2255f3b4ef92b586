// How many syncs one replica runs (issue 16). A sync spends almost all its time waiting for Okta's
// rate-limit windows, not on CPU, so a replica runs many at once; what bounds them is memory: each
// sync holds at most one record batch (RECORD_BATCH_LIMITS: 512 KiB) plus the Okta pages in flight,
// and the Okta client caps pages in flight per replica (OKTA_MAX_IN_FLIGHT_TOTAL). Replica memory
// for syncs ≤ (concurrency + longSlots) × 512 KiB + in-flight pages.
//
// A large org's sync runs for hours. Once a sync has run longer than `longAfterMs` it moves to a
// pool of its own (`longSlots`), so long syncs never hold the slots small orgs' scheduled syncs need.

/** The slot policy of one replica. */
export interface SlotPolicy {
  /** Syncs of ordinary length at once (SYNC_CONCURRENCY). */
  concurrency: number;
  /** A sync running longer than this counts as long (SYNC_LONG_AFTER_MS). */
  longAfterMs: number;
  /** Long syncs that do not take ordinary slots (SYNC_LONG_SLOTS). */
  longSlots: number;
}

/** Slots free for new syncs, given when each running sync started on this replica. */
export function freeSlots(policy: SlotPolicy, launchedAt: Iterable<number>, now: number): number {
  let ordinary = 0;
  let long = 0;
  for (const at of launchedAt) {
    if (now - at >= policy.longAfterMs) long++;
    else ordinary++;
  }
  // Long syncs beyond their own pool take ordinary slots again: memory stays bounded.
  return Math.max(0, policy.concurrency - ordinary - Math.max(0, long - policy.longSlots));
}
