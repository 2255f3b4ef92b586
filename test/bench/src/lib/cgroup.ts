// A replica's resource limits as Kubernetes sets them (CPU quota, memory limit), applied to a bench
// process through a cgroup of its own, so "one replica with 1 CPU and 512 MiB" is what ran and not
// an assumption. Needs a writable cgroup hierarchy (root on Linux); without one the bench says so.
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const V1 = { cpu: '/sys/fs/cgroup/cpu', memory: '/sys/fs/cgroup/memory' };
const V2 = '/sys/fs/cgroup';
const PERIOD_US = 100_000;

export interface CgroupStats {
  /** CFS periods in which the group ran, and in how many of them its quota ran out. */
  periods: number;
  throttledPeriods: number;
  throttledS: number;
  /** The most memory the group ever used (page cache included, as the kernel's limit counts it). */
  memoryPeakBytes: number | undefined;
  /** Kills by the group's own memory limit. */
  oomKills: number;
}

function statLines(file: string): Map<string, number> {
  const m = new Map<string, number>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const [k, v] = line.split(' ');
    if (k && v !== undefined) m.set(k, Number(v));
  }
  return m;
}

const readNumber = (file: string): number | undefined =>
  existsSync(file) ? Number(readFileSync(file, 'utf8').trim()) : undefined;

export class ReplicaCgroup {
  private constructor(
    private readonly dirs: string[],
    private readonly version: 1 | 2,
  ) {}

  /** A group limited to `cpus` CPUs and `memoryMiB`; undefined when no cgroup can be made here. */
  static create(name: string, cpus: number, memoryMiB: number): ReplicaCgroup | undefined {
    const quota = String(Math.round(cpus * PERIOD_US));
    const memory = String(memoryMiB * 1024 * 1024);
    try {
      if (
        existsSync(join(V1.cpu, 'cpu.cfs_quota_us')) &&
        existsSync(join(V1.memory, 'memory.limit_in_bytes'))
      ) {
        const cpu = join(V1.cpu, name);
        const mem = join(V1.memory, name);
        mkdirSync(cpu);
        mkdirSync(mem);
        writeFileSync(join(cpu, 'cpu.cfs_period_us'), String(PERIOD_US));
        writeFileSync(join(cpu, 'cpu.cfs_quota_us'), quota);
        writeFileSync(join(mem, 'memory.limit_in_bytes'), memory);
        return new ReplicaCgroup([cpu, mem], 1);
      }
      const controllers = readFileSync(join(V2, 'cgroup.controllers'), 'utf8');
      if (!/\bcpu\b/.test(controllers) || !/\bmemory\b/.test(controllers)) return undefined;
      const dir = join(V2, name);
      mkdirSync(dir);
      writeFileSync(join(dir, 'cpu.max'), `${quota} ${PERIOD_US}`);
      writeFileSync(join(dir, 'memory.max'), memory);
      return new ReplicaCgroup([dir], 2);
    } catch {
      return undefined;
    }
  }

  /**
   * The environment that makes a Node process join this group as it starts (before it allocates:
   * memory charged before joining would not count against the limit).
   */
  joinOnStartEnv(): Record<string, string> {
    return {
      NODE_OPTIONS: `--import=${new URL('./join-cgroup.js', import.meta.url).href}`,
      BENCH_CGROUP_PROCS: this.dirs.map((d) => join(d, 'cgroup.procs')).join(':'),
    };
  }

  /** Whether a process is in this group. */
  has(pid: number): boolean {
    return this.dirs.every((d) =>
      readFileSync(join(d, 'cgroup.procs'), 'utf8').split('\n').includes(String(pid)),
    );
  }

  stats(): CgroupStats {
    const cpuDir = this.dirs[0] as string;
    const memDir = this.dirs.at(-1) as string;
    const cpu = statLines(join(cpuDir, 'cpu.stat'));
    if (this.version === 1) {
      const oom = existsSync(join(memDir, 'memory.oom_control'))
        ? statLines(join(memDir, 'memory.oom_control'))
        : new Map();
      return {
        periods: cpu.get('nr_periods') ?? 0,
        throttledPeriods: cpu.get('nr_throttled') ?? 0,
        throttledS: (cpu.get('throttled_time') ?? 0) / 1e9,
        memoryPeakBytes: readNumber(join(memDir, 'memory.max_usage_in_bytes')),
        oomKills: oom.get('oom_kill') ?? 0,
      };
    }
    const events = statLines(join(memDir, 'memory.events'));
    return {
      periods: cpu.get('nr_periods') ?? 0,
      throttledPeriods: cpu.get('nr_throttled') ?? 0,
      throttledS: (cpu.get('throttled_usec') ?? 0) / 1e6,
      memoryPeakBytes: readNumber(join(memDir, 'memory.peak')),
      oomKills: events.get('oom_kill') ?? 0,
    };
  }

  /** Removes the group once its processes have exited (a group with members cannot be removed). */
  remove(): void {
    for (const d of this.dirs) {
      try {
        rmdirSync(d);
      } catch {
        // a process still in it: left for the kernel to keep; the name is unique per run
      }
    }
  }
}
