import { readFileSync } from 'node:fs';

/** Resident set size of a process in bytes, from /proc/<pid>/status VmRSS (undefined once it is gone). */
export function rssOf(pid: number): number | undefined {
  try {
    const m = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Samples the RSS of named processes every `intervalMs` and keeps each one's peak. */
export class RssSampler {
  private readonly peak = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly targets: { name: string; pid: number }[],
    private readonly intervalMs = 250,
  ) {}

  start(): this {
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    this.timer.unref();
    return this;
  }

  stop(): Map<string, number> {
    if (this.timer) clearInterval(this.timer);
    this.sample();
    return this.peaks();
  }

  peaks(): Map<string, number> {
    return new Map(this.peak);
  }

  private sample(): void {
    for (const t of this.targets) {
      const rss = rssOf(t.pid);
      if (rss !== undefined && rss > (this.peak.get(t.name) ?? 0)) this.peak.set(t.name, rss);
    }
  }
}

export const mib = (bytes: number | undefined): string =>
  bytes === undefined ? 'n/a' : `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
