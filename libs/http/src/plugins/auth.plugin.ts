import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { type AuthOptions, bearerToken, createTokenVerifier } from '../auth.js';

/**
 * `appgov-auth`: verifies the bearer JWT of every request and sets `request.auth` (null without a
 * token; routes decide with `requireAuth`/`requireRole`). An invalid token is a 401 before routing.
 */
export const authPlugin = fp<AuthOptions>(
  async (app: FastifyInstance, options) => {
    const verify = createTokenVerifier(options);
    app.decorateRequest('auth', null);
    app.addHook('onRequest', async (request) => {
      const token = bearerToken(request);
      if (token === undefined) return;
      request.auth = await verify(token);
    });
  },
  { name: 'appgov-auth', fastify: '5.x' },
);
