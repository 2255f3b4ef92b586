// Freshness bookkeeping of the multi-tenant bench: per connection, when each sync was requested,
// started and applied to the catalog; from that, how old its catalog data ever got.

/** One connection of the fleet. */
export interface FleetConnection {
  id: string;
  tenantId: string;
  domain: string;
  kind: 'small' | 'large';
  /** When the bench's scheduler asks next (ms, bench clock). */
  nextDueAt: number;
  /** The sync asked for last and not yet finished (failed or applied). */
  pending: { syncId: string; requestedAt: number } | undefined;
  /** requestedAt of the newest sync the catalog applied (its data is that old at most). */
  lastAppliedRequestedAt: number | undefined;
  /** Worst data age seen inside the measured period. */
  worstAgeMs: number;
  applied: number;
  failed: number;
  /** requested → sync.started waits. */
  waitsMs: number[];
}

/** Per-sync facts, by sync id. */
export interface SyncFacts {
  connection: FleetConnection;
  requestedAt: number;
  startedAt?: number;
  records?: number;
}

/** Data age the connection had just before `at`, counted only from `measureFrom` on. */
export function noteAge(c: FleetConnection, at: number, measureFrom: number, runStart: number): void {
  if (at < measureFrom) return;
  // Never applied yet: its data is as old as the run (a new connection has no data at all).
  const since = c.lastAppliedRequestedAt ?? runStart;
  c.worstAgeMs = Math.max(c.worstAgeMs, at - since);
}

/** The p-th percentile (0–100) of numbers; undefined when empty. */
export function percentile(xs: readonly number[], p: number): number | undefined {
  if (xs.length === 0) return undefined;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}
