import { parseFilter } from '../filter.js';
import type { GroupRecord, UserRecord } from '../model.js';
import { decodeCursor, linkHeaders, nextUrl, pageOf, pageWhere, parseLimit } from '../paging.js';
import { renderApp, renderGroup, renderRole, renderUser } from '../render.js';
import { idKey, selfKey } from '../sorted.js';
import { type ApiContext, type ApiResult, notFound, ok, type Route } from './route.js';

function readGroupField(g: GroupRecord, field: string): string | number | null | undefined {
  switch (field) {
    case 'lastUpdated':
    case 'created':
    case 'lastMembershipUpdated':
      return g[field];
    case 'type':
    case 'id':
      return g[field];
    case 'profile.name':
      return g.name;
    default:
      return undefined;
  }
}

function listGroups(ctx: ApiContext): ApiResult {
  const q = ctx.url.searchParams;
  const after = decodeCursor(q.get('after'));
  if (after === undefined) return { error: 'E0000031', summary: 'Invalid paging cursor' };
  const limit = parseLimit(q.get('limit'), 'groups');
  const raw = q.get('filter') ?? q.get('search');
  let keep: (g: GroupRecord) => boolean = () => true;
  if (raw) {
    const f = parseFilter(raw);
    if (!f) return { error: 'E0000031' };
    keep = (g) => f.matches((field) => readGroupField(g, field));
  }
  const page = pageWhere(ctx.store.groups, idKey, after, limit, keep);
  return ok(
    page.items.map((g) => renderGroup(g, ctx.base)),
    linkHeaders(ctx.url, page.next && nextUrl(ctx.url, page.next, limit)),
  );
}

function listMembers(ctx: ApiContext): ApiResult {
  const groupId = ctx.params[0] as string;
  const group = ctx.store.groupById.get(groupId);
  if (!group) return notFound();
  const after = decodeCursor(ctx.url.searchParams.get('after'));
  if (after === undefined) return { error: 'E0000031', summary: 'Invalid paging cursor' };
  const limit = parseLimit(ctx.url.searchParams.get('limit'), 'groupUsers');
  let users: UserRecord[];
  let next: string | null;
  if (group.type === 'BUILT_IN') {
    const page = pageOf(ctx.store.users, idKey, after, limit);
    users = page.items;
    next = page.next;
  } else {
    const page = pageOf(ctx.store.groupMembers.get(groupId) ?? [], selfKey, after, limit);
    users = page.items
      .map((id) => ctx.store.userById.get(id))
      .filter((u): u is UserRecord => u !== undefined);
    next = page.next;
  }
  return ok(
    users.map((u) => renderUser(u, ctx.store, ctx.base)),
    linkHeaders(ctx.url, next && nextUrl(ctx.url, next, limit)),
  );
}

function listGroupApps(ctx: ApiContext): ApiResult {
  const groupId = ctx.params[0] as string;
  if (!ctx.store.groupById.has(groupId)) return notFound();
  const after = decodeCursor(ctx.url.searchParams.get('after'));
  if (after === undefined) return { error: 'E0000031', summary: 'Invalid paging cursor' };
  const limit = parseLimit(ctx.url.searchParams.get('limit'), 'groupApps');
  const page = pageOf(ctx.store.groupApps.get(groupId) ?? [], (a) => a.appId, after, limit);
  const apps = page.items.map((a) => ctx.store.appById.get(a.appId)).filter((a) => a !== undefined);
  return ok(
    apps.map((a) => renderApp(a, ctx.base)),
    linkHeaders(ctx.url, page.next && nextUrl(ctx.url, page.next, limit)),
  );
}

export const groupRoutes: Route[] = [
  {
    template: 'GET /api/v1/groups',
    scope: 'okta.groups.read',
    pattern: /^\/api\/v1\/groups\/?$/,
    handler: listGroups,
  },
  {
    template: 'GET /api/v1/groups/{id}/users',
    scope: 'okta.groups.read',
    pattern: /^\/api\/v1\/groups\/([^/]+)\/users$/,
    handler: listMembers,
  },
  {
    template: 'GET /api/v1/groups/{id}/apps',
    scope: 'okta.groups.read',
    pattern: /^\/api\/v1\/groups\/([^/]+)\/apps$/,
    handler: listGroupApps,
  },
  {
    template: 'GET /api/v1/groups/{id}/roles',
    scope: 'okta.roles.read',
    pattern: /^\/api\/v1\/groups\/([^/]+)\/roles$/,
    privileged: true,
    handler: (ctx) => {
      const groupId = ctx.params[0] as string;
      if (!ctx.store.groupById.has(groupId)) return notFound();
      return ok(
        (ctx.store.groupRoles.get(groupId) ?? []).map((role) =>
          renderRole({ role, assignmentType: 'GROUP', groupId }, `${ctx.base}/api/v1/groups/${groupId}`),
        ),
      );
    },
  },
  {
    template: 'GET /api/v1/groups/{id}',
    scope: 'okta.groups.read',
    pattern: /^\/api\/v1\/groups\/([^/]+)$/,
    handler: (ctx) => {
      const g = ctx.store.groupById.get(ctx.params[0] as string);
      return g ? ok(renderGroup(g, ctx.base)) : notFound();
    },
  },
];
