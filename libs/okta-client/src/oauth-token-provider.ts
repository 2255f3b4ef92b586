// Access tokens of an OAuth 2.0 service app ("OAuth for Okta"): client_credentials at the org
// authorization server (https://{domain}/oauth2/v1/token) with a private_key_jwt client assertion
// (developer.okta.com/docs/guides/implement-oauth-for-okta-serviceapp). The token is cached until
// shortly before it expires and fetched once for all concurrent callers. Neither the key, the
// assertion nor the token ever enters a log line or an error.
import { randomUUID } from 'node:crypto';
import {
  AppError,
  ForbiddenError,
  InvalidInputError,
  NotFoundError,
  RateLimitedError,
  UnauthorizedError,
  UpstreamUnavailableError,
} from '@appgov/errors';
import { SignJWT } from 'jose';
import { type Dispatcher, request } from 'undici';
import { classifyNetworkError, OktaErrorCode } from './errors.js';
import type { OktaLogger } from './logger.js';
import type { OktaMetrics } from './metrics.js';
import type { ServiceAppKey } from './oauth-key.js';
import { parseRateLimit, waitAfter429Ms } from './rate-limit.js';
import { abortError } from './retry.js';

/** Path of the org authorization server's token endpoint: the only one that mints okta.* scopes. */
export const OKTA_TOKEN_PATH = '/oauth2/v1/token';

/**
 * The okta.*.read scopes that cover every endpoint Appgov reads (../shared/okta/README.md, "Scope
 * (OAuth)"), plus okta.orgs.read for the validation call (GET /api/v1/org).
 */
export const OKTA_READ_SCOPES: readonly string[] = [
  'okta.users.read',
  'okta.groups.read',
  'okta.apps.read',
  'okta.appGrants.read',
  'okta.roles.read',
  'okta.apiTokens.read',
  'okta.orgs.read',
];

/** The scope each dataset's endpoints need; a token without it gets 403 there and the dataset is skipped. */
export const OKTA_SCOPE_BY_DATASET: Readonly<Record<string, string>> = {
  users: 'okta.users.read',
  'user-roles': 'okta.roles.read',
  groups: 'okta.groups.read',
  'group-members': 'okta.groups.read',
  'group-apps': 'okta.groups.read',
  apps: 'okta.apps.read',
  'app-users': 'okta.apps.read',
  'app-grants': 'okta.appGrants.read',
  'api-tokens': 'okta.apiTokens.read',
};

const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const USER_AGENT = 'appgov-okta-client/0.1';

/** What {@link OAuthTokenProvider} needs. */
export interface OAuthTokenProviderOptions {
  domain: string;
  /** The org's API origin; the token URL (and the assertion's `aud`) is built from it. */
  baseUrl: URL;
  clientId: string;
  key: ServiceAppKey;
  scopes: readonly string[];
  dispatcher: Dispatcher;
  timeouts: { headersTimeoutMs: number; bodyTimeoutMs: number };
  metrics?: OktaMetrics | undefined;
  logger?: OktaLogger | undefined;
  /** Clock in epoch ms (tests). */
  now?: () => number;
  /** Lifetime of each client assertion (default 300 s; Okta allows at most 3600 s). */
  assertionLifetimeSeconds?: number;
}

interface CachedToken {
  value: string;
  expiresAt: number;
  refreshAt: number;
  scopes: string[];
}

/** Longest head start before expiry at which a cached token is replaced (and 20% of its lifetime at most). */
const MAX_REFRESH_MARGIN_MS = 5 * 60_000;

/** The access token of one service app on one org. */
export class OAuthTokenProvider {
  readonly #o: OAuthTokenProviderOptions;
  readonly #tokenUrl: URL;
  readonly #now: () => number;
  #cached: CachedToken | undefined;
  #pending: Promise<CachedToken> | undefined;

  constructor(options: OAuthTokenProviderOptions) {
    this.#o = options;
    this.#tokenUrl = new URL(OKTA_TOKEN_PATH, options.baseUrl);
    this.#now = options.now ?? Date.now;
  }

  /** The client id (not a secret). */
  get clientId(): string {
    return this.#o.clientId;
  }

  /** Scopes Okta granted with the current token (undefined before the first one). */
  get grantedScopes(): string[] | undefined {
    return this.#cached ? [...this.#cached.scopes] : undefined;
  }

  /**
   * A valid access token: the cached one, or a new one when it is missing or close to expiry.
   * `guard` wraps the token request (not the waits of callers that share it).
   */
  async accessToken(
    signal?: AbortSignal,
    guard: <T>(fetch: () => Promise<T>) => Promise<T> = (fetch) => fetch(),
  ): Promise<string> {
    const cached = this.#cached;
    if (cached && this.#now() < cached.refreshAt) return cached.value;
    // `guard` (the org's breaker) wraps the one request, so it counts once however many callers wait.
    this.#pending ??= guard(() => this.#fetch()).finally(() => {
      this.#pending = undefined;
    });
    // Callers share one request; one caller giving up must not cancel it for the others.
    return (await abortable(this.#pending, signal)).value;
  }

  /** Drops `token` (the one the API just refused with 401) so the next call fetches another; later tokens stay. */
  invalidate(token: string): void {
    if (this.#cached?.value === token) this.#cached = undefined;
  }

  /** Builds and signs the client assertion (RFC 7523 section 3): iss = sub = client id, aud = the token URL. */
  #assertion(): Promise<string> {
    const { key, clientId } = this.#o;
    const iat = Math.floor(this.#now() / 1000);
    return new SignJWT()
      .setProtectedHeader({ alg: key.algorithm, typ: 'JWT', ...(key.keyId ? { kid: key.keyId } : {}) })
      .setIssuer(clientId)
      .setSubject(clientId)
      .setAudience(this.#tokenUrl.href)
      .setIssuedAt(iat)
      .setExpirationTime(iat + (this.#o.assertionLifetimeSeconds ?? 300))
      .setJti(randomUUID())
      .sign(key.privateKey);
  }

  async #fetch(): Promise<CachedToken> {
    const { domain, metrics, logger } = this.#o;
    const ctx = { domain, path: OKTA_TOKEN_PATH };
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      scope: this.#o.scopes.join(' '),
      client_assertion_type: JWT_BEARER,
      client_assertion: await this.#assertion(),
    });
    const requestedAt = this.#now();
    const started = performance.now();
    let status: number;
    let headers: Record<string, string | string[] | undefined>;
    let text: string;
    try {
      const res = await request(this.#tokenUrl, {
        method: 'POST',
        dispatcher: this.#o.dispatcher,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
          'user-agent': USER_AGENT,
        },
        body: form.toString(),
        headersTimeout: this.#o.timeouts.headersTimeoutMs,
        bodyTimeout: this.#o.timeouts.bodyTimeoutMs,
      });
      status = res.statusCode;
      headers = res.headers;
      text = await res.body.text();
    } catch (error) {
      metrics?.calls.inc({ bucket: 'oauth_token', status: 'network' });
      // classifyNetworkError keeps only name/code of the cause: the request (and its assertion) stays behind.
      throw classifyNetworkError(error, { ...ctx, bucket: 'other' });
    } finally {
      metrics?.duration.observe({ bucket: 'oauth_token' }, (performance.now() - started) / 1000);
    }
    metrics?.calls.inc({ bucket: 'oauth_token', status: String(status) });
    if (status !== 200) throw classifyTokenResponse(status, headers, text, ctx);

    let body: { token_type?: unknown; access_token?: unknown; expires_in?: unknown; scope?: unknown };
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      body = {};
    }
    const value = body.access_token;
    const expiresIn = Number(body.expires_in);
    if (
      typeof value !== 'string' ||
      value === '' ||
      String(body.token_type).toLowerCase() !== 'bearer' ||
      !(expiresIn > 0)
    ) {
      // A DPoP-bound token (token_type DPoP) would need a proof on every call, which Appgov does not send.
      throw new AppError(
        OktaErrorCode.UnexpectedResponse,
        `Okta's token endpoint on ${domain} answered without a Bearer access token`,
        { retryable: false, details: { ...ctx, status, tokenType: String(body.token_type ?? '') } },
      );
    }
    const lifetimeMs = expiresIn * 1000;
    const expiresAt = requestedAt + lifetimeMs;
    const scopes =
      typeof body.scope === 'string' ? body.scope.split(' ').filter(Boolean) : [...this.#o.scopes];
    const token: CachedToken = {
      value,
      expiresAt,
      refreshAt: expiresAt - Math.min(MAX_REFRESH_MARGIN_MS, lifetimeMs * 0.2),
      scopes,
    };
    this.#cached = token;
    logger?.debug(
      { domain, clientId: this.#o.clientId, expiresInSeconds: expiresIn, scopes },
      'okta access token obtained',
    );
    return token;
  }
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(abortError(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortError(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

/**
 * Turns a refusal of the token endpoint into an AppError. Invalid credentials (invalid_client and
 * any 401) are final, as are scope and DPoP refusals; 5xx, network and 429 are retryable.
 */
export function classifyTokenResponse(
  status: number,
  headers: Record<string, string | string[] | undefined>,
  bodyText: string,
  ctx: { domain: string; path: string },
): AppError {
  let body: { error?: unknown; error_description?: unknown } = {};
  try {
    const parsed = JSON.parse(bodyText) as unknown;
    if (parsed && typeof parsed === 'object') body = parsed as typeof body;
  } catch {}
  const oauthError = typeof body.error === 'string' ? body.error : undefined;
  const description =
    typeof body.error_description === 'string' ? body.error_description.slice(0, 300) : undefined;
  const details = { ...ctx, status, oauthError, oauthErrorDescription: description };
  const on = ctx.domain;
  if (status === 429) {
    const rl = parseRateLimit(headers);
    return new RateLimitedError(
      OktaErrorCode.RateLimited,
      `Okta rate limit reached for the token endpoint of ${on}`,
      {
        details,
        retryAfterMs: waitAfter429Ms(rl, 500, 1000),
      },
    );
  }
  if (status >= 500) {
    return new UpstreamUnavailableError(
      OktaErrorCode.Unavailable,
      `Okta's token endpoint answered ${status} on ${on}`,
      {
        details,
      },
    );
  }
  if ((status >= 300 && status < 400) || (status === 404 && oauthError === undefined)) {
    return new NotFoundError(
      OktaErrorCode.OrgNotFound,
      `${on} has no Okta token endpoint (not a known Okta org)`,
      {
        details,
      },
    );
  }
  if (oauthError === 'invalid_scope') {
    return new ForbiddenError(
      OktaErrorCode.InvalidScope,
      `The service app was not granted every requested scope on ${on} (grant them on the app's Okta API Scopes tab)`,
      { details },
    );
  }
  if (oauthError === 'invalid_dpop_proof' || oauthError === 'use_dpop_nonce') {
    return new AppError(
      OktaErrorCode.DpopRequired,
      `The service app on ${on} requires DPoP; turn off "Require Demonstrating Proof of Possession (DPoP) header in token requests"`,
      { retryable: false, details },
    );
  }
  if (
    status === 401 ||
    oauthError === 'invalid_client' ||
    oauthError === 'unauthorized_client' ||
    oauthError === 'invalid_grant'
  ) {
    return new UnauthorizedError(
      OktaErrorCode.InvalidClient,
      `Okta refused the service app's credentials on ${on} (unknown client id, key not registered, or assertion refused)`,
      { details },
    );
  }
  return new InvalidInputError(
    OktaErrorCode.BadRequest,
    `Okta's token endpoint refused the request on ${on}`,
    {
      details,
    },
  );
}
