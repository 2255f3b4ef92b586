import { type HttpApp, requireRole } from '@appgov/http';
import { Type } from '@sinclair/typebox';
import type { ConnectionDeps } from '../domain/connection.service.js';
import { setRateLimitShare } from '../domain/rate-limit-share.js';
import { ConnectionIdParams, errors } from './schemas.js';

const Share = Type.Union([Type.Number({ exclusiveMinimum: 0, maximum: 1 }), Type.Null()]);

/** PUT …/connections/{id}/rate-limit-share: a tenant admin lowers the connection's share (I2). */
export function registerRateLimitShareRoute(app: HttpApp, deps: ConnectionDeps, base: string): void {
  app.put(
    `${base}/:id/rate-limit-share`,
    {
      preHandler: requireRole('admin'),
      schema: {
        tags: ['integrations'],
        summary:
          "The connection's share of each Okta rate-limit bucket, within the operator's bounds; null restores the default",
        params: ConnectionIdParams,
        body: Type.Object({ rateLimitShare: Share }, { additionalProperties: false }),
        response: {
          200: Type.Object({
            rateLimitShare: Share,
            bounds: Type.Object({ min: Type.Number(), max: Type.Number() }),
          }),
          ...errors(400, 401, 403, 404),
        },
      },
    },
    async (request) => {
      const auth = request.auth as NonNullable<typeof request.auth>;
      return setRateLimitShare(deps, auth.tenant, request.params.id, request.body.rateLimitShare);
    },
  );
}
