import { AppError } from '@appgov/errors';

/** The codes a Vault call fails with (vault-error-mapping.ts); bounded, so they can be labels. */
export const VAULT_ERROR_CODES = [
  'VAULT_UNAVAILABLE',
  'VAULT_FORBIDDEN',
  'VAULT_REJECTED',
  'VAULT_AUTH_FAILED',
] as const;

/** Anything with prom-client's `Counter.inc(labels)` shape. */
export interface VaultErrorCounter {
  inc(labels: { code: string }, value?: number): void;
}

/**
 * Wraps a secret store so that each Vault failure increments `counter` by its error code. A
 * missing secret (SECRET_NOT_FOUND) is an answer, not a Vault error, and is not counted. Every code
 * starts at 0 so that a quiet Vault still exports the series (rate() and alerts need them).
 */
export function countVaultErrors<T extends object>(store: T, counter: VaultErrorCounter): T {
  for (const code of VAULT_ERROR_CODES) counter.inc({ code }, 0);
  return new Proxy(store, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        const result = value.apply(target, args);
        if (!(result instanceof Promise)) return result;
        return result.catch((error: unknown) => {
          if (error instanceof AppError && error.code.startsWith('VAULT_')) counter.inc({ code: error.code });
          throw error;
        });
      };
    },
  });
}
