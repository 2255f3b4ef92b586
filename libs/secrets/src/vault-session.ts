import { readFile } from 'node:fs/promises';
import { AppError } from '@appgov/errors';
import nodeVault from 'node-vault';
import { toAppError } from './vault-error-mapping.js';

/** How the store authenticates to Vault. */
export type VaultAuth =
  | { method: 'token'; token: string }
  | {
      method: 'kubernetes';
      role: string;
      /** Service-account token file, read at every login because projected tokens rotate. */
      jwtPath: string;
      /** Auth mount (default `kubernetes`). */
      mountPath?: string;
    };

export interface VaultSessionOptions {
  endpoint: string;
  auth: VaultAuth;
  timeoutMs?: number;
  /** PEM bundle of the CA that signed Vault's certificate (VAULT_CACERT), for a private CA. */
  caCert?: string;
  /** Fraction of the lease after which a Kubernetes login is renewed by logging in again. */
  reloginFraction?: number;
}

export type VaultClient = nodeVault.client;

/** A node-vault client that always holds a usable token. */
export interface VaultSession {
  /** The client without guaranteeing a token (for unauthenticated calls such as sys/health). */
  readonly client: VaultClient;
  /** Runs `call` with a logged-in client; with Kubernetes auth, a 403 triggers one re-login and retry. */
  run<T>(operation: string, call: (client: VaultClient) => Promise<T>): Promise<T>;
}

function statusOf(error: unknown): number | undefined {
  const status = (error as { response?: { statusCode?: number } } | null)?.response?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

export function createVaultSession(options: VaultSessionOptions): VaultSession {
  const { auth } = options;
  const client = nodeVault({
    endpoint: options.endpoint,
    ...(auth.method === 'token' ? { token: auth.token } : {}),
    requestOptions: { timeout: options.timeoutMs ?? 5000, ...(options.caCert ? { ca: options.caCert } : {}) },
  });
  if (auth.method === 'token') {
    return { client, run: (_operation, call) => call(client) };
  }

  const fraction = options.reloginFraction ?? 0.8;
  let renewAt = 0;
  let pending: Promise<void> | undefined;

  const login = async (): Promise<void> => {
    let jwt: string;
    try {
      jwt = (await readFile(auth.jwtPath, 'utf8')).trim();
    } catch {
      throw new AppError('VAULT_AUTH_FAILED', `Cannot read the service-account token at ${auth.jwtPath}`);
    }
    try {
      // node-vault 0.12 renders the default mount as `auth//login`, so the mount is always named.
      const res = await client.kubernetesLogin({
        mount_point: auth.mountPath ?? 'kubernetes',
        role: auth.role,
        jwt,
      });
      const lease = Number(res?.auth?.lease_duration ?? 0);
      renewAt = lease > 0 ? Date.now() + lease * 1000 * fraction : Number.POSITIVE_INFINITY;
    } catch (error) {
      throw toAppError(error, { operation: 'kubernetes login' });
    }
  };

  /** Single flight: concurrent callers share one login. */
  const ensureLogin = (force: boolean): Promise<void> => {
    if (!force && client.token && Date.now() < renewAt) return Promise.resolve();
    pending ??= login().finally(() => {
      pending = undefined;
    });
    return pending;
  };

  return {
    client,
    async run(_operation, call) {
      await ensureLogin(false);
      try {
        return await call(client);
      } catch (error) {
        // A revoked or expired token answers 403: log in again once before giving up.
        if (statusOf(error) !== 403) throw error;
        await ensureLogin(true);
        return call(client);
      }
    },
  };
}
