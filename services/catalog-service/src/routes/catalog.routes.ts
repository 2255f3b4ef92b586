import { InventoryApiToken, InventoryApp, InventoryGrant } from '@appgov/contracts';
import { NotFoundError } from '@appgov/errors';
import { type HttpApp, requireRole } from '@appgov/http';
import { type Static, type TSchema, Type } from '@sinclair/typebox';
import type { Kysely } from 'kysely';
import {
  connectionSummary,
  getApp,
  getUser,
  listAdmins,
  listApiTokens,
  listApps,
  listFindings,
  listGroups,
  listUsers,
  withTenant,
} from '../domain/catalog.repository.js';
import type { CatalogDatabase } from '../domain/tables/catalog.database.js';

const N = <T extends TSchema>(s: T) => Type.Union([s, Type.Null()]);
const Uuid = Type.String({ format: 'uuid' });
const Problem = { $ref: 'Problem#' } as const;
const errors = { 400: Problem, 401: Problem, 403: Problem, 404: Problem };

const PageQuery = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  cursor: Type.Optional(Type.String({ maxLength: 2000, description: 'Opaque cursor from nextCursor' })),
  connectionId: Type.Optional(Uuid),
};
const pageOf = <T extends TSchema>(item: T) =>
  Type.Object({ items: Type.Array(item), nextCursor: N(Type.String()) });

const AppSummary = Type.Composite([
  Type.Object({ connectionId: Uuid }),
  InventoryApp,
  Type.Object({ userCount: Type.Integer(), groupCount: Type.Integer(), findingCount: Type.Integer() }),
]);
const AppDetail = Type.Composite([
  AppSummary,
  Type.Object({
    grants: Type.Array(InventoryGrant),
    users: Type.Array(
      Type.Object({
        userId: Type.String(),
        scope: Type.String(),
        status: N(Type.String()),
        login: N(Type.String()),
        userStatus: N(Type.String()),
      }),
    ),
    groups: Type.Array(
      Type.Object({ groupId: Type.String(), name: N(Type.String()), priority: N(Type.Integer()) }),
    ),
  }),
]);
const User = Type.Object({
  connectionId: Uuid,
  id: Type.String(),
  status: Type.String(),
  login: Type.String(),
  email: N(Type.String()),
  firstName: N(Type.String()),
  lastName: N(Type.String()),
  created: Type.String({ format: 'date-time' }),
  lastLogin: N(Type.String({ format: 'date-time' })),
  lastUpdated: Type.String({ format: 'date-time' }),
});
/** A row of the users list: the user, its role labels and how many apps it is assigned (U2). */
const UserListItem = Type.Composite([
  User,
  Type.Object({ roles: Type.Array(Type.String()), appCount: Type.Integer({ minimum: 0 }) }),
]);
const UserDetail = Type.Composite([
  User,
  Type.Object({
    roles: Type.Array(
      Type.Object({
        roleId: Type.String(),
        type: Type.String(),
        label: Type.String(),
        assignmentType: Type.String(),
      }),
    ),
    groups: Type.Array(Type.Object({ groupId: Type.String(), name: N(Type.String()) })),
    apps: Type.Array(Type.Object({ appId: Type.String(), label: N(Type.String()), scope: Type.String() })),
  }),
]);
const Group = Type.Object({
  connectionId: Uuid,
  id: Type.String(),
  type: Type.String(),
  name: Type.String(),
  description: N(Type.String()),
  lastUpdated: Type.String({ format: 'date-time' }),
  memberCount: Type.Integer(),
});
const ApiToken = Type.Composite([
  Type.Object({ connectionId: Uuid }),
  InventoryApiToken,
  Type.Object({ findingCount: Type.Integer() }),
]);
const Admin = Type.Composite([User, Type.Object({ roleTypes: Type.Array(Type.String()) })]);
const Finding = Type.Object({
  id: Uuid,
  connectionId: Uuid,
  kind: Type.String(),
  severity: Type.String(),
  subject: Type.Object({ type: Type.String(), id: Type.String(), label: N(Type.String()) }),
  details: Type.Record(Type.String(), Type.Unknown()),
  firstSeen: Type.String({ format: 'date-time' }),
  resolvedAt: N(Type.String({ format: 'date-time' })),
});
const Summary = Type.Object({
  connectionId: Uuid,
  counts: Type.Record(Type.String(), Type.Integer()),
  openFindings: Type.Integer(),
  lastAppliedSync: N(Type.Object({ syncId: Uuid, appliedAt: N(Type.String({ format: 'date-time' })) })),
});

const AppsQuery = Type.Object({
  ...PageQuery,
  q: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Search in label and name' })),
  status: Type.Optional(
    Type.Union([Type.Literal('ACTIVE'), Type.Literal('INACTIVE'), Type.Literal('DELETED')]),
  ),
  signOnMode: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  risk: Type.Optional(Type.Boolean({ description: 'true: apps with open findings; false: without' })),
  sort: Type.Optional(
    Type.Union([Type.Literal('label'), Type.Literal('lastUpdated'), Type.Literal('userCount')]),
  ),
  order: Type.Optional(Type.Union([Type.Literal('asc'), Type.Literal('desc')])),
});
const ListQuery = Type.Object({
  ...PageQuery,
  q: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  status: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
});
const FindingsQuery = Type.Object({
  ...PageQuery,
  kind: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  severity: Type.Optional(Type.String({ minLength: 1, maxLength: 16 })),
  includeResolved: Type.Optional(Type.Boolean()),
});
const ObjectParams = Type.Object({ connectionId: Uuid, id: Type.String({ minLength: 1, maxLength: 255 }) });

/** The catalog query API (SPEC K3): read-only, tenant from the JWT, row-level security underneath. */
export function registerCatalogRoutes(app: HttpApp, db: Kysely<CatalogDatabase>): void {
  const viewer = requireRole('viewer');
  const tenantOf = (request: { auth: { tenant: string } | null }) => request.auth!.tenant;
  const tags = ['catalog'];

  app.get(
    '/v1/catalog/apps',
    {
      preHandler: viewer,
      schema: { tags, querystring: AppsQuery, response: { 200: pageOf(AppSummary), ...errors } },
    },
    async (request) => withTenant(db, tenantOf(request), (trx) => listApps(trx, request.query)),
  );
  app.get(
    '/v1/catalog/apps/:connectionId/:id',
    { preHandler: viewer, schema: { tags, params: ObjectParams, response: { 200: AppDetail, ...errors } } },
    async (request) => {
      const found = await withTenant(db, tenantOf(request), (trx) =>
        getApp(trx, request.params.connectionId, request.params.id),
      );
      if (!found) throw new NotFoundError('CATALOG_APP_NOT_FOUND', 'No such app in this catalog.');
      return found;
    },
  );
  app.get(
    '/v1/catalog/users',
    {
      preHandler: viewer,
      schema: { tags, querystring: ListQuery, response: { 200: pageOf(UserListItem), ...errors } },
    },
    async (request) => withTenant(db, tenantOf(request), (trx) => listUsers(trx, request.query)),
  );
  app.get(
    '/v1/catalog/users/:connectionId/:id',
    { preHandler: viewer, schema: { tags, params: ObjectParams, response: { 200: UserDetail, ...errors } } },
    async (request) => {
      const found = await withTenant(db, tenantOf(request), (trx) =>
        getUser(trx, request.params.connectionId, request.params.id),
      );
      if (!found) throw new NotFoundError('CATALOG_USER_NOT_FOUND', 'No such user in this catalog.');
      return found;
    },
  );
  app.get(
    '/v1/catalog/groups',
    {
      preHandler: viewer,
      schema: { tags, querystring: ListQuery, response: { 200: pageOf(Group), ...errors } },
    },
    async (request) => withTenant(db, tenantOf(request), (trx) => listGroups(trx, request.query)),
  );
  app.get(
    '/v1/catalog/api-tokens',
    {
      preHandler: viewer,
      schema: { tags, querystring: ListQuery, response: { 200: pageOf(ApiToken), ...errors } },
    },
    async (request) => withTenant(db, tenantOf(request), (trx) => listApiTokens(trx, request.query)),
  );
  app.get(
    '/v1/catalog/admins',
    {
      preHandler: viewer,
      schema: { tags, querystring: ListQuery, response: { 200: pageOf(Admin), ...errors } },
    },
    async (request) => withTenant(db, tenantOf(request), (trx) => listAdmins(trx, request.query)),
  );
  app.get(
    '/v1/catalog/findings',
    {
      preHandler: viewer,
      schema: { tags, querystring: FindingsQuery, response: { 200: pageOf(Finding), ...errors } },
    },
    async (request) => withTenant(db, tenantOf(request), (trx) => listFindings(trx, request.query)),
  );
  app.get(
    '/v1/catalog/connections/:connectionId/summary',
    {
      preHandler: viewer,
      schema: { tags, params: Type.Object({ connectionId: Uuid }), response: { 200: Summary, ...errors } },
    },
    async (request) => {
      const found = await withTenant(db, tenantOf(request), (trx) =>
        connectionSummary(trx, request.params.connectionId),
      );
      if (!found)
        throw new NotFoundError('CATALOG_CONNECTION_NOT_FOUND', 'No catalog data for this connection.');
      return found;
    },
  );
}

export type AppsQuery = Static<typeof AppsQuery>;
