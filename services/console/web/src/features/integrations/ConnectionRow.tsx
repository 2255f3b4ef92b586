import { useState } from 'react';
import { Button } from 'react-aria-components';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { DisclosureButton } from '../../components/DisclosureButton';
import { ErrorText } from '../../components/ErrorText';
import { StatusBadge } from '../../components/StatusBadge';
import { Time } from '../../components/Time';
import { type Connection, useDeleteConnection, useSyncNow, useSyncs } from './api';
import { EditToken } from './EditToken';
import { LastSynced } from './LastSynced';
import { SyncHistory } from './SyncHistory';

/** One Okta domain: a summary line that expands to its token, history and changes. */
export function ConnectionRow(props: {
  connection: Connection;
  canChange: boolean;
  onNotice: (m: string) => void;
}) {
  const c = props.connection;
  const [open, setOpen] = useState(false);
  const panelId = `connection-${c.id}`;
  return (
    <li className="connection">
      <div className="connection-summary">
        <DisclosureButton expanded={open} controls={panelId} onToggle={() => setOpen(!open)}>
          {c.domain}
        </DisclosureButton>
        <StatusBadge status={c.status} />
        <span>
          Last synced: <LastSynced at={c.lastSynced.at} stale={c.stale} reason={c.staleReason} />
        </span>
      </div>
      {c.status === 'in_progress' && <p className="hint">The domain is still being processed.</p>}
      {c.status === 'error' && (
        <p className="status-error">
          {c.statusMessage ??
            'The connection failed: check the token and its permissions, then edit the token.'}
        </p>
      )}
      {open && <ConnectionDetails {...props} panelId={panelId} />}
    </li>
  );
}

function ConnectionDetails({
  connection: c,
  canChange,
  onNotice,
  panelId,
}: {
  connection: Connection;
  canChange: boolean;
  onNotice: (m: string) => void;
  panelId: string;
}) {
  const busy = c.status === 'in_progress' || c.currentSync !== null;
  const syncs = useSyncs(c.id, busy);
  const syncNow = useSyncNow(c.id);
  const del = useDeleteConnection(c.id);
  const [deleting, setDeleting] = useState(false);

  return (
    <section id={panelId} className="connection-details" aria-label={`${c.domain} details`}>
      <dl className="facts">
        <dt>Token</dt>
        <dd>
          {c.token ? (
            <>
              API token {c.token.masked} (last 4: {c.token.last4}), updated <Time at={c.token.updatedAt} />
            </>
          ) : c.oauth ? (
            <>
              OAuth service app {c.oauth.clientId}, updated <Time at={c.oauth.updatedAt} />
            </>
          ) : (
            'N/A'
          )}
          {canChange && c.credentialType === 'api_token' && <EditToken connection={c} onUpdated={onNotice} />}
        </dd>
        <dt>First connected</dt>
        <dd>
          <Time at={c.firstConnected.at} /> by {c.firstConnected.by.email}
        </dd>
        <dt>Last synced</dt>
        <dd>
          <LastSynced at={c.lastSynced.at} stale={c.stale} reason={c.staleReason} />
        </dd>
        <dt>Status</dt>
        <dd>
          <StatusBadge status={c.status} />
          {c.statusMessage ? ` ${c.statusMessage}` : ''}
        </dd>
        {c.permissionWarnings.length > 0 && (
          <>
            <dt>Warnings</dt>
            <dd>
              <ul>
                {c.permissionWarnings.map((w) => (
                  <li key={w}>{w}</li>
                ))}
              </ul>
            </dd>
          </>
        )}
      </dl>
      {syncs.data && <SyncHistory runs={syncs.data} domain={c.domain} />}
      {canChange && (
        <div className="row-actions">
          <Button
            isDisabled={syncNow.isPending || c.currentSync !== null}
            onPress={() =>
              syncNow.mutate(undefined, { onSuccess: () => onNotice(`A sync of ${c.domain} was requested.`) })
            }
          >
            Sync now
          </Button>
          <Button className="danger" aria-label={`Delete ${c.domain}`} onPress={() => setDeleting(true)}>
            Delete
          </Button>
          <ErrorText error={syncNow.error} />
        </div>
      )}
      <ConfirmDialog
        isOpen={deleting}
        title={`Delete ${c.domain}?`}
        pending={del.isPending}
        error={<ErrorText error={del.error} />}
        onCancel={() => {
          setDeleting(false);
          del.reset();
        }}
        onConfirm={() =>
          del.mutate(undefined, {
            onSuccess: () => {
              setDeleting(false);
              onNotice(`${c.domain} was deleted. 1 domain updated.`);
            },
          })
        }
      >
        <p>
          The connection to {c.domain} is deleted and its catalog data (apps, users, groups, grants, API
          tokens and findings) is removed.
        </p>
      </ConfirmDialog>
    </section>
  );
}
