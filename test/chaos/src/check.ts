// The checker: what a disturbed sync must show to equal the undisturbed reference (SPEC §11).
import { catalogDiff, eventsDiff } from './compare.js';
import type { SyncResult } from './scenario.js';
import { formatTable } from './table.js';

export interface Verdict {
  result: SyncResult;
  /** Empty when the sync equals the reference; otherwise one line per difference. */
  differences: string[];
  catalogDiff: number;
  lost: number;
  duplicated: number;
  redelivered: number;
}

export function check(ref: SyncResult, r: SyncResult): Verdict {
  const differences: string[] = [];
  const wanted = r === ref ? 'completed' : 'same sync completed';
  if (r.outcome !== wanted) differences.push(`outcome "${r.outcome}", not "${wanted}"`);
  if (r.disturbanceError) differences.push(`disturbance: ${r.disturbanceError}`);
  const cat =
    ref.catalog && r.catalog ? catalogDiff(ref.catalog, r.catalog) : { size: -1, byTable: ['not read'] };
  for (const line of cat.byTable) differences.push(`catalog ${line}`);
  const ev = eventsDiff(ref.events, r.events);
  differences.push(...ev.notes);
  if (!r.events.some((e) => e.type === 'inventory.snapshot.completed'))
    differences.push('no inventory.snapshot.completed event');
  if (r.dlq > 0) differences.push(`${r.dlq} message(s) in the DLQ: ${r.dlqSample.join('; ')}`);
  if (r.mails !== 1) differences.push(`${r.mails} "domain ready" emails, not exactly one`);
  if (r.mails > 0 && r.appliedAt === undefined)
    differences.push('a "domain ready" email for a sync the catalog never applied (N1, C6)');
  for (const c of r.crashes) differences.push(`${c.name} exited by itself (code ${c.code})`);
  return {
    result: r,
    differences,
    catalogDiff: cat.size,
    lost: ev.lost,
    duplicated: ev.duplicated,
    redelivered: ev.redelivered,
  };
}

const secs = (ms: number | undefined) => (ms === undefined ? 'n/a' : (ms / 1000).toFixed(1));

/** The table the suite prints: one row per sync, then each scenario's differences. */
export function chaosTable(verdicts: Verdict[]): string {
  const rows = verdicts.map((v) => {
    const r = v.result;
    return [
      r.name,
      secs(r.appliedAt !== undefined ? r.appliedAt - r.startedAt : undefined),
      r.appliedAt && r.recoveredAt ? secs(r.appliedAt - r.recoveredAt) : r.disturbedAt ? 'n/a' : '-',
      r.callsAtDisturbance !== undefined ? `${r.callsAtDisturbance}/${r.totalCalls}` : `-/${r.totalCalls}`,
      r.outcome,
      v.catalogDiff === 0 ? 'yes' : v.catalogDiff < 0 ? 'n/a' : `no (${v.catalogDiff})`,
      `${v.lost}/${v.duplicated}/${v.redelivered}`,
      r.dlq,
      r.mails,
      v.differences.length === 0 ? 'equal' : `${v.differences.length} difference(s)`,
    ];
  });
  const table = formatTable(
    [
      'disturbance',
      'complete s',
      'after recovery s',
      'calls at kill',
      'outcome',
      'catalog equal',
      'events lost/dup/redelivered',
      'DLQ',
      'emails',
      'result',
    ],
    rows,
  );
  const notes = verdicts.flatMap((v) => v.differences.map((d) => `  ${v.result.name}: ${d}`));
  return [table, ...notes].join('\n');
}
