// One org's Okta client (I2): every call goes budget → in-flight slot → breaker → HTTP, and is
// retried with backoff (or until Reset after a 429) up to a bound. Paging follows only the URLs
// Okta hands back, and only on the org's own origin (I3).
import type { JsonWebKey } from 'node:crypto';
import { AppError, backoffDelayMs } from '@appgov/errors';
import { type Dispatcher, request } from 'undici';
import type { OrgBreaker } from './breaker.js';
import { classifyBucket } from './buckets.js';
import { invalidCredentialFormat, isHeaderSafeToken } from './credential-format.js';
import {
  circuitOpenError,
  classifyNetworkError,
  classifyResponse,
  type OktaCallContext,
  OktaErrorCode,
  scrubSecret,
} from './errors.js';
import { findLink, isSameOrigin } from './link-header.js';
import type { OktaLogger } from './logger.js';
import type { OktaMetrics } from './metrics.js';
import type { OAuthTokenProvider } from './oauth-token-provider.js';
import type {
  OktaApiToken,
  OktaApp,
  OktaAppUser,
  OktaGrant,
  OktaGroup,
  OktaOrgSetting,
  OktaRole,
  OktaRoleAssignedUser,
  OktaUser,
} from './okta-types.js';
import type { OrgPacer } from './pacer.js';
import { isConcurrencyLimit, parseRateLimit, waitAfter429Ms } from './rate-limit.js';
import { DEFAULT_MAX_RESPONSE_BYTES, readBoundedText } from './response-limits.js';
import { abortError, type RetryOptions, retryBackoff, waitOrCancel } from './retry.js';

/** An OAuth 2.0 service app authenticating with private_key_jwt (the client mints its own access tokens). */
export interface OAuthServiceAppCredential {
  type: 'oauth';
  clientId: string;
  /** PEM (PKCS#8, PKCS#1, SEC1) or a private JWK of an RSA (≥ 2048 bits) or P-256/384/521 key. */
  privateKey: string | JsonWebKey;
  /** The `kid` of the public key registered with the app (default: the private JWK's `kid`, if any). */
  keyId?: string | undefined;
  /** okta.* scopes to request (default {@link OKTA_READ_SCOPES}); each must be granted to the app. */
  scopes?: readonly string[] | undefined;
}

/** An org credential: an API token (`SSWS`), an OAuth service app, or a ready OAuth access token (`Bearer`). */
export type OktaCredential =
  | { type: 'ssws'; token: string }
  | OAuthServiceAppCredential
  | { type: 'bearer'; accessToken: string | (() => Promise<string>) };

/** One page of a listing; `next` is the URL to resume from (absent on the last page). */
export interface OktaPage<T> {
  items: T[];
  /** The URL this page was read from. */
  url: string;
  /** Okta's next-page URL; save it as a checkpoint and resume with `pagesFrom`. */
  next: string | undefined;
}

/** Options of a call. */
export interface CallOptions {
  /** Cancels waits and the request in flight (rejects with OKTA_CALL_CANCELLED). */
  signal?: AbortSignal;
}

/** Options of a listing. */
export interface ListOptions extends CallOptions {
  /** Page size; defaults to the endpoint's largest. */
  limit?: number;
  /** Extra query parameters (e.g. `filter`, `search`). */
  query?: Record<string, string | number | boolean | undefined>;
  /** Resume from a saved `next` URL instead of the first page (query and limit are then ignored). */
  from?: string;
}

/** Default page sizes per endpoint: the largest each accepts (I4; ../shared/okta/README.md). */
export interface PageSizes {
  users: number;
  assignees: number;
  groups: number;
  groupMembers: number;
  groupApps: number;
  apps: number;
  appUsers: number;
  apiTokens: number;
  logs: number;
}

/** Defaults for {@link PageSizes}; groups ask for the spec maximum and let Okta clamp. */
export const DEFAULT_PAGE_SIZES: PageSizes = {
  users: 200,
  assignees: 100,
  groups: 10_000,
  groupMembers: 1000,
  groupApps: 20,
  apps: 200,
  appUsers: 500,
  apiTokens: 200,
  logs: 1000,
};

/** What a credential is, as connection-service records it (C2). */
export interface TokenIdentity {
  /** The token owner's user id (API tokens; absent for OAuth service apps). */
  userId: string | undefined;
  /** The token owner's login (API tokens; absent for OAuth service apps). */
  login: string | undefined;
  /** Role types of the owner; absent when the credential may not read roles (403). */
  adminRoles?: string[];
  /** OAuth service apps: the scopes Okta granted with the access token. */
  scopes?: string[];
}

/** Timeouts of one HTTP attempt. */
export interface HttpTimeouts {
  headersTimeoutMs: number;
  bodyTimeoutMs: number;
  /** Largest response body read (default {@link DEFAULT_MAX_RESPONSE_BYTES}). */
  maxResponseBytes?: number;
}

/** Everything an org client shares with the other clients of the same org. */
export interface OktaClientDeps {
  domain: string;
  baseUrl: URL;
  credential: OktaCredential;
  /** Mints and caches access tokens for an `oauth` credential. */
  tokenProvider?: OAuthTokenProvider | undefined;
  dispatcher: Dispatcher;
  pacer: OrgPacer;
  breaker: OrgBreaker;
  retry: RetryOptions;
  pageSizes: PageSizes;
  timeouts: HttpTimeouts;
  metrics: OktaMetrics;
  logger: OktaLogger | undefined;
}

interface RawResponse {
  body: unknown;
  headers: Record<string, string | string[] | undefined>;
}

const USER_AGENT = 'appgov-okta-client/0.1';

/** A client of one Okta org with one credential. */
export class OktaClient {
  readonly #d: OktaClientDeps;
  #lastSecret: string | undefined;

  constructor(deps: OktaClientDeps) {
    this.#d = deps;
  }

  /** The org's domain. */
  get domain(): string {
    return this.#d.domain;
  }

  /** The org's API origin. */
  get baseUrl(): string {
    return this.#d.baseUrl.origin;
  }

  /** GET one resource (path relative to the org, e.g. `/api/v1/org`), with retries and pacing. */
  async get<T>(path: string, query?: ListOptions['query'], options: CallOptions = {}): Promise<T> {
    const res = await this.#call(this.#url(path, query), options.signal);
    return res.body as T;
  }

  /** Pages of a listing, starting at `path`. */
  pages<T>(
    path: string,
    query?: ListOptions['query'],
    options: CallOptions = {},
  ): AsyncIterable<OktaPage<T>> {
    return this.#iterate<T>(this.#url(path, query), options.signal);
  }

  /** Pages of a listing resumed from a saved `next` URL (it must be on this org's origin). */
  pagesFrom<T>(nextUrl: string, options: CallOptions = {}): AsyncIterable<OktaPage<T>> {
    return this.#iterate<T>(this.#checkedNext(nextUrl), options.signal);
  }

  /** GET /api/v1/users (Okta omits DEPROVISIONED users unless a filter is given). */
  listUsers(options: ListOptions = {}): AsyncIterable<OktaPage<OktaUser>> {
    return this.#list('/api/v1/users', this.#d.pageSizes.users, options);
  }

  /** GET /api/v1/iam/assignees/users: every user holding an admin role (paged through the body). */
  listAdminAssignees(options: ListOptions = {}): AsyncIterable<OktaPage<OktaRoleAssignedUser>> {
    return this.#list('/api/v1/iam/assignees/users', this.#d.pageSizes.assignees, options);
  }

  /** GET /api/v1/users/{userId}/roles (not paged). */
  listUserRoles(userId: string, options: CallOptions = {}): Promise<OktaRole[]> {
    return this.#all(`/api/v1/users/${encodeURIComponent(userId)}/roles`, options);
  }

  /** GET /api/v1/groups. */
  listGroups(options: ListOptions = {}): AsyncIterable<OktaPage<OktaGroup>> {
    return this.#list('/api/v1/groups', this.#d.pageSizes.groups, options);
  }

  /** GET /api/v1/groups/{groupId}/users. */
  listGroupMembers(groupId: string, options: ListOptions = {}): AsyncIterable<OktaPage<OktaUser>> {
    return this.#list(
      `/api/v1/groups/${encodeURIComponent(groupId)}/users`,
      this.#d.pageSizes.groupMembers,
      options,
    );
  }

  /** GET /api/v1/groups/{groupId}/apps. */
  listGroupApps(groupId: string, options: ListOptions = {}): AsyncIterable<OktaPage<OktaApp>> {
    return this.#list(
      `/api/v1/groups/${encodeURIComponent(groupId)}/apps`,
      this.#d.pageSizes.groupApps,
      options,
    );
  }

  /** GET /api/v1/apps. */
  listApps(options: ListOptions = {}): AsyncIterable<OktaPage<OktaApp>> {
    return this.#list('/api/v1/apps', this.#d.pageSizes.apps, options);
  }

  /** GET /api/v1/apps/{appId}/users. */
  listAppUsers(appId: string, options: ListOptions = {}): AsyncIterable<OktaPage<OktaAppUser>> {
    return this.#list(`/api/v1/apps/${encodeURIComponent(appId)}/users`, this.#d.pageSizes.appUsers, options);
  }

  /** GET /api/v1/apps/{appId}/grants (not paged; a Link next is still followed if sent). */
  listAppGrants(appId: string, options: CallOptions = {}): Promise<OktaGrant[]> {
    return this.#all(`/api/v1/apps/${encodeURIComponent(appId)}/grants`, options);
  }

  /** GET /api/v1/api-tokens. */
  listApiTokens(options: ListOptions = {}): AsyncIterable<OktaPage<OktaApiToken>> {
    return this.#list('/api/v1/api-tokens', this.#d.pageSizes.apiTokens, options);
  }

  /** GET /api/v1/users/me: the API token's owner. */
  getMe(options: CallOptions = {}): Promise<OktaUser> {
    return this.get<OktaUser>('/api/v1/users/me', undefined, options);
  }

  /** GET /api/v1/org. */
  getOrg(options: CallOptions = {}): Promise<OktaOrgSetting> {
    return this.get<OktaOrgSetting>('/api/v1/org', undefined, options);
  }

  /**
   * Checks the credential cheaply (C2): the owner via /users/me (API tokens) or /org (OAuth),
   * then the owner's roles when the credential may read them. Errors keep their codes:
   * OKTA_INVALID_TOKEN, OKTA_ORG_NOT_FOUND, OKTA_UNAVAILABLE, OKTA_CIRCUIT_OPEN, OKTA_FORBIDDEN.
   */
  async validateToken(options: CallOptions = {}): Promise<TokenIdentity> {
    if (this.#d.credential.type === 'bearer') {
      await this.getOrg(options);
      return { userId: undefined, login: undefined };
    }
    if (this.#d.credential.type === 'oauth') {
      // Obtains the access token on the way; /org needs okta.orgs.read.
      await this.getOrg(options);
      const scopes = this.#d.tokenProvider?.grantedScopes;
      return { userId: undefined, login: undefined, ...(scopes ? { scopes } : {}) };
    }
    const me = await this.getMe(options);
    const identity: TokenIdentity = { userId: me.id, login: me.profile?.login };
    try {
      const roles = await this.listUserRoles(me.id, options);
      identity.adminRoles = [...new Set(roles.map((r) => r.type))];
    } catch (error) {
      if (!(error instanceof AppError && error.code === OktaErrorCode.Forbidden)) throw error;
    }
    return identity;
  }

  #list<T>(path: string, defaultLimit: number, options: ListOptions): AsyncIterable<OktaPage<T>> {
    if (options.from) return this.pagesFrom<T>(options.from, options);
    return this.pages<T>(path, { limit: options.limit ?? defaultLimit, ...options.query }, options);
  }

  async #all<T>(path: string, options: CallOptions): Promise<T[]> {
    const out: T[] = [];
    for await (const page of this.pages<T>(path, undefined, options)) out.push(...page.items);
    return out;
  }

  async *#iterate<T>(first: URL, signal: AbortSignal | undefined): AsyncGenerator<OktaPage<T>> {
    let url: URL | undefined = first;
    while (url) {
      const res = await this.#call(url, signal);
      const page: { items: T[]; next: string | undefined } = this.#pageOf<T>(res, url);
      const items = page.items;
      const checked: URL | undefined = page.next === undefined ? undefined : this.#checkedNext(page.next);
      yield { items, url: url.toString(), next: checked?.toString() };
      url = checked;
    }
  }

  // Okta pages lists through the Link header; /iam/assignees/users returns {value, _links.next}.
  #pageOf<T>(res: RawResponse, url: URL): { items: T[]; next: string | undefined } {
    const linkNext = findLink(res.headers.link, 'next', url);
    if (Array.isArray(res.body)) return { items: res.body as T[], next: linkNext };
    const body = res.body as { value?: unknown; _links?: { next?: { href?: unknown } } } | null;
    if (body && Array.isArray(body.value)) {
      const href = body._links?.next?.href;
      const next = typeof href === 'string' && href ? new URL(href, url).toString() : linkNext;
      return { items: body.value as T[], next };
    }
    throw new AppError(
      OktaErrorCode.UnexpectedResponse,
      `Okta sent no list for ${url.pathname} on ${this.domain}`,
      {
        retryable: false,
        details: { domain: this.domain, path: url.pathname },
      },
    );
  }

  #url(path: string, query?: ListOptions['query']): URL {
    if (!path.startsWith('/')) {
      throw new AppError(
        OktaErrorCode.CrossOriginLink,
        'Okta paths must be relative to the org (start with /)',
        {
          retryable: false,
        },
      );
    }
    const url = new URL(path, this.#d.baseUrl);
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    return url;
  }

  // A next link on another origin would carry the token elsewhere (I3): refuse, never skip, so a
  // listing is never silently truncated.
  #checkedNext(next: string): URL {
    if (!isSameOrigin(next, this.#d.baseUrl)) {
      let host = 'an unparseable URL';
      try {
        host = new URL(next).host;
      } catch {}
      throw new AppError(
        OktaErrorCode.CrossOriginLink,
        `Refused a next link to ${host}: not ${this.#d.baseUrl.host}`,
        {
          retryable: false,
          details: { domain: this.domain, nextHost: host },
        },
      );
    }
    return new URL(next);
  }

  async #call(url: URL, signal: AbortSignal | undefined): Promise<RawResponse> {
    const bucket = classifyBucket(url.pathname);
    const ctx: OktaCallContext = { domain: this.domain, bucket, path: url.pathname };
    const { retry, pacer, breaker, logger, tokenProvider } = this.#d;
    let refreshed = false;
    for (let attempt = 1; ; attempt++) {
      if (signal?.aborted) throw abortError(signal);
      let wait: number;
      let sentToken: string | undefined;
      try {
        // Fail fast without spending budget while the org's breaker is open.
        if (breaker.rejecting) throw circuitOpenError(this.domain);
        // Before the pacer: a token request is not a call of the API's buckets, and one that fails
        // would leave the bucket's probe unanswered. Its 5xx/network failures count in the breaker.
        const authorization = await this.#authorization(signal);
        if (authorization.startsWith('Bearer ')) sentToken = authorization.slice('Bearer '.length);
        const release = await pacer.acquire(bucket, signal);
        try {
          return await breaker.run(() => this.#attempt(url, ctx, attempt, signal, authorization));
        } finally {
          release();
        }
      } catch (error) {
        const err = this.#scrub(error);
        // An access token can die before its expiry (revoked, app changed): fetch a new one, once.
        if (
          tokenProvider &&
          !refreshed &&
          err instanceof AppError &&
          err.code === OktaErrorCode.InvalidToken
        ) {
          refreshed = true;
          if (sentToken) tokenProvider.invalidate(sentToken);
          logger?.debug(
            { domain: this.domain, path: ctx.path },
            'okta access token refused; fetching a new one',
          );
          attempt--;
          continue;
        }
        if (!(err instanceof AppError) || !err.retryable || err.code === OktaErrorCode.CircuitOpen) throw err;
        if (attempt >= retry.maxAttempts) throw err;
        const retryAfter = (err as { retryAfterMs?: number }).retryAfterMs;
        wait = retryAfter ?? backoffDelayMs(attempt, retryBackoff(retry));
        if (wait > retry.maxRateLimitWaitMs) throw err;
        logger?.debug(
          { domain: this.domain, bucket, path: ctx.path, code: err.code, attempt, waitMs: wait },
          'okta retry',
        );
      }
      await waitOrCancel(wait, signal);
    }
  }

  async #attempt(
    url: URL,
    ctx: OktaCallContext,
    attempt: number,
    signal: AbortSignal | undefined,
    authorization: string,
  ): Promise<RawResponse> {
    const { metrics, pacer, retry } = this.#d;
    const started = performance.now();
    let statusCode: number;
    let headers: Record<string, string | string[] | undefined>;
    let text: string;
    try {
      const res = await request(url, {
        method: 'GET',
        dispatcher: this.#d.dispatcher,
        headers: {
          authorization,
          accept: 'application/json',
          'user-agent': USER_AGENT,
          ...(attempt > 1 ? { 'x-okta-retry-count': String(attempt - 1) } : {}),
        },
        headersTimeout: this.#d.timeouts.headersTimeoutMs,
        bodyTimeout: this.#d.timeouts.bodyTimeoutMs,
        ...(signal ? { signal } : {}),
      });
      statusCode = res.statusCode;
      headers = res.headers;
      text = await readBoundedText(
        res.body,
        this.#d.timeouts.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
        ctx,
      );
    } catch (error) {
      await pacer.observe(ctx.bucket, 0, 0, 0, 0);
      if (signal?.aborted) throw abortError(signal);
      metrics.calls.inc({ bucket: ctx.bucket, status: 'network' });
      metrics.duration.observe({ bucket: ctx.bucket }, (performance.now() - started) / 1000);
      throw classifyNetworkError(error, ctx);
    }
    metrics.calls.inc({ bucket: ctx.bucket, status: String(statusCode) });
    metrics.duration.observe({ bucket: ctx.bucket }, (performance.now() - started) / 1000);
    const rl = parseRateLimit(headers);
    if (rl && rl.limit > 0) metrics.remainingRatio.set({ bucket: ctx.bucket }, rl.remaining / rl.limit);
    await pacer.observe(
      ctx.bucket,
      rl?.limit ?? 0,
      rl?.remaining ?? 0,
      rl?.resetInMs ?? 0,
      rl?.resetEpochSeconds ?? 0,
    );
    if (statusCode >= 200 && statusCode < 300) {
      try {
        return { body: text === '' ? null : JSON.parse(text), headers };
      } catch {
        throw new AppError(
          OktaErrorCode.UnexpectedResponse,
          `Okta sent non-JSON for ${ctx.path} on ${ctx.domain}`,
          {
            retryable: false,
            details: { ...ctx, status: statusCode },
          },
        );
      }
    }
    if (statusCode === 429) {
      metrics.rateLimited.inc({ bucket: ctx.bucket });
      const concurrency = isConcurrencyLimit(rl);
      const wait = waitAfter429Ms(
        rl,
        retry.resetMarginMs,
        backoffDelayMs(attempt, retryBackoff(retry, retry.concurrencyBackoffMs)) + 50,
      );
      // A bucket 429 closes the bucket for every caller (all replicas) until Reset.
      if (!concurrency && rl) await pacer.block(ctx.bucket, wait);
      throw classifyResponse(statusCode, headers, text, ctx, rl, wait);
    }
    throw classifyResponse(statusCode, headers, text, ctx, rl);
  }

  async #authorization(signal: AbortSignal | undefined): Promise<string> {
    const c = this.#d.credential;
    if (c.type === 'ssws') {
      if (!isHeaderSafeToken(c.token)) throw invalidCredentialFormat(this.domain);
      this.#lastSecret = c.token;
      return `SSWS ${c.token}`;
    }
    if (c.type === 'oauth') {
      const provider = this.#d.tokenProvider;
      if (!provider)
        throw new AppError('OKTA_CLIENT_MISCONFIGURED', 'An OAuth credential needs a token provider');
      const token = await provider.accessToken(signal, (fetch) => this.#d.breaker.run(fetch));
      this.#lastSecret = token;
      return `Bearer ${token}`;
    }
    const token = typeof c.accessToken === 'string' ? c.accessToken : await c.accessToken();
    this.#lastSecret = token;
    return `Bearer ${token}`;
  }

  // Belt and braces: no error leaving the client may contain the credential, whatever Okta echoed.
  #scrub(error: unknown): unknown {
    const secret = this.#lastSecret;
    if (!secret || !(error instanceof Error)) return error;
    if (error.message.includes(secret)) error.message = scrubSecret(error.message, secret);
    if (error.stack?.includes(secret)) error.stack = scrubSecret(error.stack, secret);
    if (error instanceof AppError && error.details) {
      for (const [k, v] of Object.entries(error.details)) {
        if (typeof v === 'string' && v.includes(secret))
          (error.details as Record<string, unknown>)[k] = scrubSecret(v, secret);
      }
    }
    return error;
  }
}
