import { Button } from 'react-aria-components';
import { AdminsPage } from '../features/catalog/AdminsPage';
import { ApiTokensPage } from '../features/catalog/ApiTokensPage';
import { AppPage } from '../features/catalog/AppPage';
import { AppsPage } from '../features/catalog/AppsPage';
import { FindingsPage } from '../features/catalog/FindingsPage';
import { UsersPage } from '../features/catalog/UsersPage';
import { IntegrationsPage } from '../features/integrations/IntegrationsPage';
import { RecipientsPage } from '../features/notifications/RecipientsPage';
import { WebhooksPage } from '../features/notifications/WebhooksPage';
import { OperatorStatusPage } from '../features/operator/OperatorStatusPage';
import { canChange, isOperator, type Me, signOut, useMe } from '../features/session/use-me';
import { Link, useLocation } from './router';

const TENANT_NAV = [
  ['/integrations', 'Connect'],
  ['/apps', 'Apps'],
  ['/users', 'Users'],
  ['/admins', 'Admins'],
  ['/api-tokens', 'API tokens'],
  ['/findings', 'Findings'],
  ['/notifications/recipients', 'Recipients'],
  ['/notifications/webhooks', 'Webhooks'],
] as const;
const OPERATOR_NAV = [['/operator', 'Connection status']] as const;

export function App() {
  const me = useMe();
  if (me.isPending) return <p className="loading">Loading…</p>;
  // A background refresh of /api/me that fails keeps the screen (and whatever the person was
  // typing); only a console that never loaded who is signed in says it cannot reach its server.
  if (!me.data) return <p role="alert">The console cannot reach its server: {me.error?.message}</p>;
  return <Shell me={me.data} />;
}

function Shell({ me }: { me: Me }) {
  const { path } = useLocation();
  const operator = isOperator(me);
  const nav = operator ? OPERATOR_NAV : TENANT_NAV;
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <span className="brand">Appgov</span>
        <span className="who">
          {me.email} · {me.tenant} · {me.roles.join(', ')}
        </span>
        <Button onPress={() => void signOut()}>Sign out</Button>
      </header>
      <nav aria-label="Main" className="sidenav">
        <ul>
          {nav.map(([href, label]) => (
            <li key={href}>
              <Link href={href} aria-current={path.startsWith(href) ? 'page' : undefined}>
                {label}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" className="main">
        {operator ? <OperatorStatusPage /> : <TenantRoutes path={path} me={me} />}
      </main>
    </div>
  );
}

function TenantRoutes({ path, me }: { path: string; me: Me }) {
  const app = /^\/apps\/([^/]+)\/([^/]+)$/.exec(path);
  if (app) return <AppPage connectionId={decodeURIComponent(app[1]!)} id={decodeURIComponent(app[2]!)} />;
  switch (path) {
    case '/apps':
      return <AppsPage />;
    case '/users':
      return <UsersPage />;
    case '/admins':
      return <AdminsPage />;
    case '/api-tokens':
      return <ApiTokensPage />;
    case '/findings':
      return <FindingsPage />;
    case '/notifications/recipients':
      return <RecipientsPage canChange={canChange(me)} />;
    case '/notifications/webhooks':
      return <WebhooksPage canChange={canChange(me)} />;
    default:
      return <IntegrationsPage canChange={canChange(me)} />;
  }
}
