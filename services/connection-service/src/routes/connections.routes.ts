import { type HttpApp, requireRole } from '@appgov/http';
import { Type } from '@sinclair/typebox';
import type { Actor, ConnectionDeps } from '../domain/connection.service.js';
import { addConnection, deleteConnection, updateToken } from '../domain/connection-lifecycle.js';
import { getConnection, listConnectionsPage, providerSummaries } from '../domain/connection-queries.js';
import { listSyncs, syncNow } from '../domain/connection-syncs.js';
import { setTenantInterval } from '../domain/tenant-settings.js';
import { registerRateLimitShareRoute } from './rate-limit-share.routes.js';
import {
  AddConnectionBody,
  Connection,
  ConnectionIdParams,
  ConnectionsQuery,
  DeleteQuery,
  errors,
  ProviderSummary,
  pageOf,
  SyncRun,
  SyncsQuery,
  TenantSettingsBody,
  UpdateTokenBody,
} from './schemas.js';

const tags = ['integrations'];

function actorOf(request: {
  auth: { tenant: string; sub: string; email: string | undefined } | null;
}): Actor {
  const auth = request.auth as NonNullable<typeof request.auth>;
  return { tenant: auth.tenant, sub: auth.sub, email: auth.email };
}

/** The tenant Integrations API (SPEC section 2): viewers read, admins change. */
export function registerConnectionRoutes(app: HttpApp, deps: ConnectionDeps): void {
  const read = { preHandler: requireRole('viewer') };
  const write = { preHandler: requireRole('admin') };
  const base = '/v1/integrations/okta/connections';

  app.get(
    '/v1/integrations/providers',
    {
      ...read,
      schema: {
        tags,
        summary: 'Providers with the number of connected domains and the oldest last sync (C5)',
        response: { 200: Type.Object({ items: Type.Array(ProviderSummary) }), ...errors(401, 403) },
      },
    },
    async (request) => ({ items: await providerSummaries(deps, actorOf(request).tenant) }),
  );

  app.get(
    base,
    {
      ...read,
      schema: {
        tags,
        summary: "The tenant's Okta connections, oldest first, a page at a time (C5, C6, C7)",
        querystring: ConnectionsQuery,
        response: { 200: pageOf(Connection), ...errors(400, 401, 403) },
      },
    },
    async (request) =>
      listConnectionsPage(deps, actorOf(request).tenant, request.query.limit, request.query.cursor),
  );

  app.get(
    `${base}/:id`,
    {
      ...read,
      schema: {
        tags,
        summary: 'One connection',
        params: ConnectionIdParams,
        response: { 200: Connection, ...errors(401, 403, 404) },
      },
    },
    async (request) => getConnection(deps, actorOf(request).tenant, request.params.id),
  );

  app.post(
    base,
    {
      ...write,
      schema: {
        tags,
        summary:
          'Connect an Okta org: normalise the domain, validate the token, store it in Vault, request the first sync (C1-C4)',
        body: AddConnectionBody,
        response: { 201: Connection, ...errors(400, 401, 403, 409, 422, 429, 503) },
      },
    },
    async (request, reply) => {
      const view = await addConnection(deps, actorOf(request), request.body);
      return reply.code(201).header('location', `${base}/${view.id}`).send(view);
    },
  );

  const tokenRoute = {
    ...write,
    schema: {
      tags,
      summary: 'Replace the token after confirmation; cancels the running sync and requests a new one (C8)',
      params: ConnectionIdParams,
      body: UpdateTokenBody,
      response: { 200: Connection, ...errors(400, 401, 403, 404, 409, 422, 503) },
    },
  };
  app.put(`${base}/:id/token`, tokenRoute, async (request) =>
    updateToken(deps, actorOf(request), request.params.id, request.body),
  );
  app.post(`${base}/:id/token`, tokenRoute, async (request) =>
    updateToken(deps, actorOf(request), request.params.id, request.body),
  );

  app.delete(
    `${base}/:id`,
    {
      ...write,
      schema: {
        tags,
        summary: 'Delete a connection after confirmation (?confirm=true); idempotent (C9)',
        params: ConnectionIdParams,
        querystring: DeleteQuery,
        response: { 204: Type.Null(), ...errors(401, 403, 404, 409, 503) },
      },
    },
    async (request, reply) => {
      await deleteConnection(deps, actorOf(request), request.params.id, request.query.confirm === true);
      return reply.code(204).send(null);
    },
  );

  app.post(
    `${base}/:id/sync`,
    {
      ...write,
      schema: {
        tags,
        summary: 'Sync now; 409 SYNC_ALREADY_RUNNING while one runs (C10)',
        params: ConnectionIdParams,
        response: { 202: SyncRun, ...errors(401, 403, 404, 409) },
      },
    },
    async (request, reply) => reply.code(202).send(await syncNow(deps, actorOf(request), request.params.id)),
  );

  app.get(
    `${base}/:id/syncs`,
    {
      ...read,
      schema: {
        tags,
        summary: 'Sync history, newest first (C10)',
        params: ConnectionIdParams,
        querystring: SyncsQuery,
        response: { 200: pageOf(SyncRun), ...errors(400, 401, 403, 404) },
      },
    },
    async (request) =>
      listSyncs(deps, actorOf(request).tenant, request.params.id, request.query.limit, request.query.cursor),
  );

  registerRateLimitShareRoute(app, deps, base);

  app.put(
    '/v1/integrations/settings',
    {
      ...write,
      schema: {
        tags,
        summary: "The tenant's sync interval override (C10); null restores the default",
        body: TenantSettingsBody,
        response: { 200: TenantSettingsBody, ...errors(400, 401, 403) },
      },
    },
    async (request) => {
      await setTenantInterval(deps, actorOf(request).tenant, request.body.syncIntervalSeconds);
      return { syncIntervalSeconds: request.body.syncIntervalSeconds };
    },
  );
}
