import { useState } from 'react';
import {
  Button,
  Dialog,
  Heading,
  Input,
  Label,
  Modal,
  Radio,
  RadioGroup,
  Text,
  TextArea,
  TextField,
} from 'react-aria-components';
import { ErrorText } from '../../components/ErrorText';
import { type Connection, useConnect } from './api';

/** Add → the Okta domain and either an API token or an OAuth service app (client id, private key). */
export function AddConnectionDialog(props: {
  isOpen: boolean;
  onClose: () => void;
  onConnected: (c: Connection) => void;
}) {
  const connect = useConnect();
  const [domain, setDomain] = useState('');
  const [kind, setKind] = useState<'api_token' | 'oauth'>('api_token');
  const [apiToken, setApiToken] = useState('');
  const [clientId, setClientId] = useState('');
  const [privateKey, setPrivateKey] = useState('');

  const close = () => {
    connect.reset();
    setApiToken('');
    setPrivateKey('');
    props.onClose();
  };
  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    const body = kind === 'api_token' ? { domain, apiToken } : { domain, oauth: { clientId, privateKey } };
    connect.mutate(body, {
      onSuccess: (c) => {
        setDomain('');
        setApiToken('');
        setClientId('');
        setPrivateKey('');
        connect.reset();
        props.onConnected(c);
      },
    });
  };

  return (
    <Modal isOpen={props.isOpen} onOpenChange={(o) => !o && close()} isDismissable className="modal">
      <Dialog className="dialog">
        <Heading slot="title">Add Okta</Heading>
        <form onSubmit={submit} className="form">
          <TextField value={domain} onChange={setDomain} isRequired autoFocus>
            <Label>Okta domain</Label>
            <Input />
            <Text slot="description">acme.okta.com; an admin-console URL is accepted and shortened</Text>
          </TextField>
          <RadioGroup value={kind} onChange={(v) => setKind(v as typeof kind)}>
            <Label>Credentials</Label>
            <Radio value="api_token">API token</Radio>
            <Radio value="oauth">OAuth service app</Radio>
          </RadioGroup>
          {kind === 'api_token' ? (
            <TextField value={apiToken} onChange={setApiToken} type="password" isRequired>
              <Label>Okta API token</Label>
              <Input autoComplete="off" />
            </TextField>
          ) : (
            <>
              <TextField value={clientId} onChange={setClientId} isRequired>
                <Label>Client ID</Label>
                <Input autoComplete="off" />
              </TextField>
              <TextField value={privateKey} onChange={setPrivateKey} isRequired>
                <Label>Private key</Label>
                <TextArea rows={5} spellCheck={false} />
                <Text slot="description">PEM, or a private JWK as JSON</Text>
              </TextField>
            </>
          )}
          <ErrorText error={connect.error} />
          <div className="dialog-actions">
            <Button onPress={close}>Cancel</Button>
            <Button type="submit" className="primary" isDisabled={connect.isPending}>
              {connect.isPending ? 'Connecting…' : 'Connect'}
            </Button>
          </div>
        </form>
      </Dialog>
    </Modal>
  );
}
