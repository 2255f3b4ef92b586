import { useState } from 'react';
import { Button, Input, Label, TextField } from 'react-aria-components';
import { DisclosureButton } from '../../components/DisclosureButton';
import { ErrorText } from '../../components/ErrorText';
import { Page } from '../../components/Page';
import { Time } from '../../components/Time';
import { useCreateWebhook, useDeliveries, useWebhooks } from './api';

/** Webhooks: create one (its signing secret is shown once), and each one's delivery log. */
export function WebhooksPage({ canChange }: { canChange: boolean }) {
  const list = useWebhooks();
  const create = useCreateWebhook();
  const [url, setUrl] = useState('');
  const [secret, setSecret] = useState<string | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  return (
    <Page title="Webhooks">
      <ErrorText error={list.error} />
      {canChange && (
        <form
          className="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            create.mutate(
              { url, eventTypes: ['*'] },
              {
                onSuccess: (w) => {
                  setUrl('');
                  setSecret(w.secret);
                },
              },
            );
          }}
        >
          <TextField value={url} onChange={setUrl} type="url" isRequired>
            <Label>Webhook URL</Label>
            <Input />
          </TextField>
          <Button type="submit" isDisabled={create.isPending}>
            Create webhook
          </Button>
          <ErrorText error={create.error} />
        </form>
      )}
      {secret && (
        <div role="status" className="secret-once">
          <p>
            Signing secret (shown once; store it now): <code>{secret}</code>
          </p>
          <Button onPress={() => setSecret(null)}>I stored it</Button>
        </div>
      )}
      <ul className="webhooks">
        {list.data?.map((w) => (
          <li key={w.id}>
            <DisclosureButton expanded={open === w.id} onToggle={() => setOpen(open === w.id ? null : w.id)}>
              {w.url}
            </DisclosureButton>{' '}
            {w.enabled ? 'Enabled' : `Disabled${w.disabledReason ? `: ${w.disabledReason}` : ''}`}
            {open === w.id && <Deliveries id={w.id} url={w.url} />}
          </li>
        ))}
      </ul>
      {list.data?.length === 0 && <p>No webhooks yet.</p>}
    </Page>
  );
}

function Deliveries({ id, url }: { id: string; url: string }) {
  const d = useDeliveries(id);
  if (d.data?.length === 0) return <p>No deliveries yet.</p>;
  return (
    <table className="table compact">
      <caption>Delivery log of {url}</caption>
      <thead>
        <tr>
          <th scope="col">Event</th>
          <th scope="col">Status</th>
          <th scope="col">Attempts</th>
          <th scope="col">Last answer</th>
          <th scope="col">Created</th>
        </tr>
      </thead>
      <tbody>
        {d.data?.map((x) => (
          <tr key={x.id}>
            <td>{x.eventType}</td>
            <td>{x.status}</td>
            <td>{x.attempts}</td>
            <td>{x.lastStatusCode ?? x.lastError ?? '—'}</td>
            <td>
              <Time at={x.createdAt} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
