import { type HttpApp, requireRole } from '@appgov/http';
import { Type } from '@sinclair/typebox';
import type { ConnectionDeps } from '../domain/connection.service.js';
import { setRateLimitShare } from '../domain/rate-limit-share.js';
import { ConnectionIdParams, errors } from './schemas.js';

// No null in the body: with the app's type coercion a 0 would pass as null. DELETE clears instead.
const Share = Type.Number({ exclusiveMinimum: 0, maximum: 1 });
const Answer = Type.Object({
  rateLimitShare: Type.Union([Share, Type.Null()]),
  bounds: Type.Object({ min: Type.Number(), max: Type.Number() }),
});

/**
 * PUT …/connections/{id}/rate-limit-share: a tenant admin lowers the connection's share (I2);
 * DELETE restores the deployment's default.
 */
export function registerRateLimitShareRoute(app: HttpApp, deps: ConnectionDeps, base: string): void {
  app.put(
    `${base}/:id/rate-limit-share`,
    {
      preHandler: requireRole('admin'),
      schema: {
        tags: ['integrations'],
        summary: "The connection's share of each Okta rate-limit bucket, within the operator's bounds",
        params: ConnectionIdParams,
        body: Type.Object({ rateLimitShare: Share }, { additionalProperties: false }),
        response: { 200: Answer, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const auth = request.auth as NonNullable<typeof request.auth>;
      return setRateLimitShare(deps, auth.tenant, request.params.id, request.body.rateLimitShare);
    },
  );
  app.delete(
    `${base}/:id/rate-limit-share`,
    {
      preHandler: requireRole('admin'),
      schema: {
        tags: ['integrations'],
        summary: "Restores the deployment's default share of each Okta rate-limit bucket",
        params: ConnectionIdParams,
        response: { 200: Answer, ...errors(401, 403, 404) },
      },
    },
    async (request) => {
      const auth = request.auth as NonNullable<typeof request.auth>;
      return setRateLimitShare(deps, auth.tenant, request.params.id, null);
    },
  );
}
