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
  async (app: FastifyInstance, { store, names, clock, publicOrigin }) => {
    await app.register(cookie);
    app.decorateRequest('session', null);
    app.decorateRequest('sessionId', null);
    app.addHook('onRequest', async (request) => {
      const path = request.url.split('?')[0] ?? '';
      if (!path.startsWith('/api/') && !path.startsWith('/auth/')) return;
      const id = request.cookies[names.session];
      if (!id) return;
      const session = await store.get(id);
      if (!session) return;
      if (session.expiresAt <= clock.now().getTime()) {
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
