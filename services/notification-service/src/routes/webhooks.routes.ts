import { randomUUID } from 'node:crypto';
import { InvalidInputError, NotFoundError } from '@appgov/errors';
import { type HttpApp, requireRole } from '@appgov/http';
import { Type } from '@sinclair/typebox';
import { decodeCursor, nextCursorOf } from '../domain/keyset-page.js';
import { assertBelowQuota, DEFAULT_TENANT_QUOTAS } from '../domain/tenant-quotas.js';
import {
  createWebhook,
  deleteWebhook,
  getWebhook,
  listDeliveries,
  listWebhooks,
  updateWebhook,
} from '../domain/webhook.repository.js';
import { WEBHOOK_EVENT_TYPES } from '../domain/webhook-payload.js';
import { secretFingerprint } from '../domain/webhook-secrets.js';
import { newWebhookSecret } from '../domain/webhook-signature.js';
import { validateWebhookUrl } from '../domain/webhook-target.js';
import { webhookForCaller } from '../domain/webhook-url-view.js';
import { PageQuery, pageOf } from './page-schema.js';
import type { RouteDeps } from './route-deps.js';

const EventType = Type.Union([Type.Literal('*'), ...WEBHOOK_EVENT_TYPES.map((t) => Type.Literal(t))]);
const EventTypes = Type.Array(EventType, { minItems: 1, maxItems: 50, uniqueItems: true });
const Format = Type.Union([Type.Literal('generic'), Type.Literal('slack')]);
const Webhook = Type.Object({
  id: Type.String(),
  url: Type.String(),
  description: Type.Union([Type.String(), Type.Null()]),
  eventTypes: Type.Array(Type.String()),
  format: Format,
  enabled: Type.Boolean(),
  disabledReason: Type.Union([Type.String(), Type.Null()]),
  consecutiveFailures: Type.Integer(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});
const Nullable = <T extends ReturnType<typeof Type.String>>(s: T) => Type.Union([s, Type.Null()]);
const Delivery = Type.Object({
  id: Type.String(),
  eventId: Type.String(),
  eventType: Type.String(),
  status: Type.String(),
  attempts: Type.Integer(),
  lastStatusCode: Type.Union([Type.Integer(), Type.Null()]),
  lastError: Nullable(Type.String()),
  lastLatencyMs: Type.Union([Type.Integer(), Type.Null()]),
  createdAt: Type.String(),
  completedAt: Nullable(Type.String()),
  attemptLog: Type.Array(
    Type.Object({
      attempt: Type.Integer(),
      at: Type.String(),
      statusCode: Type.Union([Type.Integer(), Type.Null()]),
      error: Nullable(Type.String()),
      latencyMs: Type.Integer(),
    }),
  ),
});
const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
const problem = { $ref: 'Problem#' } as const;
const notFound = () => new NotFoundError('NOTIFICATION_WEBHOOK_NOT_FOUND', 'No such webhook.');

/** /v1/notifications/webhooks: outbound integrations (N3). The secret is shown once, on creation. */
export function webhooksRoutes(app: HttpApp, deps: RouteDeps): void {
  const policy = { allowPrivate: deps.allowPrivateTargets };
  const quotas = { ...DEFAULT_TENANT_QUOTAS, ...deps.quotas };

  app.get(
    '/v1/notifications/webhooks',
    {
      preHandler: requireRole('viewer'),
      schema: {
        tags: ['webhooks'],
        summary: 'List webhooks, oldest first, a page at a time',
        querystring: PageQuery,
        response: { 200: pageOf(Webhook), 400: problem, 401: problem, 403: problem },
      },
    },
    async (request) => {
      const { limit, cursor } = request.query;
      const page = await listWebhooks(deps.db, request.auth!.tenant, { limit, after: decodeCursor(cursor) });
      return { items: page.map((h) => webhookForCaller(request, h)), nextCursor: nextCursorOf(page, limit) };
    },
  );

  app.post(
    '/v1/notifications/webhooks',
    {
      preHandler: requireRole('admin'),
      schema: {
        tags: ['webhooks'],
        summary:
          'Create a webhook; the response carries the signing secret, shown only this once (it is kept in Vault)',
        body: Type.Object(
          {
            url: Type.String({ minLength: 1, maxLength: 2000 }),
            eventTypes: EventTypes,
            format: Type.Optional(Format),
            description: Type.Optional(Type.String({ maxLength: 200 })),
          },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Composite([Webhook, Type.Object({ secret: Type.String() })]),
          400: problem,
          401: problem,
          403: problem,
          409: problem,
          503: problem,
        },
      },
    },
    async (request, reply) => {
      const auth = request.auth!;
      const url = await validateWebhookUrl(request.body.url, policy);
      const secret = newWebhookSecret();
      const id = randomUUID();
      // The row commits only once Vault has the secret: a Vault failure (503 VAULT_UNAVAILABLE)
      // leaves no webhook behind that could not sign, and a failed insert never reaches Vault.
      const created = await deps.db.transaction().execute(async (trx) => {
        await assertBelowQuota(trx, 'webhooks', auth.tenant, quotas.webhooks);
        const hook = await createWebhook(trx, {
          id,
          tenantId: auth.tenant,
          url: url.toString(),
          description: request.body.description ?? null,
          eventTypes: request.body.eventTypes,
          format: request.body.format ?? 'generic',
          secretFingerprint: secretFingerprint(secret),
          createdBySub: auth.sub,
          createdByEmail: auth.email ?? null,
        });
        await deps.webhookSecrets.store(auth.tenant, id, secret);
        return hook;
      });
      // no-store: the Idempotency-Key cache (and any proxy) keeps no copy of the one-time secret.
      return reply
        .code(201)
        .header('cache-control', 'no-store')
        .send({ ...created, secret });
    },
  );

  app.get(
    '/v1/notifications/webhooks/:id',
    {
      preHandler: requireRole('viewer'),
      schema: {
        tags: ['webhooks'],
        params: IdParams,
        response: { 200: Webhook, 401: problem, 403: problem, 404: problem },
      },
    },
    async (request) => {
      const hook = await getWebhook(deps.db, request.auth!.tenant, request.params.id);
      if (!hook) throw notFound();
      return webhookForCaller(request, hook);
    },
  );

  app.patch(
    '/v1/notifications/webhooks/:id',
    {
      preHandler: requireRole('admin'),
      schema: {
        tags: ['webhooks'],
        summary: 'Change a webhook; enabling a disabled one resets its failure count',
        params: IdParams,
        body: Type.Object(
          {
            url: Type.Optional(Type.String({ minLength: 1, maxLength: 2000 })),
            eventTypes: Type.Optional(EventTypes),
            format: Type.Optional(Format),
            description: Type.Optional(Type.Union([Type.String({ maxLength: 200 }), Type.Null()])),
            enabled: Type.Optional(Type.Boolean()),
          },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: { 200: Webhook, 400: problem, 401: problem, 403: problem, 404: problem },
      },
    },
    async (request) => {
      const body = request.body;
      const url =
        body.url === undefined ? undefined : (await validateWebhookUrl(body.url, policy)).toString();
      const updated = await updateWebhook(deps.db, request.auth!.tenant, request.params.id, {
        ...(url !== undefined ? { url } : {}),
        ...(body.eventTypes !== undefined ? { eventTypes: body.eventTypes } : {}),
        ...(body.format !== undefined ? { format: body.format } : {}),
        ...(body.description !== undefined ? { description: body.description } : {}),
        ...(body.enabled !== undefined ? { enabled: body.enabled } : {}),
      });
      if (!updated) throw notFound();
      if (updated.enabled) deps.pokeWebhooks?.();
      return updated;
    },
  );

  app.delete(
    '/v1/notifications/webhooks/:id',
    {
      preHandler: requireRole('admin'),
      schema: {
        tags: ['webhooks'],
        summary: 'Delete a webhook, its delivery log and every version of its secret in Vault',
        params: IdParams,
        response: { 204: Type.Null(), 401: problem, 403: problem, 404: problem, 503: problem },
      },
    },
    async (request, reply) => {
      const tenant = request.auth!.tenant;
      const id = request.params.id;
      // The row goes only with its secret: if Vault cannot destroy it, the delete rolls back (503)
      // and can be retried, rather than leaving a secret nothing points at.
      const deleted = await deps.db.transaction().execute(async (trx) => {
        if (!(await deleteWebhook(trx, tenant, id))) return false;
        await deps.webhookSecrets.destroy(tenant, id);
        return true;
      });
      if (!deleted) throw notFound();
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/v1/notifications/webhooks/:id/deliveries',
    {
      preHandler: requireRole('admin'),
      schema: {
        tags: ['webhooks'],
        summary: 'Delivery log, newest first (attempts, status codes, latency)',
        params: IdParams,
        querystring: Type.Object({
          limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
          cursor: Type.Optional(Type.String({ maxLength: 200 })),
        }),
        response: {
          200: Type.Object({
            items: Type.Array(Delivery),
            nextCursor: Type.Union([Type.String(), Type.Null()]),
          }),
          400: problem,
          401: problem,
          403: problem,
          404: problem,
        },
      },
    },
    async (request) => {
      const tenant = request.auth!.tenant;
      if (!(await getWebhook(deps.db, tenant, request.params.id))) throw notFound();
      let before: { createdAt: Date; id: string } | undefined;
      if (request.query.cursor) {
        const [at, id] = Buffer.from(request.query.cursor, 'base64url').toString('utf8').split('|');
        const createdAt = new Date(at ?? '');
        if (
          !id ||
          !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id) ||
          Number.isNaN(createdAt.getTime())
        ) {
          throw new InvalidInputError(
            'NOTIFICATION_CURSOR_INVALID',
            'The cursor is not one this API returned.',
          );
        }
        before = { createdAt, id };
      }
      const items = await listDeliveries(deps.db, tenant, request.params.id, {
        limit: request.query.limit,
        before,
      });
      const last = items[items.length - 1];
      const nextCursor =
        items.length === request.query.limit && last
          ? Buffer.from(`${last.createdAt}|${last.id}`).toString('base64url')
          : null;
      return { items, nextCursor };
    },
  );
}
