import { NotFoundError } from '@appgov/errors';
import { toAppError } from './vault-error-mapping.js';
import { createVaultSession, type VaultAuth, type VaultClient, type VaultSession } from './vault-session.js';

/** Where a store's secrets live: one Vault, one KV v2 mount. */
export interface KvV2Options {
  endpoint: string;
  mount: string;
  auth: VaultAuth;
  /** Per-request timeout (default 5000 ms). */
  timeoutMs?: number;
  /** PEM bundle of Vault's CA. */
  caCert?: string;
}

/** The KV v2 calls the stores share; every error comes back as an AppError naming the operation. */
export interface KvV2 {
  readonly session: VaultSession;
  /** Writes a new version; returns its number. */
  write(operation: string, path: string, data: Record<string, unknown>): Promise<{ version: number }>;
  /** The current version's data, or an empty object when the response has none. */
  read(operation: string, path: string): Promise<Record<string, unknown>>;
  /** Destroys every version and deletes the metadata; succeeds when nothing is there (idempotent delete). */
  destroyAll(what: string, path: string): Promise<void>;
}

/** KV v2 over one node-vault session (paths are relative to the mount). */
export function createKvV2(options: KvV2Options): KvV2 {
  const session = createVaultSession({
    endpoint: options.endpoint,
    auth: options.auth,
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.caCert ? { caCert: options.caCert } : {}),
  });
  const { mount } = options;
  const run = async <T>(operation: string, path: string, call: (client: VaultClient) => Promise<T>) => {
    try {
      return await session.run(operation, call);
    } catch (error) {
      throw toAppError(error, { operation, path });
    }
  };

  return {
    session,
    async write(operation, path, data) {
      const res = await run(operation, path, (c) => c.write(`${mount}/data/${path}`, { data }));
      return { version: Number(res?.data?.version) };
    },
    async read(operation, path) {
      const res = await run(operation, path, (c) => c.read(`${mount}/data/${path}`));
      return (res?.data?.data ?? {}) as Record<string, unknown>;
    },
    async destroyAll(what, path) {
      let versions: number[];
      try {
        const meta = await run(`read ${what} metadata`, path, (c) => c.read(`${mount}/metadata/${path}`));
        const all = (meta?.data?.versions ?? {}) as Record<string, { destroyed?: boolean }>;
        versions = Object.entries(all)
          .filter(([, v]) => !v.destroyed)
          .map(([n]) => Number(n));
      } catch (error) {
        if (error instanceof NotFoundError) return; // nothing stored
        throw error;
      }
      // Destroy first so the data is gone even if the metadata delete fails, then drop the key.
      if (versions.length > 0) {
        await run(`destroy ${what} versions`, path, (c) => c.write(`${mount}/destroy/${path}`, { versions }));
      }
      await run(`delete ${what} metadata`, path, (c) => c.delete(`${mount}/metadata/${path}`));
    },
  };
}
