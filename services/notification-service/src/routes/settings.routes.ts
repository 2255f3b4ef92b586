import { type HttpApp, requireRole } from '@appgov/http';
import { Type } from '@sinclair/typebox';
import { brandingOf, upsertSettings } from '../domain/settings.repository.js';
import type { RouteDeps } from './route-deps.js';

const Url = Type.String({ format: 'uri', pattern: '^https?://', maxLength: 2000 });
const Settings = Type.Object({
  productName: Type.String(),
  links: Type.Object({ app: Type.String(), support: Type.String() }),
});
const problem = { $ref: 'Problem#' } as const;

/** /v1/notifications/settings: per-tenant product name and links used by the email templates. */
export function settingsRoutes(app: HttpApp, deps: RouteDeps): void {
  const view = async (tenant: string) => {
    const b = await brandingOf(deps.db, tenant, deps.branding);
    return { productName: b.productName, links: { app: b.appUrl, support: b.supportUrl } };
  };
  app.get(
    '/v1/notifications/settings',
    {
      preHandler: requireRole('viewer'),
      schema: {
        tags: ['settings'],
        summary: 'Email branding',
        response: { 200: Settings, 401: problem, 403: problem },
      },
    },
    async (request) => view(request.auth!.tenant),
  );
  app.put(
    '/v1/notifications/settings',
    {
      preHandler: requireRole('admin'),
      schema: {
        tags: ['settings'],
        summary: 'Replace email branding (omitted fields fall back to the defaults)',
        body: Type.Object(
          {
            productName: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
            links: Type.Optional(
              Type.Object(
                { app: Type.Optional(Url), support: Type.Optional(Url) },
                { additionalProperties: false },
              ),
            ),
          },
          { additionalProperties: false },
        ),
        response: { 200: Settings, 400: problem, 401: problem, 403: problem },
      },
    },
    async (request) => {
      const tenant = request.auth!.tenant;
      await upsertSettings(deps.db, tenant, {
        productName: request.body.productName ?? null,
        appUrl: request.body.links?.app ?? null,
        supportUrl: request.body.links?.support ?? null,
      });
      return view(tenant);
    },
  );
}
