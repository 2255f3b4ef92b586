import { UnauthorizedError, UpstreamUnavailableError } from '@appgov/errors';
import type { Clock } from '@appgov/service';
import * as oidc from 'openid-client';
import type { Config } from '../config.js';
import type { LoginState, SessionUser } from './session-store.js';

/** The tokens and user a finished login yields. */
export interface LoginResult {
  user: SessionUser;
  accessToken: string;
  /** Epoch ms. */
  expiresAt: number;
  idToken: string | null;
  /** Present when the provider issues one (Okta: the offline_access scope). */
  refreshToken: string | null;
}

/** A refreshed access token (and the rotated refresh token, when the provider rotates it). */
export interface RefreshResult {
  accessToken: string;
  /** Epoch ms. */
  expiresAt: number;
  refreshToken: string;
}

const claimText = (value: unknown) => (typeof value === 'string' && value !== '' ? value : null);
const claimList = (value: unknown): string[] =>
  Array.isArray(value)
    ? value.filter((v): v is string => typeof v === 'string')
    : typeof value === 'string'
      ? value.split(/[\s,]+/).filter(Boolean)
      : [];

/**
 * The relying party: authorization code flow with PKCE through `openid-client` (panva's certified
 * client). Discovery runs on first use and is cached; a failed discovery is retried next time.
 */
export class OidcLogin {
  private configuration: Promise<oidc.Configuration> | null = null;
  readonly redirectUri: string;

  constructor(
    private readonly config: Readonly<Config>,
    private readonly clock: Clock,
  ) {
    this.redirectUri = new URL('/auth/callback', config.PUBLIC_URL).href;
  }

  /** The provider's metadata (discovery), cached. */
  discover(): Promise<oidc.Configuration> {
    this.configuration ??= oidc
      .discovery(
        new URL(this.config.OIDC_ISSUER_URL),
        this.config.OIDC_CLIENT_ID,
        undefined,
        oidc.ClientSecretBasic(this.config.OIDC_CLIENT_SECRET),
        {
          timeout: 10,
          ...(this.config.OIDC_ALLOW_HTTP ? { execute: [oidc.allowInsecureRequests] } : {}),
        },
      )
      .catch((err: unknown) => {
        this.configuration = null;
        throw new UpstreamUnavailableError(
          'CONSOLE_IDP_UNAVAILABLE',
          'The identity provider does not answer.',
          {
            cause: err,
          },
        );
      });
    return this.configuration;
  }

  /** Starts a login: the provider URL to redirect to, and what the callback must check. */
  async begin(returnTo: string): Promise<{ url: URL; state: string; login: LoginState }> {
    const configuration = await this.discover();
    const codeVerifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const url = oidc.buildAuthorizationUrl(configuration, {
      redirect_uri: this.redirectUri,
      scope: this.config.OIDC_SCOPES,
      code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state,
      nonce,
      ...(this.config.OIDC_RESOURCE ? { resource: this.config.OIDC_RESOURCE } : {}),
    });
    return { url, state, login: { codeVerifier, nonce, returnTo } };
  }

  /** Finishes a login from the callback URL: code exchange, ID token checks, the user's claims. */
  async finish(callbackUrl: URL, state: string, login: LoginState): Promise<LoginResult> {
    const configuration = await this.discover();
    let tokens: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>;
    try {
      tokens = await oidc.authorizationCodeGrant(
        configuration,
        callbackUrl,
        {
          pkceCodeVerifier: login.codeVerifier,
          expectedState: state,
          expectedNonce: login.nonce,
          idTokenExpected: true,
        },
        this.config.OIDC_RESOURCE ? { resource: this.config.OIDC_RESOURCE } : {},
      );
    } catch (err) {
      throw new UnauthorizedError('CONSOLE_LOGIN_FAILED', 'The sign-in could not be completed.', {
        cause: err,
      });
    }
    const claims = tokens.claims();
    if (!claims) throw new UnauthorizedError('CONSOLE_LOGIN_FAILED', 'The provider sent no ID token.');
    const tenant = claimText(claims[this.config.OIDC_TENANT_CLAIM]);
    if (!tenant) {
      throw new UnauthorizedError('CONSOLE_NO_TENANT', 'Your account is not assigned to a tenant of Appgov.');
    }
    const expiresIn = tokens.expiresIn() ?? 300;
    return {
      user: {
        sub: claims.sub,
        email: claimText(claims.email),
        name: claimText(claims.name),
        tenant,
        roles: claimList(claims[this.config.OIDC_ROLES_CLAIM]),
      },
      accessToken: tokens.access_token,
      expiresAt: this.clock.now().getTime() + expiresIn * 1000,
      idToken: tokens.id_token ?? null,
      refreshToken: tokens.refresh_token ?? null,
    };
  }

  /** The refresh token grant: a new access token for the same audience, before the current expires. */
  async refresh(refreshToken: string): Promise<RefreshResult> {
    const configuration = await this.discover();
    const tokens = await oidc.refreshTokenGrant(
      configuration,
      refreshToken,
      this.config.OIDC_RESOURCE ? { resource: this.config.OIDC_RESOURCE } : {},
    );
    return {
      accessToken: tokens.access_token,
      expiresAt: this.clock.now().getTime() + (tokens.expiresIn() ?? 300) * 1000,
      refreshToken: tokens.refresh_token ?? refreshToken,
    };
  }

  /** The provider's end-session URL (RP-initiated logout), or null when it has none. */
  async logoutUrl(idToken: string | null): Promise<string | null> {
    const configuration = await this.discover().catch(() => null);
    if (!configuration?.serverMetadata().end_session_endpoint) return null;
    return oidc.buildEndSessionUrl(configuration, {
      post_logout_redirect_uri: new URL('/', this.config.PUBLIC_URL).href,
      client_id: this.config.OIDC_CLIENT_ID,
      ...(idToken ? { id_token_hint: idToken } : {}),
    }).href;
  }
}
