import { AppError, InvalidInputError, UpstreamUnavailableError } from '@appgov/errors';
import {
  type OAuthServiceAppCredential,
  OKTA_READ_SCOPES,
  OKTA_SCOPE_BY_DATASET,
  type OktaClientFactory,
  OktaErrorCode,
  type TokenIdentity,
} from '@appgov/okta-client';

/** Admin roles ordered from most to least capable, for the one we record (C2). */
const ROLE_ORDER = [
  'SUPER_ADMIN',
  'ORG_ADMIN',
  'READ_ONLY_ADMIN',
  'APP_ADMIN',
  'USER_ADMIN',
  'GROUP_MEMBERSHIP_ADMIN',
  'HELP_DESK_ADMIN',
  'API_ACCESS_MANAGEMENT_ADMIN',
  'REPORT_ADMIN',
  'CUSTOM',
];

/** What validation learnt about a token. */
export interface ValidatedToken {
  adminRole: string | null;
  /** Human warnings when the token probably cannot read every dataset (C2). */
  warnings: string[];
}

/** An error whose message is ours and safe to show even though the status is 503. */
export class PublicUpstreamError extends UpstreamUnavailableError {}

function highestRole(roles: string[] | undefined): string | null {
  if (!roles || roles.length === 0) return null;
  const known = ROLE_ORDER.filter((r) => roles.includes(r));
  return known[0] ?? [...roles].sort()[0] ?? null;
}

function warningsFor(identity: TokenIdentity, role: string | null): string[] {
  if (identity.adminRoles === undefined) {
    return [
      'The token may not read admin role assignments; admins, grants and API tokens may be skipped during syncs.',
    ];
  }
  if (role === null) {
    return ['The token owner holds no admin role; most datasets cannot be read.'];
  }
  if (role === 'SUPER_ADMIN') return [];
  if (role === 'ORG_ADMIN' || role === 'READ_ONLY_ADMIN') {
    return [
      `The token owner is ${role}: users, groups and apps are read; admin roles, app grants or API tokens may be skipped (a Super Admin or a custom role with okta.iam.read and okta.users.apitokens.read reads them).`,
    ];
  }
  return [
    `The token owner is ${role}: several datasets will probably be skipped; use a Read-only Admin or better.`,
  ];
}

/**
 * Checks an API token against the org (C2) through the circuit-broken Okta client and maps the
 * client's errors to distinct API errors. The token goes to Okta only.
 */
export async function validateOktaToken(
  okta: OktaClientFactory,
  domain: string,
  token: string,
): Promise<ValidatedToken> {
  let identity: TokenIdentity;
  try {
    identity = await okta.forOrg(domain, { type: 'ssws', token }).validateToken();
  } catch (error) {
    throw mapOktaError(error, domain);
  }
  const adminRole = highestRole(identity.adminRoles);
  return { adminRole, warnings: warningsFor(identity, adminRole) };
}

/** Warnings for a service app (C2): datasets its granted scopes cannot read, and the role we cannot see. */
function serviceAppWarnings(granted: readonly string[]): string[] {
  const missing = new Map<string, string[]>();
  for (const [dataset, scope] of Object.entries(OKTA_SCOPE_BY_DATASET)) {
    if (granted.includes(scope) || granted.includes(scope.replace(/\.read$/, '.manage'))) continue;
    missing.set(scope, [...(missing.get(scope) ?? []), dataset]);
  }
  const warnings = [...missing].map(
    ([scope, datasets]) =>
      `The service app was not asked for ${scope}: ${datasets.join(', ')} will be skipped.`,
  );
  warnings.push(
    "The service app's admin role decides what it reads: admin roles, app grants and API tokens need a Super Admin (or a custom role with okta.iam.read and okta.users.apitokens.read).",
  );
  return warnings;
}

/**
 * Checks an OAuth service app against the org (C2, C11): obtains an access token with its key and
 * reads GET /api/v1/org. The key and the token go to this org only.
 */
export async function validateServiceApp(
  okta: OktaClientFactory,
  domain: string,
  credential: OAuthServiceAppCredential,
): Promise<ValidatedToken & { scopes: string[] }> {
  let identity: TokenIdentity;
  try {
    identity = await okta.forOrg(domain, credential).validateToken();
  } catch (error) {
    throw mapOktaError(error, domain, 'oauth');
  }
  const scopes = identity.scopes ?? [...(credential.scopes ?? OKTA_READ_SCOPES)];
  return { adminRole: null, warnings: serviceAppWarnings(scopes), scopes };
}

function mapOktaError(error: unknown, domain: string, kind: 'api_token' | 'oauth' = 'api_token'): AppError {
  const code = error instanceof AppError ? error.code : undefined;
  const details = { status: 422, domain };
  switch (code) {
    case OktaErrorCode.InvalidKey:
      return new InvalidInputError(OktaErrorCode.InvalidKey, (error as AppError).message, { details });
    case OktaErrorCode.InvalidClient:
      return new InvalidInputError(
        'OKTA_INVALID_CLIENT',
        `Okta refused the service app for ${domain}: the client id is unknown or inactive there, or the key is not one registered with the app (check the key id).`,
        { details },
      );
    case OktaErrorCode.InvalidScope:
      return new InvalidInputError(
        'OKTA_INVALID_SCOPE',
        `The service app on ${domain} was not granted every scope Appgov asked for; grant them on the app's "Okta API Scopes" tab, or list the granted ones in oauth.scopes.`,
        { details: { ...details, oktaDescription: (error as AppError).details?.oauthErrorDescription } },
      );
    case OktaErrorCode.DpopRequired:
      return new InvalidInputError(
        'OKTA_DPOP_REQUIRED',
        `The service app on ${domain} requires DPoP-bound tokens, which Appgov does not use; turn off "Require Demonstrating Proof of Possession (DPoP) header in token requests" in the app's General Settings.`,
        { details },
      );
    case OktaErrorCode.InvalidToken:
      return new InvalidInputError(
        'OKTA_INVALID_TOKEN',
        kind === 'oauth'
          ? `Okta refused the access token it issued to the service app for ${domain}.`
          : `Okta rejected the API token for ${domain}: it is invalid, expired, revoked or belongs to another org.`,
        { details },
      );
    case OktaErrorCode.OrgNotFound:
      return new InvalidInputError(
        'OKTA_ORG_NOT_FOUND',
        `${domain} is not a known Okta org; check the domain (use the org's domain, not a custom or admin URL).`,
        { details: { status: 422, domain } },
      );
    case OktaErrorCode.Forbidden:
      return new InvalidInputError(
        'OKTA_INSUFFICIENT_PERMISSIONS',
        kind === 'oauth'
          ? `The service app may not read the org settings of ${domain}; assign it an admin role (Read-only Admin or better) and the okta.orgs.read scope.`
          : `The token may not read its own user on ${domain}; use a token of an admin account.`,
        { details },
      );
    case OktaErrorCode.CircuitOpen:
      return new PublicUpstreamError(
        'OKTA_CIRCUIT_OPEN',
        `Calls to ${domain} are paused after repeated failures; try again in a minute.`,
        { details: { domain } },
      );
    case OktaErrorCode.RateLimited:
      return new PublicUpstreamError(
        'OKTA_RATE_LIMITED',
        `Okta rate limit reached for ${domain}; try again shortly.`,
        {
          details: { domain },
        },
      );
    case OktaErrorCode.InvalidCredentialFormat:
    case OktaErrorCode.InvalidRequest:
      return new InvalidInputError(
        'CONNECTION_INVALID_TOKEN_FORMAT',
        'The credential contains characters an Okta token never has (only visible ASCII, no spaces).',
      );
    case OktaErrorCode.InvalidDomain:
    case OktaErrorCode.InsecureUrl:
      return new InvalidInputError(
        'CONNECTION_INVALID_DOMAIN',
        `${domain} cannot be used as an Okta domain.`,
        {
          details: { domain },
        },
      );
    default:
      return new PublicUpstreamError(
        'OKTA_UNAVAILABLE',
        `Okta could not be reached for ${domain} (network failure or server error); try again later.`,
        { details: { domain } },
      );
  }
}
