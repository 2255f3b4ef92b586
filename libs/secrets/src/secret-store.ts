import { AppError, NotFoundError } from '@appgov/errors';
import { oktaTokenLocation } from './secret-paths.js';
import { toAppError } from './vault-error-mapping.js';
import { createVaultSession, type VaultAuth, type VaultClient } from './vault-session.js';

export interface SecretStoreOptions {
  /** Vault address, e.g. `https://vault.internal:8200`. */
  endpoint: string;
  /** KV v2 mount (e.g. `secret`). */
  mount: string;
  auth: VaultAuth;
  /** Optional folder before `tenants/` inside the mount, e.g. `appgov/prod`. */
  pathPrefix?: string;
  /** Per-request timeout (default 5000 ms). */
  timeoutMs?: number;
}

/** The Okta credentials of connections, in Vault KV v2 (SPEC C3, C8, C9). */
export interface SecretStore {
  /** Writes a new version of the connection's token; returns the KV version number. */
  putOktaToken(tenantId: string, connectionId: string, token: string): Promise<{ version: number }>;
  /** The current token; `SECRET_NOT_FOUND` when absent, deleted or destroyed. */
  getOktaToken(tenantId: string, connectionId: string): Promise<string>;
  /** Destroys every version and deletes the metadata; succeeds when nothing is there. */
  destroyOktaToken(tenantId: string, connectionId: string): Promise<void>;
  /** Resolves when Vault is reachable and unsealed; `VAULT_UNAVAILABLE` otherwise. */
  ping(): Promise<void>;
}

/** Field of the KV entry that holds the token. */
const TOKEN_FIELD = 'token';

/** Creates the Okta credential store over node-vault with token or Kubernetes auth. */
export function createSecretStore(options: SecretStoreOptions): SecretStore {
  const session = createVaultSession({
    endpoint: options.endpoint,
    auth: options.auth,
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
  });
  const locate = (tenantId: string, connectionId: string) =>
    oktaTokenLocation(options.mount, options.pathPrefix ?? '', tenantId, connectionId);

  const run = async <T>(operation: string, path: string, call: (client: VaultClient) => Promise<T>) => {
    try {
      return await session.run(operation, call);
    } catch (error) {
      throw toAppError(error, { operation, path });
    }
  };

  return {
    async putOktaToken(tenantId, connectionId, token) {
      if (typeof token !== 'string' || token === '') {
        throw new AppError('SECRET_INVALID_VALUE', 'The Okta token to store is empty');
      }
      const { mount, path } = locate(tenantId, connectionId);
      const res = await run('write Okta token', path, (c) =>
        c.write(`${mount}/data/${path}`, { data: { [TOKEN_FIELD]: token } }),
      );
      return { version: Number(res?.data?.version) };
    },

    async getOktaToken(tenantId, connectionId) {
      const { mount, path } = locate(tenantId, connectionId);
      const res = await run('read Okta token', path, (c) => c.read(`${mount}/data/${path}`));
      const value = res?.data?.data?.[TOKEN_FIELD];
      if (typeof value !== 'string' || value === '') {
        throw new NotFoundError('SECRET_NOT_FOUND', `No Okta token stored at ${path}`);
      }
      return value;
    },

    async destroyOktaToken(tenantId, connectionId) {
      const { mount, path } = locate(tenantId, connectionId);
      let versions: number[];
      try {
        const meta = await run('read Okta token metadata', path, (c) => c.read(`${mount}/metadata/${path}`));
        const all = (meta?.data?.versions ?? {}) as Record<string, { destroyed?: boolean }>;
        versions = Object.entries(all)
          .filter(([, v]) => !v.destroyed)
          .map(([n]) => Number(n));
      } catch (error) {
        if (error instanceof NotFoundError) return; // nothing stored: delete is idempotent (C9)
        throw error;
      }
      // Destroy first so the data is gone even if the metadata delete fails, then drop the key.
      if (versions.length > 0) {
        await run('destroy Okta token versions', path, (c) =>
          c.write(`${mount}/destroy/${path}`, { versions }),
        );
      }
      await run('delete Okta token metadata', path, (c) => c.delete(`${mount}/metadata/${path}`));
    },

    async ping() {
      let health: { sealed?: boolean; initialized?: boolean } | undefined;
      try {
        // node-vault resolves sys/health whatever its status code, so the body decides.
        health = await session.client.health();
      } catch (error) {
        throw toAppError(error, { operation: 'health check' });
      }
      if (health?.sealed !== false || health.initialized === false) {
        throw toAppError(
          { response: { statusCode: 503, body: { errors: ['Vault is sealed'] } } },
          { operation: 'health check' },
        );
      }
    },
  };
}
