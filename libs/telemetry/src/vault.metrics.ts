import type { Counter, Registry } from 'prom-client';
import { defineCounter } from './metrics.js';

/** `appgov_vault_errors_total{code}`: failed Vault calls by error code (libs/secrets countVaultErrors). */
export function vaultErrorCounter(registry: Registry): Counter<'code'> {
  return defineCounter(registry, {
    name: 'appgov_vault_errors_total',
    help: 'Vault calls that failed, by error code (VAULT_UNAVAILABLE, VAULT_FORBIDDEN, VAULT_REJECTED, VAULT_AUTH_FAILED)',
    labelNames: ['code'],
  });
}
