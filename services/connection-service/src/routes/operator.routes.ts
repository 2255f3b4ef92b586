import { type HttpApp, requireRole } from '@appgov/http';
import type { ConnectionDeps } from '../domain/connection.service.js';
import { listSyncs } from '../domain/connection-syncs.js';
import { operatorList } from '../domain/operator-status.js';
import {
  ConnectionIdParams,
  errors,
  OperatorConnection,
  OperatorQuery,
  pageOf,
  SyncRun,
  SyncsQuery,
} from './schemas.js';

/** C12: cross-tenant status for platform operators; no secrets, no catalog data. */
export function registerOperatorRoutes(app: HttpApp, deps: ConnectionDeps): void {
  const only = { preHandler: requireRole('operator') };
  const tags = ['operator'];
  app.get(
    '/v1/operator/connections',
    {
      ...only,
      schema: {
        tags,
        summary: 'Connection status across tenants (C12)',
        querystring: OperatorQuery,
        response: { 200: pageOf(OperatorConnection), ...errors(400, 401, 403) },
      },
    },
    async (request) => operatorList(deps, request.query),
  );
  app.get(
    '/v1/operator/connections/:id/syncs',
    {
      ...only,
      schema: {
        tags,
        summary: "A connection's sync history and errors, any tenant (C12)",
        params: ConnectionIdParams,
        querystring: SyncsQuery,
        response: { 200: pageOf(SyncRun), ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => listSyncs(deps, null, request.params.id, request.query.limit, request.query.cursor),
  );
}
