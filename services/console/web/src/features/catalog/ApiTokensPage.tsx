import { Time } from '../../components/Time';
import { useApiTokens } from './api';
import { ListScreen } from './ListScreen';

export function ApiTokensPage() {
  return (
    <ListScreen
      title="API tokens"
      searchLabel="Search API tokens"
      useRows={useApiTokens}
      rowKey={(t) => `${t.connectionId}/${t.id}`}
      columns={[
        { header: 'Name', cell: (t) => t.name },
        { header: 'Owner', cell: (t) => t.userId },
        { header: 'Created', cell: (t) => <Time at={t.created} /> },
        { header: 'Expires', cell: (t) => (t.expiresAt ? <Time at={t.expiresAt} /> : 'Never') },
        { header: 'Findings', cell: (t) => t.findingCount },
      ]}
    />
  );
}
