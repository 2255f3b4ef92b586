// Issue 13: a credential that cannot go into an HTTP header is the caller's mistake, refused before
// any state, budget or breaker of the org is touched (SPEC S2: only Okta's own failures count).
import { InvalidInputError } from '@appgov/errors';
import { OktaErrorCode } from './errors.js';
import type { OktaCredential } from './okta-client.js';

/** Okta API tokens and access tokens are visible ASCII without spaces; generous length bound. */
const HEADER_TOKEN = /^[\x21-\x7e]{1,4096}$/;

/** True when `token` can be sent as `SSWS <token>` / `Bearer <token>`. */
export function isHeaderSafeToken(token: string): boolean {
  return HEADER_TOKEN.test(token);
}

/** The error for a token that is not header-safe; it never echoes the token. */
export function invalidCredentialFormat(domain: string): InvalidInputError {
  return new InvalidInputError(
    OktaErrorCode.InvalidCredentialFormat,
    `The credential for ${domain} contains characters an Okta token never has (only visible ASCII, no spaces).`,
    { details: { domain } },
  );
}

/** Throws {@link invalidCredentialFormat} for an SSWS token or static bearer token that is not header-safe. */
export function assertCredentialFormat(domain: string, credential: OktaCredential): void {
  const token =
    credential.type === 'ssws'
      ? credential.token
      : credential.type === 'bearer' && typeof credential.accessToken === 'string'
        ? credential.accessToken
        : undefined;
  if (token !== undefined && !isHeaderSafeToken(token)) throw invalidCredentialFormat(domain);
}
