import { AppError, NotFoundError } from '@appgov/errors';
import { createKvV2 } from './kv-v2.js';
import { oktaTokenLocation } from './secret-paths.js';
import { toAppError } from './vault-error-mapping.js';
import type { VaultAuth } from './vault-session.js';

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
  /** PEM bundle of the CA that signed Vault's certificate. */
  caCert?: string;
}

/** A connection's Okta credential as stored (SPEC C3, C11): an API token or an OAuth service app. */
export type StoredOktaCredential =
  | { type: 'api_token'; token: string }
  | {
      type: 'oauth_service_app';
      clientId: string;
      /** PKCS#8 PEM. */
      privateKey: string;
      keyId?: string | undefined;
      scopes?: string[] | undefined;
    };

/** The Okta credentials of connections, in Vault KV v2 (SPEC C3, C8, C9, C11). */
export interface SecretStore {
  /** Writes a new version of the connection's token; returns the KV version number. */
  putOktaToken(tenantId: string, connectionId: string, token: string): Promise<{ version: number }>;
  /** The current token; `SECRET_NOT_FOUND` when absent, deleted or destroyed (or an OAuth credential). */
  getOktaToken(tenantId: string, connectionId: string): Promise<string>;
  /** Writes a new version of either kind of credential at the same path; returns the KV version number. */
  putOktaCredential(
    tenantId: string,
    connectionId: string,
    credential: StoredOktaCredential,
  ): Promise<{ version: number }>;
  /** The current credential of either kind; `SECRET_NOT_FOUND` when absent, deleted or destroyed. */
  getOktaCredential(tenantId: string, connectionId: string): Promise<StoredOktaCredential>;
  /** Destroys every version and deletes the metadata; succeeds when nothing is there. */
  destroyOktaToken(tenantId: string, connectionId: string): Promise<void>;
  /** Resolves when Vault is reachable and unsealed; `VAULT_UNAVAILABLE` otherwise. */
  ping(): Promise<void>;
}

/** Field of the KV entry that holds the token. */
const TOKEN_FIELD = 'token';
/** Value of the entry's `type` field for OAuth service apps; API-token entries stay `{ token }` as before. */
const OAUTH_TYPE = 'oauth_service_app';

const nonEmpty = (v: unknown): v is string => typeof v === 'string' && v !== '';

/** Creates the Okta credential store over node-vault with token or Kubernetes auth. */
export function createSecretStore(options: SecretStoreOptions): SecretStore {
  const kv = createKvV2(options);
  const locate = (tenantId: string, connectionId: string) =>
    oktaTokenLocation(options.mount, options.pathPrefix ?? '', tenantId, connectionId).path;

  const store: SecretStore = {
    async putOktaToken(tenantId, connectionId, token) {
      if (typeof token !== 'string' || token === '') {
        throw new AppError('SECRET_INVALID_VALUE', 'The Okta token to store is empty');
      }
      return kv.write('write Okta token', locate(tenantId, connectionId), { [TOKEN_FIELD]: token });
    },

    async putOktaCredential(tenantId, connectionId, credential) {
      if (credential.type === 'api_token')
        return store.putOktaToken(tenantId, connectionId, credential.token);
      if (!nonEmpty(credential.clientId) || !nonEmpty(credential.privateKey)) {
        throw new AppError(
          'SECRET_INVALID_VALUE',
          'The OAuth credential to store lacks its client id or key',
        );
      }
      const data = {
        type: OAUTH_TYPE,
        clientId: credential.clientId,
        privateKey: credential.privateKey,
        ...(credential.keyId ? { keyId: credential.keyId } : {}),
        ...(credential.scopes ? { scopes: credential.scopes } : {}),
      };
      return kv.write('write Okta credential', locate(tenantId, connectionId), data);
    },

    async getOktaCredential(tenantId, connectionId) {
      const path = locate(tenantId, connectionId);
      const data = await kv.read('read Okta credential', path);
      if (data.type === OAUTH_TYPE && nonEmpty(data.clientId) && nonEmpty(data.privateKey)) {
        return {
          type: 'oauth_service_app',
          clientId: data.clientId,
          privateKey: data.privateKey,
          ...(nonEmpty(data.keyId) ? { keyId: data.keyId } : {}),
          ...(Array.isArray(data.scopes) ? { scopes: data.scopes.filter(nonEmpty) } : {}),
        };
      }
      const token = data[TOKEN_FIELD];
      if (data.type === undefined && nonEmpty(token)) return { type: 'api_token', token };
      throw new NotFoundError('SECRET_NOT_FOUND', `No Okta credential stored at ${path}`);
    },

    async getOktaToken(tenantId, connectionId) {
      const path = locate(tenantId, connectionId);
      const value = (await kv.read('read Okta token', path))[TOKEN_FIELD];
      if (typeof value !== 'string' || value === '') {
        throw new NotFoundError('SECRET_NOT_FOUND', `No Okta token stored at ${path}`);
      }
      return value;
    },

    async destroyOktaToken(tenantId, connectionId) {
      // Nothing stored is fine: delete is idempotent (C9).
      await kv.destroyAll('Okta token', locate(tenantId, connectionId));
    },

    async ping() {
      let health: { sealed?: boolean; initialized?: boolean } | undefined;
      try {
        // node-vault resolves sys/health whatever its status code, so the body decides.
        health = await kv.session.client.health();
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
  return store;
}
