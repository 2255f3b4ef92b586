import { parseFilter } from '../filter.js';
import type { UserRecord } from '../model.js';
import { decodeCursor, linkHeaders, nextUrl, pageWhere, parseLimit } from '../paging.js';
import { renderRole, renderUser } from '../render.js';
import { idKey } from '../sorted.js';
import { type ApiContext, type ApiResult, notFound, ok, type Route } from './route.js';

function readUserField(u: UserRecord, field: string): string | number | null | undefined {
  switch (field) {
    case 'lastUpdated':
    case 'created':
    case 'statusChanged':
    case 'activated':
    case 'lastLogin':
      return u[field];
    case 'status':
    case 'id':
      return u[field];
    case 'profile.login':
      return u.login;
    case 'profile.email':
      return u.email;
    case 'profile.firstName':
      return u.firstName;
    case 'profile.lastName':
      return u.lastName;
    default:
      return undefined;
  }
}

function listUsers(ctx: ApiContext): ApiResult {
  const q = ctx.url.searchParams;
  const after = decodeCursor(q.get('after'));
  if (after === undefined) return { error: 'E0000031', summary: 'Invalid paging cursor' };
  const limit = parseLimit(q.get('limit'), 'users');
  const rawFilter = q.get('filter') ?? q.get('search');
  let keep: (u: UserRecord) => boolean = (u) => u.status !== 'DEPROVISIONED';
  if (rawFilter) {
    // A filtered (or searched) listing includes DEPROVISIONED users; a plain one omits them (Okta docs).
    const f = parseFilter(rawFilter);
    if (!f) return { error: 'E0000031' };
    keep = (u) => f.matches((field) => readUserField(u, field));
  }
  const page = pageWhere(ctx.store.users, idKey, after, limit, keep);
  return ok(
    page.items.map((u) => renderUser(u, ctx.store, ctx.base)),
    linkHeaders(ctx.url, page.next && nextUrl(ctx.url, page.next, limit)),
  );
}

function findUser(ctx: ApiContext, idOrLogin: string): UserRecord | undefined {
  const byId = ctx.store.userById.get(idOrLogin);
  if (byId) return byId;
  const login = decodeURIComponent(idOrLogin).toLowerCase();
  return ctx.store.users.find((u) => u.login.toLowerCase() === login);
}

export const userRoutes: Route[] = [
  {
    template: 'GET /api/v1/users',
    scope: 'okta.users.read',
    pattern: /^\/api\/v1\/users\/?$/,
    handler: listUsers,
  },
  {
    template: 'GET /api/v1/users/me',
    scope: 'okta.users.read',
    pattern: /^\/api\/v1\/users\/me$/,
    handler: (ctx) => {
      const user = ctx.auth.userId ? ctx.store.userById.get(ctx.auth.userId) : undefined;
      return user ? ok(renderUser(user, ctx.store, ctx.base)) : notFound();
    },
  },
  {
    template: 'GET /api/v1/users/{id}/roles',
    scope: 'okta.roles.read',
    pattern: /^\/api\/v1\/users\/([^/]+)\/roles$/,
    privileged: true,
    handler: (ctx) => {
      const user = findUser(ctx, ctx.params[0] as string);
      if (!user) return notFound();
      return ok(
        ctx.store
          .effectiveRoles(user.id)
          .map((r) =>
            renderRole(
              r,
              r.groupId ? `${ctx.base}/api/v1/groups/${r.groupId}` : `${ctx.base}/api/v1/users/${user.id}`,
            ),
          ),
      );
    },
  },
  {
    template: 'GET /api/v1/users/{id}',
    scope: 'okta.users.read',
    pattern: /^\/api\/v1\/users\/([^/]+)$/,
    handler: (ctx) => {
      const user = findUser(ctx, ctx.params[0] as string);
      return user ? ok(renderUser(user, ctx.store, ctx.base)) : notFound();
    },
  },
];
