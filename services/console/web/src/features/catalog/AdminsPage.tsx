import { Time } from '../../components/Time';
import { useAdmins } from './api';
import { ListScreen } from './ListScreen';

export function AdminsPage() {
  return (
    <ListScreen
      title="Admins"
      searchLabel="Search admins"
      useRows={useAdmins}
      rowKey={(u) => `${u.connectionId}/${u.id}`}
      columns={[
        { header: 'Login', cell: (u) => u.login },
        { header: 'Roles', cell: (u) => u.roleTypes.join(', ') },
        { header: 'Status', cell: (u) => u.status },
        { header: 'Last login', cell: (u) => <Time at={u.lastLogin} /> },
      ]}
    />
  );
}
