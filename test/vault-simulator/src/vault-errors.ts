/**
 * Vault's error responses. Vault answers `{"errors":[...]}`; ACL denials are wrapped by go-multierror,
 * which is why their text reads "1 error occurred:\n\t* permission denied\n\n".
 */
export class VaultHttpError extends Error {
  constructor(
    readonly status: number,
    readonly errors: string[],
    /** Some 404s (a soft-deleted or destroyed version) still carry the usual response envelope. */
    readonly body?: unknown,
  ) {
    super(errors[0] ?? `status ${status}`);
    this.name = 'VaultHttpError';
  }
}

/** go-multierror's rendering, used by Vault for ACL and token failures. */
export function multiError(messages: string[]): string {
  const noun = messages.length === 1 ? 'error' : 'errors';
  return `${messages.length} ${noun} occurred:\n${messages.map((m) => `\t* ${m}`).join('\n')}\n\n`;
}

export const permissionDenied = (): VaultHttpError =>
  new VaultHttpError(403, [multiError(['permission denied'])]);

/** An unknown, expired or revoked token (Vault 1.13+ names both causes). */
export const invalidToken = (): VaultHttpError =>
  new VaultHttpError(403, [multiError(['permission denied', 'invalid token'])]);

export const notFound = (): VaultHttpError => new VaultHttpError(404, []);

export const badRequest = (message: string): VaultHttpError => new VaultHttpError(400, [message]);

export const sealed = (): VaultHttpError => new VaultHttpError(503, ['Vault is sealed']);

export const noHandler = (path: string): VaultHttpError =>
  new VaultHttpError(404, [`no handler for route "${path}". route entry not found.`]);

export const unsupportedOperation = (): VaultHttpError =>
  new VaultHttpError(405, [multiError(['unsupported operation'])]);
