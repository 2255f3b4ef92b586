/** Calls connection-service's HTTP API with the operator's bearer token. */
export interface ConnectionApi {
  requestSync(connectionId: string): Promise<unknown>;
  operatorConnections(filter: { tenant?: string | undefined }): Promise<OperatorConnection[]>;
}

/** What C12's operator listing returns per connection (no secrets, no catalog data). */
export interface OperatorConnection {
  tenantId: string;
  id: string;
  domain: string;
  status: string;
  statusReasonCode: string | null;
  statusMessage: string | null;
  stale: boolean;
  staleReason: string | null;
  lastSynced: { at: string | null };
  currentSync: unknown;
}

export function connectionApi(baseUrl: string, token: string): ConnectionApi {
  const call = async (method: string, path: string) => {
    const res = await fetch(new URL(path, baseUrl), {
      method,
      headers: { authorization: `Bearer ${token}`, 'idempotency-key': crypto.randomUUID() },
    });
    const text = await res.text();
    const body = text ? JSON.parse(text) : undefined;
    if (!res.ok) {
      const detail = body?.detail ?? body?.title ?? text;
      throw new Error(`${method} ${path}: HTTP ${res.status} ${body?.code ?? ''} ${detail}`.trim());
    }
    return body;
  };
  return {
    requestSync: (id) => call('POST', `/v1/integrations/okta/connections/${encodeURIComponent(id)}/sync`),
    async operatorConnections({ tenant }) {
      const q = new URLSearchParams({ limit: '1000', ...(tenant ? { tenant } : {}) });
      return (await call('GET', `/v1/operator/connections?${q}`)).items as OperatorConnection[];
    },
  };
}
