// What the multi-tenant bench measures about CPU and load, and the projection from those
// measurements to Okta's real windows. The bench scales time, not CPU: on a shared 2-core machine
// CPU is the limit, so capacity at real windows is projected from measured CPU per sync.
import { readFileSync } from 'node:fs';

const CLK_TCK = 100;
export const SIX_HOURS_MS = 6 * 3600_000;
/** A replica is sized to run at most this busy (headroom for bursts, GC and retries). */
export const TARGET_UTILISATION = 0.8;

/** User + system CPU seconds a process has used (0 once it is gone). */
export function cpuSeconds(pid: number): number {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(f[11]) + Number(f[12])) / CLK_TCK;
  } catch {
    return 0;
  }
}

/** The machine's 1-minute load average now. */
export function loadAverage(): number {
  return Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);
}

/** Samples the 1-minute load average during a run (the machine is shared: say how busy it was). */
export class LoadSampler {
  readonly samples: number[] = [];
  #timer: NodeJS.Timeout | undefined;

  start(everyMs = 5000): this {
    this.samples.push(loadAverage());
    this.#timer = setInterval(() => this.samples.push(loadAverage()), everyMs);
    this.#timer.unref();
    return this;
  }

  stop(): { min: number; median: number; max: number } {
    if (this.#timer) clearInterval(this.#timer);
    this.samples.push(loadAverage());
    const s = [...this.samples].sort((a, b) => a - b);
    return { min: s[0] ?? 0, median: s[Math.floor(s.length / 2)] ?? 0, max: s.at(-1) ?? 0 };
  }
}

export interface CapacityInput {
  /** Ingest CPU seconds of one replica per small sync (measured). */
  cpuPerSmallSyncS: number;
  /** Measured small sync duration at the bench's scaled windows (ms). */
  smallSyncMs: number;
  /** 60 s ÷ the bench's window. */
  timeScale: number;
  syncConcurrency: number;
}

export interface Capacity {
  /** Small orgs one 1-CPU replica syncs every 6 h at TARGET_UTILISATION. */
  byCpu: number;
  /** Small orgs SYNC_CONCURRENCY slots sync every 6 h if each sync lasts as measured × time scale (the
   * pessimistic bound: every sync fully rate-limit bound) or as measured (the pipeline-bound one). */
  bySlotsRateBound: number;
  bySlotsAsMeasured: number;
  /** The projection: the smaller of CPU and the pessimistic slot bound. */
  projected: number;
}

/**
 * Projects a replica's capacity at Okta's real 60 s windows and a 6 h interval. CPU per sync does
 * not depend on the window length (the same calls and records; waiting on a window costs no CPU),
 * so it carries over as measured; a sync's duration stretches by at most the time scale.
 */
export function projectCapacity(i: CapacityInput): Capacity {
  const byCpu = Math.floor((TARGET_UTILISATION * SIX_HOURS_MS) / 1000 / Math.max(i.cpuPerSmallSyncS, 1e-3));
  const bySlotsRateBound = Math.floor(
    (i.syncConcurrency * SIX_HOURS_MS) / Math.max(1, i.smallSyncMs * i.timeScale),
  );
  const bySlotsAsMeasured = Math.floor((i.syncConcurrency * SIX_HOURS_MS) / Math.max(1, i.smallSyncMs));
  return { byCpu, bySlotsRateBound, bySlotsAsMeasured, projected: Math.min(byCpu, bySlotsRateBound) };
}
