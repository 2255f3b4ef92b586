import { readFileSync } from 'node:fs';
import { createSecretStore, type SecretStore, type SecretStoreOptions } from './secret-store.js';
import type { VaultAuth } from './vault-session.js';

/** The Vault variables a service reads (`vaultConfigProperties` in libs/config declares them). */
export interface VaultEnv {
  VAULT_ADDR: string;
  /** A file with the PEM bundle of Vault's CA (Vault's own variable name). */
  VAULT_CACERT?: string | undefined;
  VAULT_TOKEN?: string | undefined;
  VAULT_AUTH_METHOD: 'token' | 'kubernetes';
  VAULT_KUBERNETES_ROLE: string;
  VAULT_KUBERNETES_JWT_PATH: string;
  VAULT_KUBERNETES_MOUNT: string;
  VAULT_KV_MOUNT: string;
  VAULT_PATH_PREFIX: string;
}

/** Token auth for development, the pod's service-account login in clusters. */
export function vaultAuthFromEnv(env: VaultEnv): VaultAuth {
  return env.VAULT_AUTH_METHOD === 'kubernetes'
    ? {
        method: 'kubernetes',
        role: env.VAULT_KUBERNETES_ROLE,
        jwtPath: env.VAULT_KUBERNETES_JWT_PATH,
        mountPath: env.VAULT_KUBERNETES_MOUNT,
      }
    : { method: 'token', token: env.VAULT_TOKEN ?? '' };
}

/** Vault's CA from VAULT_CACERT, read once (a missing file fails the boot naming the variable). */
export function vaultTlsFromEnv(env: Pick<VaultEnv, 'VAULT_CACERT'>): { caCert?: string } {
  if (!env.VAULT_CACERT) return {};
  try {
    return { caCert: readFileSync(env.VAULT_CACERT, 'utf8') };
  } catch (error) {
    throw new Error(
      `VAULT_CACERT: cannot read ${env.VAULT_CACERT} (${(error as NodeJS.ErrnoException).code})`,
    );
  }
}

/** Where a service's secrets live (Vault, KV v2 mount, path prefix, auth), from its environment. */
export function secretStoreOptionsFromEnv(env: VaultEnv): SecretStoreOptions {
  return {
    endpoint: env.VAULT_ADDR,
    mount: env.VAULT_KV_MOUNT,
    ...(env.VAULT_PATH_PREFIX ? { pathPrefix: env.VAULT_PATH_PREFIX } : {}),
    auth: vaultAuthFromEnv(env),
    ...vaultTlsFromEnv(env),
  };
}

/** The Okta token store of a service, configured from its environment. */
export function createSecretStoreFromEnv(env: VaultEnv): SecretStore {
  return createSecretStore(secretStoreOptionsFromEnv(env));
}
