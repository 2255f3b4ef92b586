import { Link } from '../../app/router';
import { ErrorText } from '../../components/ErrorText';
import { Page } from '../../components/Page';
import { Time } from '../../components/Time';
import { useApp, useFindings } from './api';
import { FindingsTable } from './FindingsTable';

/** An app: its users, groups and grants (risky scopes marked, as its findings name them) and findings. */
export function AppPage({ connectionId, id }: { connectionId: string; id: string }) {
  const app = useApp(connectionId, id);
  const findings = useFindings({ connectionId, limit: 200 });
  const mine = findings.data?.items.filter((f) => f.subject.type === 'app' && f.subject.id === id) ?? [];
  // The catalog's findings say which scopes are risky; the console does not keep its own rule.
  const risky = new Set(
    mine.flatMap((f) => (Array.isArray(f.details.scopes) ? (f.details.scopes as string[]) : [])),
  );
  const a = app.data;
  return (
    <Page title={a ? a.label : 'App'}>
      <p>
        <Link href="/apps">← All apps</Link>
      </p>
      <ErrorText error={app.error} />
      {a && (
        <>
          <dl className="facts">
            <dt>Name</dt>
            <dd>{a.name}</dd>
            <dt>Status</dt>
            <dd>{a.status}</dd>
            <dt>Sign-on mode</dt>
            <dd>{a.signOnMode ?? '—'}</dd>
            <dt>Created</dt>
            <dd>
              <Time at={a.created} />
            </dd>
          </dl>
          <h2>Grants</h2>
          <table className="table">
            <caption className="visually-hidden">Grants of {a.label}</caption>
            <thead>
              <tr>
                <th scope="col">Scope</th>
                <th scope="col">Risk</th>
                <th scope="col">Status</th>
                <th scope="col">Source</th>
                <th scope="col">Created</th>
              </tr>
            </thead>
            <tbody>
              {a.grants.map((g) => (
                <tr key={g.id} className={risky.has(g.scopeId) ? 'risky' : undefined}>
                  <td>{g.scopeId}</td>
                  <td>{risky.has(g.scopeId) ? <strong className="risk">Risky scope</strong> : '—'}</td>
                  <td>{g.status}</td>
                  <td>{g.source}</td>
                  <td>
                    <Time at={g.created} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {a.grants.length === 0 && <p>No grants.</p>}
          <h2>Findings</h2>
          <FindingsTable items={mine} caption={`Findings of ${a.label}`} />
          <h2>Users ({a.userCount})</h2>
          <table className="table">
            <caption className="visually-hidden">Users of {a.label}</caption>
            <thead>
              <tr>
                <th scope="col">Login</th>
                <th scope="col">Assigned through</th>
                <th scope="col">User status</th>
              </tr>
            </thead>
            <tbody>
              {a.users.map((u) => (
                <tr key={u.userId}>
                  <td>{u.login ?? u.userId}</td>
                  <td>{u.scope}</td>
                  <td>{u.userStatus ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h2>Groups ({a.groupCount})</h2>
          <ul>
            {a.groups.map((g) => (
              <li key={g.groupId}>{g.name ?? g.groupId}</li>
            ))}
          </ul>
        </>
      )}
    </Page>
  );
}
