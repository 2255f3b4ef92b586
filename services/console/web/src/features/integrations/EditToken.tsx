import { useState } from 'react';
import { Button, Input, Label, TextField } from 'react-aria-components';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorText } from '../../components/ErrorText';
import { type Connection, useReplaceToken } from './api';

/** The guide's Edit: pencil → field → check mark → Confirm window; Cancel changes nothing. */
export function EditToken({
  connection,
  onUpdated,
}: {
  connection: Connection;
  onUpdated: (msg: string) => void;
}) {
  const replace = useReplaceToken(connection.id);
  const [editing, setEditing] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [token, setToken] = useState('');

  const cancel = () => {
    setConfirming(false);
    setEditing(false);
    setToken('');
    replace.reset();
  };
  const confirm = () =>
    replace.mutate(token, {
      onSuccess: () => {
        cancel();
        onUpdated(`The token of ${connection.domain} was replaced. 1 domain updated.`);
      },
    });

  if (!editing) {
    return (
      <Button
        className="icon"
        aria-label={`Edit token of ${connection.domain}`}
        onPress={() => setEditing(true)}
      >
        ✎
      </Button>
    );
  }
  return (
    <form
      className="inline-edit"
      onSubmit={(e) => {
        e.preventDefault();
        if (token) setConfirming(true);
      }}
    >
      <TextField value={token} onChange={setToken} type="password" autoFocus isRequired>
        <Label>New API token for {connection.domain}</Label>
        <Input autoComplete="off" />
      </TextField>
      <Button type="submit" className="icon" aria-label="Save token">
        ✓
      </Button>
      <Button className="icon" aria-label="Discard token change" onPress={cancel}>
        ✕
      </Button>
      <ConfirmDialog
        isOpen={confirming}
        title="Override the token?"
        pending={replace.isPending}
        error={<ErrorText error={replace.error} />}
        onConfirm={confirm}
        onCancel={cancel}
      >
        <p>
          The current token of {connection.domain}
          {connection.token ? ` (ending ${connection.token.last4})` : ''} will be overridden by the new one.
        </p>
      </ConfirmDialog>
    </form>
  );
}
