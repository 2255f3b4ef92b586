import { AppError, NotFoundError } from '@appgov/errors';
import { createKvV2 } from './kv-v2.js';
import { webhookSecretLocation } from './secret-paths.js';
import type { SecretStoreOptions } from './secret-store.js';
import { secretStoreOptionsFromEnv, type VaultEnv } from './vault-env.js';

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
  const kv = createKvV2(options);
  const locate = (tenantId: string, webhookId: string) =>
    webhookSecretLocation(options.mount, options.pathPrefix ?? '', tenantId, webhookId).path;

  return {
    async putWebhookSecret(tenantId, webhookId, secret) {
      if (typeof secret !== 'string' || secret === '') {
        throw new AppError('SECRET_INVALID_VALUE', 'The webhook secret to store is empty');
      }
      return kv.write('write webhook secret', locate(tenantId, webhookId), { [SECRET_FIELD]: secret });
    },

    async getWebhookSecret(tenantId, webhookId) {
      const path = locate(tenantId, webhookId);
      const value = (await kv.read('read webhook secret', path))[SECRET_FIELD];
      if (typeof value !== 'string' || value === '') {
        throw new NotFoundError('SECRET_NOT_FOUND', `No webhook secret stored at ${path}`);
      }
      return value;
    },

    async destroyWebhookSecret(tenantId, webhookId) {
      await kv.destroyAll('webhook secret', locate(tenantId, webhookId));
    },
  };
}

/** The webhook secret store of a service, configured from its environment. */
export function createWebhookSecretStoreFromEnv(env: VaultEnv): WebhookSecretStore {
  return createWebhookSecretStore(secretStoreOptionsFromEnv(env));
}
