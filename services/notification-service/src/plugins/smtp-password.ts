import { AppError } from '@appgov/errors';
import { createVaultSession, vaultAuthFromEnv, vaultTlsFromEnv } from '@appgov/secrets';
import type { Config } from '../config.js';

/**
 * The SMTP password: SMTP_PASSWORD when set, else read once at boot from Vault KV v2 at
 * SMTP_PASSWORD_VAULT_PATH. Errors never carry the value.
 */
export async function resolveSmtpPassword(config: Readonly<Config>): Promise<string | undefined> {
  if (config.SMTP_PASSWORD) return config.SMTP_PASSWORD;
  const location = config.SMTP_PASSWORD_VAULT_PATH;
  if (!location) return undefined;
  if (!config.VAULT_ADDR) {
    throw new AppError('NOTIFICATION_CONFIG_INVALID', 'SMTP_PASSWORD_VAULT_PATH needs VAULT_ADDR.');
  }
  const [pathPart, field = 'password'] = location.split('#') as [string, string?];
  const slash = pathPart.indexOf('/');
  const mount = pathPart.slice(0, slash);
  const path = pathPart.slice(slash + 1);
  const session = createVaultSession({
    endpoint: config.VAULT_ADDR,
    auth: vaultAuthFromEnv(config),
    ...vaultTlsFromEnv(config),
  });
  let value: unknown;
  try {
    const response = await session.run('read smtp password', (client) =>
      client.read(`${mount}/data/${path}`),
    );
    value = (response as { data?: { data?: Record<string, unknown> } }).data?.data?.[field];
  } catch (error) {
    throw new AppError(
      'NOTIFICATION_SMTP_SECRET_UNAVAILABLE',
      `Could not read the SMTP password from Vault at ${mount}/${path}.`,
      {
        retryable: true,
        details: { status: (error as { response?: { statusCode?: number } }).response?.statusCode },
      },
    );
  }
  if (typeof value !== 'string' || value === '') {
    throw new AppError(
      'NOTIFICATION_SMTP_SECRET_MISSING',
      `Vault has no field "${field}" at ${mount}/${path}.`,
    );
  }
  return value;
}
