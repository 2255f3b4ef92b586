// Okta failures as AppErrors with stable codes. Callers branch on `code` (C2 messages, I5 sync
// outcomes) and on `retryable` (retries, the breaker's filter). No message or detail ever holds
// the credential: only the status, Okta's errorCode/summary/id, the bucket and the path.
import {
  AppError,
  ForbiddenError,
  InvalidInputError,
  NotFoundError,
  RateLimitedError,
  UnauthorizedError,
  UpstreamUnavailableError,
} from '@appgov/errors';
import type { OktaBucket } from './buckets.js';
import type { OktaErrorBody } from './okta-types.js';
import type { RateLimitInfo } from './rate-limit.js';

/** Stable error codes of the Okta client. */
export const OktaErrorCode = {
  InvalidToken: 'OKTA_INVALID_TOKEN',
  Forbidden: 'OKTA_FORBIDDEN',
  OrgNotFound: 'OKTA_ORG_NOT_FOUND',
  NotFound: 'OKTA_NOT_FOUND',
  RateLimited: 'OKTA_RATE_LIMITED',
  Unavailable: 'OKTA_UNAVAILABLE',
  CircuitOpen: 'OKTA_CIRCUIT_OPEN',
  BadRequest: 'OKTA_BAD_REQUEST',
  UnexpectedResponse: 'OKTA_UNEXPECTED_RESPONSE',
  RedirectRefused: 'OKTA_REDIRECT_REFUSED',
  CrossOriginLink: 'OKTA_CROSS_ORIGIN_LINK',
  InsecureUrl: 'OKTA_INSECURE_URL',
  InvalidDomain: 'OKTA_INVALID_DOMAIN',
  Cancelled: 'OKTA_CALL_CANCELLED',
  /** The token endpoint refused the service app (unknown client, wrong key, bad assertion). */
  InvalidClient: 'OKTA_INVALID_CLIENT',
  /** The service app asked for an okta.* scope it was not granted. */
  InvalidScope: 'OKTA_INVALID_SCOPE',
  /** The service app requires DPoP-bound tokens, which Appgov does not send. */
  DpopRequired: 'OKTA_DPOP_REQUIRED',
  /** The service app's private key is not a usable RSA/EC private key. */
  InvalidKey: 'OKTA_OAUTH_INVALID_KEY',
  /** The caller's credential cannot be sent in a header (control characters, spaces, non-ASCII). */
  InvalidCredentialFormat: 'OKTA_INVALID_CREDENTIAL_FORMAT',
  /** The request could not be built from the caller's input (undici refused an argument). */
  InvalidRequest: 'OKTA_INVALID_REQUEST',
} as const;

/** One of {@link OktaErrorCode}'s values. */
export type OktaErrorCodeValue = (typeof OktaErrorCode)[keyof typeof OktaErrorCode];

/** Where a failed call went; safe to log. */
export interface OktaCallContext {
  domain: string;
  bucket: OktaBucket;
  /** Path without the query string. */
  path: string;
}

/** Paths whose 404 (or redirect) means "this host is not an Okta org", not "no such object". */
const ORG_LEVEL_PATHS = new Set(['/api/v1/users/me', '/api/v1/org']);
/** Top-level collections every org has: a 404 listing one means the org is not there either. */
const COLLECTION_PATH = /^\/api\/v1\/(users|groups|apps|api-tokens|iam\/assignees\/users)$/;
/** How Okta names an unknown org in E0000007's summary ("Resource not found: x.okta.com (Org)"). */
const ORG_SUMMARY = /\(Org\)\s*$/;

function parseBody(text: string | undefined): OktaErrorBody | undefined {
  if (!text) return undefined;
  try {
    const v = JSON.parse(text) as unknown;
    return v && typeof v === 'object' ? (v as OktaErrorBody) : undefined;
  } catch {
    return undefined;
  }
}

function firstHeader(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v.join(', ') : v;
}

/** Turns a non-2xx Okta response into the AppError callers branch on. */
export function classifyResponse(
  status: number,
  headers: Record<string, string | string[] | undefined>,
  bodyText: string | undefined,
  ctx: OktaCallContext,
  rateLimit?: RateLimitInfo,
  waitMs?: number,
): AppError {
  const body = parseBody(bodyText);
  const details: Record<string, unknown> = {
    status,
    domain: ctx.domain,
    bucket: ctx.bucket,
    path: ctx.path,
    oktaErrorCode: body?.errorCode,
    oktaErrorSummary: body?.errorSummary,
    oktaErrorId: body?.errorId,
  };
  const where = `${ctx.path} on ${ctx.domain}`;
  if (status >= 300 && status < 400) {
    // Following a redirect could carry the token to another host (I3); a redirect on the
    // org-level check is what an unknown or renamed org looks like.
    if (ORG_LEVEL_PATHS.has(ctx.path)) {
      return new NotFoundError(OktaErrorCode.OrgNotFound, `${ctx.domain} does not answer as an Okta org`, {
        details,
      });
    }
    return new AppError(
      OktaErrorCode.RedirectRefused,
      `Okta redirected ${where}; redirects are not followed`,
      {
        retryable: false,
        details,
      },
    );
  }
  if (status === 401) {
    return new UnauthorizedError(
      OktaErrorCode.InvalidToken,
      `Okta rejected the credential for ${ctx.domain} (invalid, expired or revoked)`,
      { details },
    );
  }
  if (status === 403) {
    const wwwAuth = firstHeader(headers['www-authenticate']) ?? '';
    const insufficientScope = /error="?insufficient_scope"?/i.test(wwwAuth);
    return new ForbiddenError(
      OktaErrorCode.Forbidden,
      insufficientScope
        ? `The credential lacks the OAuth scope for ${where}`
        : `The credential may not read ${where}`,
      { details: { ...details, insufficientScope } },
    );
  }
  if (status === 404) {
    // A host that is not an Okta org answers 404 without Okta's error body.
    if (
      ORG_LEVEL_PATHS.has(ctx.path) ||
      COLLECTION_PATH.test(ctx.path) ||
      body?.errorCode === undefined ||
      ORG_SUMMARY.test(body.errorSummary ?? '')
    ) {
      return new NotFoundError(OktaErrorCode.OrgNotFound, `${ctx.domain} is not a known Okta org`, {
        details,
      });
    }
    return new NotFoundError(OktaErrorCode.NotFound, `Okta found nothing at ${where}`, { details });
  }
  if (status === 429) {
    return new RateLimitedError(OktaErrorCode.RateLimited, `Okta rate limit reached for ${where}`, {
      details: {
        ...details,
        limit: rateLimit?.limit,
        remaining: rateLimit?.remaining,
        reset: rateLimit?.resetEpochSeconds,
      },
      ...(waitMs === undefined ? {} : { retryAfterMs: waitMs }),
    });
  }
  if (status >= 500) {
    return new UpstreamUnavailableError(OktaErrorCode.Unavailable, `Okta answered ${status} for ${where}`, {
      details,
    });
  }
  if (status === 400) {
    return new InvalidInputError(OktaErrorCode.BadRequest, `Okta refused the request for ${where}`, {
      details,
    });
  }
  return new AppError(OktaErrorCode.UnexpectedResponse, `Okta answered ${status} for ${where}`, {
    retryable: false,
    details,
  });
}

const ORG_MISSING_DNS = new Set(['ENOTFOUND']);

/** Turns a transport failure (DNS, connect, reset, timeout) into an AppError. */
export function classifyNetworkError(error: unknown, ctx: OktaCallContext): AppError {
  if (error instanceof AppError) return error;
  const e = error as { code?: unknown; name?: unknown; message?: unknown; cause?: { code?: unknown } };
  const code =
    typeof e?.code === 'string' ? e.code : typeof e?.cause?.code === 'string' ? e.cause.code : undefined;
  const details = { domain: ctx.domain, bucket: ctx.bucket, path: ctx.path, networkCode: code };
  // The cause is reduced to name/code so nothing from the request (headers) can ride along.
  const cause = { name: typeof e?.name === 'string' ? e.name : 'Error', code };
  // undici refuses to build the request (a header value with CR/LF, say): our input, not Okta's
  // health, so it must not count against the breaker.
  if (code === 'UND_ERR_INVALID_ARG') {
    return new InvalidInputError(
      OktaErrorCode.InvalidRequest,
      `The request to ${ctx.domain} could not be built`,
      {
        details,
        cause,
      },
    );
  }
  if (code && ORG_MISSING_DNS.has(code)) {
    return new NotFoundError(OktaErrorCode.OrgNotFound, `${ctx.domain} does not resolve to a host`, {
      details,
      cause,
    });
  }
  return new UpstreamUnavailableError(
    OktaErrorCode.Unavailable,
    `Okta could not be reached for ${ctx.path} on ${ctx.domain}${code ? ` (${code})` : ''}`,
    { details, cause },
  );
}

/** The fail-fast error while an org's breaker is open. */
export function circuitOpenError(domain: string): AppError {
  return new UpstreamUnavailableError(
    OktaErrorCode.CircuitOpen,
    `Calls to ${domain} are paused after repeated failures (circuit open)`,
    { details: { domain } },
  );
}

/** True for failures that say Okta itself is unwell (5xx, network): the only ones a breaker counts. */
export function countsAgainstBreaker(error: unknown): boolean {
  return error instanceof AppError && error.code === OktaErrorCode.Unavailable;
}

/** Removes every occurrence of `secret` from `text` (a last line of defence for messages). */
export function scrubSecret(text: string, secret: string | undefined): string {
  if (!secret || secret.length < 4) return text;
  return text.split(secret).join('[REDACTED]');
}
