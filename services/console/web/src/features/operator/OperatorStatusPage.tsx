import { useQuery } from '@tanstack/react-query';
import { connectionApi, unwrap } from '../../api/client';
import { ErrorText } from '../../components/ErrorText';
import { Page } from '../../components/Page';
import { StatusBadge } from '../../components/StatusBadge';
import { Time } from '../../components/Time';

/** Operators (C12): every tenant's connection status, and nothing else. */
export function OperatorStatusPage() {
  const q = useQuery({
    queryKey: ['operator', 'connections'],
    queryFn: async () =>
      unwrap(await connectionApi.GET('/v1/operator/connections', { params: { query: { limit: 200 } } })),
    refetchInterval: 10_000,
  });
  const items = q.data?.items ?? [];
  return (
    <Page title="Connection status">
      <ErrorText error={q.error} />
      <table className="table">
        <caption>Connections of every tenant</caption>
        <thead>
          <tr>
            <th scope="col">Tenant</th>
            <th scope="col">Domain</th>
            <th scope="col">Status</th>
            <th scope="col">Last synced</th>
          </tr>
        </thead>
        <tbody>
          {items.map((c) => (
            <tr key={c.id}>
              <td>{c.tenantId}</td>
              <td>{c.domain}</td>
              <td>
                <StatusBadge status={c.status} />
                {c.statusMessage ? ` ${c.statusMessage}` : ''}
              </td>
              <td>
                <Time at={c.lastSynced.at} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </Page>
  );
}
