// A connection of a bench fleet: its Okta org in the simulator and its token in the Vault
// simulator, where ingest-service reads it (tenants/<tenant>/connections/<id>/okta).
import { randomUUID } from 'node:crypto';
import type { CreateOrgOptions, RunningSimulator } from '@appgov/okta-simulator';

export interface ProvisionedOrg {
  connectionId: string;
  domain: string;
}

export async function provisionOrg(
  okta: RunningSimulator,
  vault: { url: string; token: string },
  tenantId: string,
  org: CreateOrgOptions,
): Promise<ProvisionedOrg> {
  const handle = okta.sim.createOrg(org);
  const connectionId = randomUUID();
  const res = await fetch(
    `${vault.url}/v1/secret/data/tenants/${tenantId}/connections/${connectionId}/okta`,
    {
      method: 'POST',
      headers: { 'x-vault-token': vault.token, 'content-type': 'application/json' },
      body: JSON.stringify({ data: { token: handle.token } }),
    },
  );
  if (!res.ok) throw new Error(`Vault simulator refused the token write: ${res.status}`);
  return { connectionId, domain: org.domain };
}
