import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import Provider, { type Configuration, errors, type KoaContextWithOIDC } from 'oidc-provider';
import { DEMO_USERS, type DemoUser } from './demo-users.js';
import { errorPage, loggedOutPage, loginPage, logoutPage } from './login-page.js';

/** A relying party registered at the provider (the console). */
export interface OidcClient {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
  postLogoutRedirectUris?: string[];
}

/** Options of {@link startOidcProvider}. */
export interface OidcProviderOptions {
  port?: number;
  host?: string;
  /** The API audience: a resource indicator, so an absolute URI (RFC 8707); the services' JWT_AUDIENCE. */
  audience: string;
  clients: OidcClient[];
  users?: readonly DemoUser[];
  /** Access token lifetime in seconds (default 1 h). */
  accessTokenTtlSeconds?: number;
  /** The RS256 private signing key (JWK); default: a new one per start. */
  signingKey?: JWK;
}

/** A running provider. */
export interface StartedOidcProvider {
  /** The issuer (also the discovery base: `<issuer>/.well-known/openid-configuration`). */
  issuer: string;
  /** What the services verify access tokens with (JWT_JWKS_URL). */
  jwksUrl: string;
  audience: string;
  users: readonly DemoUser[];
  close(): Promise<void>;
}

/** The scope that carries Appgov's tenant and roles claims. */
export const APPGOV_SCOPE = 'appgov';

/** A new RS256 private signing key as a JWK. */
export async function newSigningKey(): Promise<JWK> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  return { ...(await exportJWK(privateKey)), alg: 'RS256', use: 'sig', kid: crypto.randomUUID() };
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

async function formBody(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 16 * 1024) throw new Error('form too large');
    chunks.push(chunk as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

/**
 * Starts a standards-conformant OpenID provider (panva's certified `oidc-provider`) on loopback:
 * authorization code with PKCE (required), RS256 ID tokens, JWT access tokens for one API audience
 * (resource indicators, RFC 8707) carrying `email`, `tenant` and `roles`, RP-initiated logout, and a
 * plain sign-in form for the demo users. Consent is implied for the registered first-party clients.
 * Test and demo only: users and their password are fixed, state lives in memory.
 */
export async function startOidcProvider(options: OidcProviderOptions): Promise<StartedOidcProvider> {
  const users = options.users ?? DEMO_USERS;
  const byEmail = new Map(users.map((u) => [u.email.toLowerCase(), u]));
  const bySub = new Map(users.map((u) => [u.sub, u]));
  const host = options.host ?? '127.0.0.1';
  let handler: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => {
    res.statusCode = 503;
    res.end();
  };
  const server = createServer((req, res) => handler(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  const issuer = `http://${host}:${port}`;

  const signingKey = options.signingKey ?? (await newSigningKey());
  const accountClaims = (u: DemoUser) => ({
    sub: u.sub,
    email: u.email,
    email_verified: true,
    name: u.name,
    tenant: u.tenant,
    roles: u.roles,
  });

  const configuration: Configuration = {
    clients: options.clients.map((c) => ({
      client_id: c.clientId,
      client_secret: c.clientSecret,
      client_name: 'Appgov console',
      redirect_uris: c.redirectUris,
      post_logout_redirect_uris: c.postLogoutRedirectUris ?? [],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    })),
    jwks: { keys: [signingKey as never] },
    cookies: { keys: [crypto.randomUUID(), crypto.randomUUID()] },
    pkce: { required: () => true },
    ttl: {
      AuthorizationCode: 60,
      IdToken: 3600,
      Interaction: 600,
      Session: 8 * 3600,
      Grant: 8 * 3600,
      RefreshToken: 8 * 3600,
      AccessToken: options.accessTokenTtlSeconds ?? 3600,
    },
    scopes: ['openid', 'email', 'profile', APPGOV_SCOPE],
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name'],
      [APPGOV_SCOPE]: ['tenant', 'roles'],
    },
    // The console reads who signed in from the ID token; no userinfo round trip needed.
    conformIdTokenClaims: false,
    async findAccount(_ctx, id) {
      const user = bySub.get(id);
      if (!user) return undefined;
      return { accountId: id, claims: async () => accountClaims(user) };
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    // First-party client: everything it asks for is granted, so there is no consent screen.
    async loadExistingGrant(ctx) {
      const { session, client, params } = ctx.oidc;
      if (!session?.accountId || !client) return undefined;
      const grant = new ctx.oidc.provider.Grant({ clientId: client.clientId, accountId: session.accountId });
      grant.addOIDCScope(String(params?.scope ?? 'openid'));
      grant.addResourceScope(options.audience, APPGOV_SCOPE);
      await grant.save();
      return grant;
    },
    // The console refreshes the access token within its session, so a refresh token comes with
    // every code (Okta issues one for the offline_access scope; the console asks for it there).
    async issueRefreshToken(_ctx, client) {
      return client.grantTypeAllowed('refresh_token');
    },
    async extraTokenClaims(_ctx, token) {
      const user = 'accountId' in token && token.accountId ? bySub.get(token.accountId) : undefined;
      return user ? { email: user.email, tenant: user.tenant, roles: user.roles } : undefined;
    },
    features: {
      devInteractions: { enabled: false },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => options.audience,
        useGrantedResource: () => true,
        getResourceServerInfo(_ctx, indicator) {
          if (indicator !== options.audience) throw new errors.InvalidTarget();
          return {
            scope: APPGOV_SCOPE,
            audience: options.audience,
            accessTokenTTL: options.accessTokenTtlSeconds ?? 3600,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: 'RS256' } },
          };
        },
      },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource(ctx: KoaContextWithOIDC, form: string) {
          ctx.body = logoutPage(form);
        },
        postLogoutSuccessSource(ctx: KoaContextWithOIDC) {
          ctx.body = loggedOutPage();
        },
      },
    },
    renderError(ctx, out) {
      ctx.type = 'html';
      ctx.body = errorPage(
        String(out.error),
        out.error_description ? String(out.error_description) : undefined,
      );
    },
  };
  const provider = new Provider(issuer, configuration);
  const callback = provider.callback();

  async function interaction(req: IncomingMessage, res: ServerResponse, uid: string, submit: boolean) {
    const details = await provider.interactionDetails(req, res);
    if (details.uid !== uid) throw new errors.SessionNotFound('interaction mismatch');
    const send = (status: number, html: string) => {
      res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(html);
    };
    if (!submit) return send(200, loginPage(uid, 'Appgov'));
    const form = await formBody(req);
    const email = (form.get('email') ?? '').trim().toLowerCase();
    const user = byEmail.get(email);
    if (!user || !sameText(form.get('password') ?? '', user.password)) {
      return send(401, loginPage(uid, 'Appgov', 'Wrong email or password.', email));
    }
    await provider.interactionFinished(
      req,
      res,
      { login: { accountId: user.sub } },
      { mergeWithLastSubmission: false },
    );
  }

  handler = (req, res) => {
    const path = new URL(req.url ?? '/', issuer).pathname;
    const match = /^\/interaction\/([A-Za-z0-9_-]+)(\/login)?$/.exec(path);
    if (!match) return callback(req, res);
    const submit = match[2] === '/login' && req.method === 'POST';
    interaction(req, res, match[1] as string, submit).catch((err: unknown) => {
      if (res.headersSent) return res.destroy();
      res.writeHead(400, { 'content-type': 'text/html; charset=utf-8' });
      res.end(errorPage('invalid_request', err instanceof Error ? err.message : undefined));
    });
  };

  return {
    issuer,
    jwksUrl: `${issuer}/jwks`,
    audience: options.audience,
    users,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
