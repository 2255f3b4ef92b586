import { duration, Time } from '../../components/Time';
import type { SyncRun } from './api';

/** The last syncs: when, how long, counts per dataset and the outcome. */
export function SyncHistory({ runs, domain }: { runs: SyncRun[]; domain: string }) {
  if (runs.length === 0) return <p>No syncs yet.</p>;
  return (
    <table className="table compact">
      <caption>Last syncs of {domain}</caption>
      <thead>
        <tr>
          <th scope="col">Requested</th>
          <th scope="col">Trigger</th>
          <th scope="col">Duration</th>
          <th scope="col">Records</th>
          <th scope="col">Outcome</th>
        </tr>
      </thead>
      <tbody>
        {runs.map((r) => (
          <tr key={r.syncId}>
            <td>
              <Time at={r.requestedAt} />
            </td>
            <td>{r.trigger}</td>
            <td>{duration(r.durationMs)}</td>
            <td>
              {r.counts
                ? Object.entries(r.counts)
                    .map(([k, v]) => `${k} ${v}`)
                    .join(', ')
                : '—'}
            </td>
            <td>
              {r.outcome}
              {r.errorMessage ? `: ${r.errorMessage}` : ''}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
