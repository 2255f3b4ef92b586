import { useState } from 'react';
import { ErrorText } from '../../components/ErrorText';
import { Page } from '../../components/Page';
import { Pager } from '../../components/Pager';
import { useFindings } from './api';
import { FindingsTable } from './FindingsTable';
import { SeverityChart } from './SeverityChart';

/** Findings: severity filter, first seen, links to their subjects, and the chart by severity. */
export function FindingsPage() {
  const [severity, setSeverity] = useState('');
  const [cursors, setCursors] = useState<string[]>([]);
  const page = useFindings({
    limit: 50,
    ...(severity ? { severity } : {}),
    ...(cursors.length ? { cursor: cursors[cursors.length - 1] } : {}),
  });
  // The chart counts the first 200 open findings of every severity.
  const all = useFindings({ limit: 200 });
  const counts: Record<string, number> = {};
  for (const f of all.data?.items ?? []) counts[f.severity] = (counts[f.severity] ?? 0) + 1;
  return (
    <Page title="Findings">
      <SeverityChart counts={counts} />
      <div className="filters">
        <label>
          Severity
          <select
            value={severity}
            onChange={(e) => {
              setSeverity(e.target.value);
              setCursors([]);
            }}
          >
            <option value="">Any</option>
            <option value="critical">Critical</option>
            <option value="high">High</option>
            <option value="medium">Medium</option>
            <option value="low">Low</option>
          </select>
        </label>
      </div>
      <ErrorText error={page.error} />
      <FindingsTable items={page.data?.items ?? []} caption="Findings" />
      <Pager cursors={cursors} next={page.data?.nextCursor} onChange={setCursors} />
    </Page>
  );
}
