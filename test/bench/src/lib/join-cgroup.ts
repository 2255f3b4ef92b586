// Preloaded into a replica (`node --import`) so that the process joins its cgroup before it
// allocates anything: memory charged before joining would not count against the group's limit.
// BENCH_CGROUP_PROCS lists the group's cgroup.procs files, separated by ':'.
import { writeFileSync } from 'node:fs';

for (const file of (process.env.BENCH_CGROUP_PROCS ?? '').split(':').filter(Boolean))
  writeFileSync(file, String(process.pid));
