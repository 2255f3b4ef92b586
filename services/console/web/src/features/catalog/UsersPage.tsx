import { Time } from '../../components/Time';
import { useUsers } from './api';
import { ListScreen } from './ListScreen';

export function UsersPage() {
  return (
    <ListScreen
      title="Users"
      searchLabel="Search users"
      useRows={useUsers}
      rowKey={(u) => `${u.connectionId}/${u.id}`}
      columns={[
        { header: 'Login', cell: (u) => u.login },
        { header: 'Name', cell: (u) => [u.firstName, u.lastName].filter(Boolean).join(' ') || '—' },
        { header: 'Status', cell: (u) => u.status },
        { header: 'Last login', cell: (u) => <Time at={u.lastLogin} /> },
        { header: 'Roles', cell: (u) => (u.roles.length ? u.roles.join(', ') : '—') },
        { header: 'Apps', cell: (u) => u.appCount },
      ]}
    />
  );
}
