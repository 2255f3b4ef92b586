import { type HttpApp, ProblemSchema } from '@appgov/http';
import { Type } from '@sinclair/typebox';
import { requireSession } from '../plugins/session.plugin.js';

const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);

/** Who is signed in, for the SPA (U3: it hides what the roles do not allow). */
export const Me = Type.Object({
  sub: Type.String(),
  email: Nullable(Type.String()),
  name: Nullable(Type.String()),
  tenant: Type.String(),
  roles: Type.Array(Type.String()),
  /** Send it back as the `x-csrf-token` header on every POST, PUT, PATCH and DELETE. */
  csrfToken: Type.String(),
  expiresAt: Type.String({ format: 'date-time' }),
});

export function registerMeRoutes(app: HttpApp): void {
  app.get(
    '/api/me',
    {
      schema: {
        tags: ['session'],
        summary: 'The signed-in user (401 when nobody is)',
        response: { 200: Me, 401: ProblemSchema },
      },
    },
    async (request, reply) => {
      const session = requireSession(request);
      reply.header('cache-control', 'no-store');
      return {
        ...session.user,
        csrfToken: session.csrfToken,
        expiresAt: new Date(session.expiresAt).toISOString(),
      };
    },
  );
}
