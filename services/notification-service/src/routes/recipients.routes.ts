import { ConflictError, NotFoundError } from '@appgov/errors';
import { type HttpApp, requireRole } from '@appgov/http';
import { Type } from '@sinclair/typebox';
import { decodeCursor, nextCursorOf } from '../domain/keyset-page.js';
import { addRecipient, listRecipients, removeRecipient } from '../domain/recipient.repository.js';
import { assertBelowQuota, DEFAULT_TENANT_QUOTAS } from '../domain/tenant-quotas.js';
import { PageQuery, pageOf } from './page-schema.js';
import type { RouteDeps } from './route-deps.js';

const Recipient = Type.Object({ id: Type.String(), email: Type.String(), createdAt: Type.String() });
const problem = { $ref: 'Problem#' } as const;

/** /v1/notifications/recipients: who gets a tenant's emails besides the admin who added a connection. */
export function recipientsRoutes(app: HttpApp, deps: RouteDeps): void {
  app.get(
    '/v1/notifications/recipients',
    {
      preHandler: requireRole('viewer'),
      schema: {
        tags: ['recipients'],
        summary: 'List subscribed recipients, oldest first, a page at a time',
        querystring: PageQuery,
        response: { 200: pageOf(Recipient), 400: problem, 401: problem, 403: problem },
      },
    },
    async (request) => {
      const { limit, cursor } = request.query;
      const items = await listRecipients(deps.db, request.auth!.tenant, {
        limit,
        after: decodeCursor(cursor),
      });
      return { items, nextCursor: nextCursorOf(items, limit) };
    },
  );

  app.post(
    '/v1/notifications/recipients',
    {
      preHandler: requireRole('admin'),
      schema: {
        tags: ['recipients'],
        summary: 'Subscribe an email address',
        body: Type.Object(
          { email: Type.String({ format: 'email', maxLength: 254 }) },
          { additionalProperties: false },
        ),
        response: { 201: Recipient, 400: problem, 401: problem, 403: problem, 409: problem },
      },
    },
    async (request, reply) => {
      const auth = request.auth!;
      const quotas = { ...DEFAULT_TENANT_QUOTAS, ...deps.quotas };
      const created = await deps.db.transaction().execute(async (trx) => {
        await assertBelowQuota(trx, 'recipients', auth.tenant, quotas.recipients);
        return addRecipient(trx, auth.tenant, request.body.email, auth.sub);
      });
      if (!created) {
        throw new ConflictError('NOTIFICATION_RECIPIENT_EXISTS', 'This address is already subscribed.');
      }
      return reply.code(201).send(created);
    },
  );

  app.delete(
    '/v1/notifications/recipients/:id',
    {
      preHandler: requireRole('admin'),
      schema: {
        tags: ['recipients'],
        summary: 'Unsubscribe a recipient',
        params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
        response: { 204: Type.Null(), 401: problem, 403: problem, 404: problem },
      },
    },
    async (request, reply) => {
      if (!(await removeRecipient(deps.db, request.auth!.tenant, request.params.id))) {
        throw new NotFoundError('NOTIFICATION_RECIPIENT_NOT_FOUND', 'No such recipient.');
      }
      return reply.code(204).send(null);
    },
  );
}
