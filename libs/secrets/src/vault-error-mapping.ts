import { AppError, NotFoundError, UpstreamUnavailableError } from '@appgov/errors';

/** What the store was doing, for messages that name the operation but never a value or token. */
export interface VaultCallContext {
  operation: string;
  /** A KV path (tenant and connection ids are not secret). */
  path?: string;
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'ERR_SOCKET_CONNECTION_TIMEOUT',
]);

interface ClientErrorShape {
  code?: unknown;
  response?: { statusCode?: unknown; status?: unknown; body?: unknown };
}

/**
 * Turns a node-vault/axios failure into an AppError. The original error is dropped on purpose, not
 * kept as `cause`: axios errors carry the request config, whose headers hold the Vault token.
 */
export function toAppError(error: unknown, context: VaultCallContext): AppError {
  if (error instanceof AppError) return error;
  const e = (error ?? {}) as ClientErrorShape;
  const where = context.path ? ` (${context.path})` : '';
  const status = Number(e.response?.statusCode ?? e.response?.status ?? Number.NaN);
  const details: Record<string, unknown> = {
    operation: context.operation,
    ...(context.path ? { path: context.path } : {}),
  };

  if (Number.isFinite(status)) {
    details.status = status;
    if (status === 503 || status === 429 || status >= 500) {
      const sealed = status === 503 && JSON.stringify(e.response?.body ?? '').includes('sealed');
      return new UpstreamUnavailableError(
        'VAULT_UNAVAILABLE',
        `Vault is ${sealed ? 'sealed' : 'unavailable'}: ${context.operation} failed with HTTP ${status}${where}`,
        { retryable: true, details },
      );
    }
    if (status === 403 || status === 401) {
      return new AppError('VAULT_FORBIDDEN', `Vault denied ${context.operation}${where}`, { details });
    }
    if (status === 404) {
      return new NotFoundError('SECRET_NOT_FOUND', `No secret found for ${context.operation}${where}`, {
        details,
      });
    }
    return new AppError('VAULT_REJECTED', `Vault rejected ${context.operation} with HTTP ${status}${where}`, {
      details,
    });
  }

  const code = typeof e.code === 'string' ? e.code : undefined;
  if (code && NETWORK_CODES.has(code)) {
    details.code = code;
    return new UpstreamUnavailableError(
      'VAULT_UNAVAILABLE',
      `Vault is unreachable (${code}) during ${context.operation}`,
      {
        retryable: true,
        details,
      },
    );
  }
  return new UpstreamUnavailableError(
    'VAULT_UNAVAILABLE',
    `Vault client failed during ${context.operation}`,
    {
      retryable: true,
      details: { ...details, ...(code ? { code } : {}) },
    },
  );
}
