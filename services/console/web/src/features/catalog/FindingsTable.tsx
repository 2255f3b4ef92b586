import { Link } from '../../app/router';
import { Time } from '../../components/Time';
import type { useFindings } from './api';

type Finding = NonNullable<ReturnType<typeof useFindings>['data']>['items'][number];

const SUBJECT_LINKS: Record<string, (f: Finding) => string> = {
  app: (f) => `/apps/${f.connectionId}/${encodeURIComponent(f.subject.id)}`,
  'api-token': () => '/api-tokens',
  user: () => '/users',
  connection: () => '/integrations',
};

export function FindingsTable({ items, caption }: { items: Finding[]; caption: string }) {
  if (items.length === 0) return <p>No findings.</p>;
  return (
    <table className="table">
      <caption className="visually-hidden">{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Severity</th>
          <th scope="col">Finding</th>
          <th scope="col">Subject</th>
          <th scope="col">First seen</th>
        </tr>
      </thead>
      <tbody>
        {items.map((f) => (
          <tr key={f.id}>
            <td>
              <span className={`severity severity-${f.severity}`}>{f.severity}</span>
            </td>
            <td>{f.kind.replaceAll('_', ' ')}</td>
            <td>
              <Link href={(SUBJECT_LINKS[f.subject.type] ?? (() => '/findings'))(f)}>
                {f.subject.label ?? f.subject.id}
              </Link>
            </td>
            <td>
              <Time at={f.firstSeen} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
