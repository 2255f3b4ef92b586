import { useState } from 'react';
import { Button, Input, Label, TextField } from 'react-aria-components';
import { ErrorText } from '../../components/ErrorText';
import { Page } from '../../components/Page';
import { Time } from '../../components/Time';
import { useAddRecipient, useRecipients, useRemoveRecipient } from './api';

/** Who gets the emails (the "ready for review" mail and the others). */
export function RecipientsPage({ canChange }: { canChange: boolean }) {
  const list = useRecipients();
  const add = useAddRecipient();
  const remove = useRemoveRecipient();
  const [email, setEmail] = useState('');
  return (
    <Page title="Recipients">
      <ErrorText error={list.error ?? remove.error} />
      {canChange && (
        <form
          className="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            add.mutate(email, { onSuccess: () => setEmail('') });
          }}
        >
          <TextField value={email} onChange={setEmail} type="email" isRequired>
            <Label>Recipient email</Label>
            <Input />
          </TextField>
          <Button type="submit" isDisabled={add.isPending}>
            Add recipient
          </Button>
          <ErrorText error={add.error} />
        </form>
      )}
      <table className="table">
        <caption className="visually-hidden">Recipients</caption>
        <thead>
          <tr>
            <th scope="col">Email</th>
            <th scope="col">Added</th>
            {canChange && (
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            )}
          </tr>
        </thead>
        <tbody>
          {list.data?.map((r) => (
            <tr key={r.id}>
              <td>{r.email}</td>
              <td>
                <Time at={r.createdAt} />
              </td>
              {canChange && (
                <td>
                  <Button aria-label={`Remove ${r.email}`} onPress={() => remove.mutate(r.id)}>
                    Remove
                  </Button>
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
      {list.data?.length === 0 && <p>No recipients yet.</p>}
    </Page>
  );
}
