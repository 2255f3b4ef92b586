import { InvalidInputError, UnauthorizedError } from '@appgov/errors';
import { type HttpApp, ProblemSchema } from '@appgov/http';
import { Type } from '@sinclair/typebox';
import { cookieOptions } from '../domain/cookies.js';
import { randomToken } from '../domain/session-store.js';
import type { RouteDeps } from './route-deps.js';

const LOGIN_TTL_SECONDS = 600;
const tags = ['auth'];

/** Only a path of this site: `/x` but not `//host` or `/\host` (no open redirect). */
export function safeReturnTo(value: string | undefined): string {
  if (!value || !/^\/(?![/\\])/.test(value)) return '/';
  return value;
}

/**
 * U4: sign-in (authorization code + PKCE through the operator's OpenID provider), the callback that
 * opens a server-side session, and logout (ends the session and, when the provider supports it,
 * its RP-initiated logout).
 */
export function registerAuthRoutes(app: HttpApp, deps: RouteDeps): void {
  const { config, store, login, cookies, clock } = deps;
  const secure = config.COOKIE_SECURE;
  const sameSite = config.COOKIE_SAMESITE;

  app.get(
    '/auth/login',
    {
      schema: {
        tags,
        summary: 'Redirects to the identity provider to sign in',
        querystring: Type.Object({ returnTo: Type.Optional(Type.String({ maxLength: 2048 })) }),
        response: { 302: Type.Null(), 503: ProblemSchema },
      },
    },
    async (request, reply) => {
      const { url, state, login: pending } = await login.begin(safeReturnTo(request.query.returnTo));
      await store.saveLogin(state, pending, LOGIN_TTL_SECONDS * 1000);
      reply.setCookie(cookies.login, state, cookieOptions(secure, 'lax', LOGIN_TTL_SECONDS));
      reply.header('cache-control', 'no-store');
      return reply.redirect(url.href, 302);
    },
  );

  app.get(
    '/auth/callback',
    {
      schema: {
        tags,
        summary: 'The provider returns here with the authorization code',
        querystring: Type.Object(
          { state: Type.Optional(Type.String({ maxLength: 512 })) },
          { additionalProperties: true },
        ),
        response: { 303: Type.Null(), 400: ProblemSchema, 401: ProblemSchema, 503: ProblemSchema },
      },
    },
    async (request, reply) => {
      const state = request.query.state;
      const bound = request.cookies[cookies.login];
      reply.clearCookie(cookies.login, { path: '/' });
      if (!state || !bound || bound !== state) {
        throw new InvalidInputError('CONSOLE_LOGIN_STATE', 'This sign-in was not started here; start again.');
      }
      const pending = await store.takeLogin(state);
      if (!pending) throw new UnauthorizedError('CONSOLE_LOGIN_EXPIRED', 'The sign-in expired; start again.');
      const result = await login.finish(new URL(request.url, config.PUBLIC_URL), state, pending);
      const now = clock.now().getTime();
      // With a refresh token the session lasts SESSION_TTL_SECONDS (its access token is refreshed);
      // without one it ends with the access token.
      const sessionEnd = now + config.SESSION_TTL_SECONDS * 1000;
      const expiresAt = result.refreshToken ? sessionEnd : Math.min(result.expiresAt, sessionEnd);
      const csrfToken = randomToken();
      const id = await store.create(
        {
          user: result.user,
          accessToken: result.accessToken,
          accessTokenExpiresAt: result.expiresAt,
          refreshToken: result.refreshToken,
          expiresAt,
          idToken: result.idToken,
          csrfToken,
        },
        expiresAt - now,
      );
      if (request.sessionId) await store.destroy(request.sessionId); // no session fixation
      const maxAge = (expiresAt - now) / 1000;
      reply.setCookie(cookies.session, id, cookieOptions(secure, sameSite, maxAge));
      reply.setCookie(cookies.csrf, csrfToken, cookieOptions(secure, sameSite, maxAge, false));
      reply.header('cache-control', 'no-store');
      request.log.info({ sub: result.user.sub, tenant: result.user.tenant }, 'signed in');
      return reply.redirect(pending.returnTo, 303);
    },
  );

  app.post(
    '/auth/logout',
    {
      schema: {
        tags,
        summary: 'Ends the session; answers where to send the browser (the provider logout, or /)',
        response: {
          200: Type.Object({ redirectTo: Type.String() }),
          401: ProblemSchema,
          403: ProblemSchema,
        },
      },
    },
    async (request, reply) => {
      const session = request.session;
      if (request.sessionId) await store.destroy(request.sessionId);
      reply.clearCookie(cookies.session, { path: '/' });
      reply.clearCookie(cookies.csrf, { path: '/' });
      const redirectTo = (await login.logoutUrl(session?.idToken ?? null)) ?? '/';
      return { redirectTo };
    },
  );
}
