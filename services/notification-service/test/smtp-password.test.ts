import { randomUUID } from 'node:crypto';
import { uniqueName, waitFor } from '@appgov/testing';
import { startVaultSimulator } from '@appgov/vault-simulator';
import t from 'tap';
import { events, startService, startSmtp } from './fixtures/harness.js';

t.test('the SMTP password can come from Vault and is never logged', async (t) => {
  const password = `vault-smtp-${randomUUID()}`;
  const smtp = await startSmtp(t, password);
  const vault = await startVaultSimulator();
  t.teardown(() => vault.close());
  const write = await fetch(`${vault.url}/v1/secret/data/appgov/smtp`, {
    method: 'POST',
    headers: { 'x-vault-token': vault.rootToken, 'content-type': 'application/json' },
    body: JSON.stringify({ data: { password } }),
  });
  t.equal(write.status, 200, await write.text());

  const ts = await startService(t, smtp, {
    env: {
      SMTP_PASSWORD: '',
      SMTP_PASSWORD_VAULT_PATH: 'secret/appgov/smtp#password',
      VAULT_ADDR: vault.url,
      VAULT_TOKEN: vault.rootToken,
    },
  });
  const tenant = uniqueName('tenant');
  const connectionId = randomUUID();
  await ts.publish([
    events.created(tenant, connectionId, 'vaulted.okta.com', 'a@customer.example'),
    events.applied(tenant, connectionId),
  ]);
  await waitFor(() => smtp.mails.length >= 1, { description: 'email via Vault password' });
  t.equal(smtp.authFailures.length, 0);
  t.notMatch(ts.logs.join(''), password);
});
