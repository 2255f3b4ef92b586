import { useEffect, useRef, useState } from 'react';
import { Button } from 'react-aria-components';
import { DisclosureButton } from '../../components/DisclosureButton';
import { ErrorText } from '../../components/ErrorText';
import { Page } from '../../components/Page';
import { StatusBadge } from '../../components/StatusBadge';
import { AddConnectionDialog } from './AddConnectionDialog';
import { type Connection, type Provider, useConnections, useProviders } from './api';
import { ConnectionRow } from './ConnectionRow';
import { LastSynced } from './LastSynced';

/** The guide's Integrations window: the providers, Okta's domains, Add, and each domain's row. */
export function IntegrationsPage({ canChange }: { canChange: boolean }) {
  const connections = useConnections();
  const busy = connections.data?.some((c) => c.status === 'in_progress' || c.currentSync) ?? false;
  const statuses = connections.data?.map((c) => `${c.id}:${c.status}:${c.lastSynced.at}`).join(',') ?? '';
  const providers = useProviders(busy, statuses);
  const [expanded, setExpanded] = useState(true);
  const [adding, setAdding] = useState(false);
  const [notice, setNotice] = useState('');
  useAnnounceStatusChanges(connections.data, setNotice);
  const okta = providers.data?.find((p) => p.provider === 'okta');
  const count = okta?.connectedDomains ?? connections.data?.length ?? 0;

  return (
    <Page title="Integrations">
      <p role="status" className="notice" aria-live="polite">
        {notice}
      </p>
      <ErrorText error={connections.error ?? providers.error} />
      <table className="table providers">
        <caption className="visually-hidden">Providers</caption>
        <thead>
          <tr>
            <th scope="col">Provider</th>
            <th scope="col">Connected domains</th>
            <th scope="col">Status</th>
            <th scope="col">Last synced</th>
            {canChange && (
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            )}
          </tr>
        </thead>
        <tbody>
          <tr>
            <th scope="row">
              <DisclosureButton
                expanded={expanded}
                controls="okta-domains"
                onToggle={() => setExpanded(!expanded)}
              >
                Okta
              </DisclosureButton>
            </th>
            <td>{count}</td>
            <td>{okta && count > 0 ? <StatusBadge status={worstStatus(okta)} /> : 'N/A'}</td>
            <td>
              <LastSynced
                at={okta?.oldestLastSynced?.at ?? null}
                stale={okta?.oldestLastSynced?.stale ?? false}
                reason={okta?.oldestLastSynced?.at ? 'last_success_too_old' : 'never_synced'}
              />
            </td>
            {canChange && (
              <td>
                <Button onPress={() => setAdding(true)} aria-label="Add Okta domain">
                  Add
                </Button>
              </td>
            )}
          </tr>
        </tbody>
      </table>
      {expanded && (
        <section id="okta-domains" aria-label="Okta domains">
          {connections.data?.length === 0 && <p>No Okta domain is connected yet.</p>}
          <ul className="connections">
            {connections.data?.map((c) => (
              <ConnectionRow key={c.id} connection={c} canChange={canChange} onNotice={setNotice} />
            ))}
          </ul>
        </section>
      )}
      {canChange && (
        <AddConnectionDialog
          isOpen={adding}
          onClose={() => setAdding(false)}
          onConnected={(c) => {
            setAdding(false);
            setExpanded(true);
            const warnings = c.permissionWarnings.length
              ? ` Warnings: ${c.permissionWarnings.join(' ')}`
              : '';
            setNotice(
              `Connected ${c.domain}. 1 domain updated; Okta has ${count + 1} connected domain${count ? 's' : ''}. The domain is still being processed.${warnings}`,
            );
          }}
        />
      )}
    </Page>
  );
}

/** Error before In progress before Success: the row shows what needs attention first. */
function worstStatus(p: Provider): string {
  if (p.statusCounts.error > 0) return 'error';
  if (p.statusCounts.in_progress > 0) return 'in_progress';
  return 'success';
}

/**
 * The guide's success message when a domain finishes (and the reason when it fails), in the live
 * region, so people who do not watch the row hear it too.
 */
function useAnnounceStatusChanges(items: Connection[] | undefined, announce: (m: string) => void) {
  const previous = useRef(new Map<string, string>());
  useEffect(() => {
    if (!items) return;
    for (const c of items) {
      const before = previous.current.get(c.id);
      if (before && before !== c.status) {
        if (c.status === 'success') announce(`${c.domain}: the integration completed successfully.`);
        if (c.status === 'error') announce(`${c.domain}: Error. ${c.statusMessage ?? ''}`);
      }
    }
    previous.current = new Map(items.map((c) => [c.id, c.status]));
  }, [items, announce]);
}
