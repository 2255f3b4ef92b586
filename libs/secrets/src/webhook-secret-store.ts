import { AppError, NotFoundError } from '@appgov/errors';
import { webhookSecretLocation } from './secret-paths.js';
import type { SecretStoreOptions } from './secret-store.js';
import { type VaultEnv, vaultAuthFromEnv } from './vault-env.js';
import { toAppError } from './vault-error-mapping.js';
import { createVaultSession, type VaultClient } from './vault-session.js';

/** Webhook signing secrets in Vault KV v2, beside the tenant's Okta credentials (N3). */
export interface WebhookSecretStore {
  /** Writes a new version of the webhook's signing secret; returns the KV version number. */
  putWebhookSecret(tenantId: string, webhookId: string, secret: string): Promise<{ version: number }>;
  /** The current secret; `SECRET_NOT_FOUND` when absent, deleted or destroyed. */
  getWebhookSecret(tenantId: string, webhookId: string): Promise<string>;
  /** Destroys every version and deletes the metadata; succeeds when nothing is there. */
  destroyWebhookSecret(tenantId: string, webhookId: string): Promise<void>;
}

const SECRET_FIELD = 'secret';

/** Creates the webhook secret store over node-vault with token or Kubernetes auth. */
export function createWebhookSecretStore(options: SecretStoreOptions): WebhookSecretStore {
  const session = createVaultSession({
    endpoint: options.endpoint,
    auth: options.auth,
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
  });
  const locate = (tenantId: string, webhookId: string) =>
    webhookSecretLocation(options.mount, options.pathPrefix ?? '', tenantId, webhookId);
  const run = async <T>(operation: string, path: string, call: (client: VaultClient) => Promise<T>) => {
    try {
      return await session.run(operation, call);
    } catch (error) {
      throw toAppError(error, { operation, path });
    }
  };

  return {
    async putWebhookSecret(tenantId, webhookId, secret) {
      if (typeof secret !== 'string' || secret === '') {
        throw new AppError('SECRET_INVALID_VALUE', 'The webhook secret to store is empty');
      }
      const { mount, path } = locate(tenantId, webhookId);
      const res = await run('write webhook secret', path, (c) =>
        c.write(`${mount}/data/${path}`, { data: { [SECRET_FIELD]: secret } }),
      );
      return { version: Number(res?.data?.version) };
    },

    async getWebhookSecret(tenantId, webhookId) {
      const { mount, path } = locate(tenantId, webhookId);
      const res = await run('read webhook secret', path, (c) => c.read(`${mount}/data/${path}`));
      const value = res?.data?.data?.[SECRET_FIELD];
      if (typeof value !== 'string' || value === '') {
        throw new NotFoundError('SECRET_NOT_FOUND', `No webhook secret stored at ${path}`);
      }
      return value;
    },

    async destroyWebhookSecret(tenantId, webhookId) {
      const { mount, path } = locate(tenantId, webhookId);
      let versions: number[];
      try {
        const meta = await run('read webhook secret metadata', path, (c) =>
          c.read(`${mount}/metadata/${path}`),
        );
        const all = (meta?.data?.versions ?? {}) as Record<string, { destroyed?: boolean }>;
        versions = Object.entries(all)
          .filter(([, v]) => !v.destroyed)
          .map(([n]) => Number(n));
      } catch (error) {
        if (error instanceof NotFoundError) return; // nothing stored: deleting twice is fine
        throw error;
      }
      // Destroy first so the data is gone even if the metadata delete fails, then drop the key.
      if (versions.length > 0) {
        await run('destroy webhook secret versions', path, (c) =>
          c.write(`${mount}/destroy/${path}`, { versions }),
        );
      }
      await run('delete webhook secret metadata', path, (c) => c.delete(`${mount}/metadata/${path}`));
    },
  };
}

/** The webhook secret store of a service, configured from its environment. */
export function createWebhookSecretStoreFromEnv(env: VaultEnv): WebhookSecretStore {
  return createWebhookSecretStore({
    endpoint: env.VAULT_ADDR,
    mount: env.VAULT_KV_MOUNT,
    ...(env.VAULT_PATH_PREFIX ? { pathPrefix: env.VAULT_PATH_PREFIX } : {}),
    auth: vaultAuthFromEnv(env),
  });
}
