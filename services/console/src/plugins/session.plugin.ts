import { timingSafeEqual } from 'node:crypto';
import { ForbiddenError, UnauthorizedError } from '@appgov/errors';
import type { Clock } from '@appgov/service';
import cookie from '@fastify/cookie';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { CookieNames } from '../domain/cookies.js';
import type { Session, SessionStore } from '../domain/session-store.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in session, loaded from the session cookie for `/api` and `/auth` routes. */
    session: Session | null;
    sessionId: string | null;
  }
}

export interface SessionPluginOptions {
  store: SessionStore;
  names: CookieNames;
  clock: Clock;
  /** The console's public origin: a state-changing call from another Origin is refused. */
  publicOrigin: string;
  /** Exchanges a refresh token for a new access token (OidcLogin.refresh). */
  refresh: (
    refreshToken: string,
  ) => Promise<{ accessToken: string; expiresAt: number; refreshToken: string }>;
  /** Refresh this long before the access token expires. */
  refreshBeforeMs: number;
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The session of a request, or 401. */
export function requireSession(request: FastifyRequest): Session {
  if (!request.session) throw new UnauthorizedError('CONSOLE_NOT_SIGNED_IN', 'Sign in to use the console.');
  return request.session;
}

/**
 * `console-session`: loads the server-side session named by the httpOnly cookie and enforces CSRF
 * protection on every state-changing call: the `x-csrf-token` header must equal the session's token
 * (the SPA reads it from the CSRF cookie or `/api/me`), and a browser-sent Origin must be ours.
 */
export const sessionPlugin = fp<SessionPluginOptions>(
  async (app: FastifyInstance, { store, names, clock, publicOrigin, refresh, refreshBeforeMs }) => {
    /** The session with a fresh access token, or null when it ended (expired and not refreshable). */
    const current = async (
      id: string,
      session: Session,
      request: FastifyRequest,
    ): Promise<Session | null> => {
      const now = clock.now().getTime();
      if (session.expiresAt <= now) return null;
      const tokenExpiresAt = session.accessTokenExpiresAt ?? session.expiresAt;
      if (tokenExpiresAt - now > refreshBeforeMs) return session;
      if (!session.refreshToken) return tokenExpiresAt > now ? session : null;
      try {
        const fresh = await refresh(session.refreshToken);
        const next: Session = {
          ...session,
          accessToken: fresh.accessToken,
          accessTokenExpiresAt: fresh.expiresAt,
          refreshToken: fresh.refreshToken,
        };
        await store.update(id, next, session.expiresAt - now);
        return next;
      } catch (err) {
        // Another request may have rotated the token first; the current one serves until it expires.
        request.log.warn({ err: { message: (err as Error).message } }, 'access token refresh failed');
        const again = await store.get(id);
        if (again && (again.accessTokenExpiresAt ?? again.expiresAt) > now) return again;
        return null;
      }
    };
    await app.register(cookie);
    app.decorateRequest('session', null);
    app.decorateRequest('sessionId', null);
    app.addHook('onRequest', async (request) => {
      const path = request.url.split('?')[0] ?? '';
      if (!path.startsWith('/api/') && !path.startsWith('/auth/')) return;
      const id = request.cookies[names.session];
      if (!id) return;
      const stored = await store.get(id);
      if (!stored) return;
      const session = await current(id, stored, request);
      if (!session) {
        await store.destroy(id);
        return;
      }
      request.session = session;
      request.sessionId = id;
    });
    app.addHook('preHandler', async (request) => {
      if (!UNSAFE.has(request.method)) return;
      const path = request.url.split('?')[0] ?? '';
      if (!path.startsWith('/api/') && !path.startsWith('/auth/')) return;
      const session = requireSession(request);
      const origin = request.headers.origin;
      if (origin !== undefined && origin !== publicOrigin) {
        throw new ForbiddenError('CONSOLE_CSRF_ORIGIN', 'The request comes from another site.');
      }
      const header = request.headers['x-csrf-token'];
      if (typeof header !== 'string' || !sameToken(header, session.csrfToken)) {
        throw new ForbiddenError('CONSOLE_CSRF_TOKEN', 'The request lacks a valid x-csrf-token header.');
      }
    });
  },
  { name: 'console-session', fastify: '5.x' },
);
