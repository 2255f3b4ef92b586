import { parseFilter } from '../filter.js';
import type { AppRecord } from '../model.js';
import { decodeCursor, linkHeaders, nextUrl, pageOf, pageWhere, parseLimit } from '../paging.js';
import { renderApp, renderAppUser, renderGrant } from '../render.js';
import { idKey } from '../sorted.js';
import { type ApiContext, type ApiResult, notFound, ok, type Route } from './route.js';

function listApps(ctx: ApiContext): ApiResult {
  const q = ctx.url.searchParams;
  const after = decodeCursor(q.get('after'));
  if (after === undefined) return { error: 'E0000031', summary: 'Invalid paging cursor' };
  const limit = parseLimit(q.get('limit'), 'apps');
  let keep: (a: AppRecord) => boolean = () => true;
  const raw = q.get('filter');
  if (raw) {
    const f = parseFilter(raw);
    if (!f) return { error: 'E0000031' };
    keep = (a) => f.matches((field) => (field === 'status' || field === 'name' ? a[field] : undefined));
  }
  const page = pageWhere(ctx.store.apps, idKey, after, limit, keep);
  return ok(
    page.items.map((a) => renderApp(a, ctx.base)),
    linkHeaders(ctx.url, page.next && nextUrl(ctx.url, page.next, limit)),
  );
}

function listAppUsers(ctx: ApiContext): ApiResult {
  const appId = ctx.params[0] as string;
  if (!ctx.store.appById.has(appId)) return notFound();
  const after = decodeCursor(ctx.url.searchParams.get('after'));
  if (after === undefined) return { error: 'E0000031', summary: 'Invalid paging cursor' };
  const limit = parseLimit(ctx.url.searchParams.get('limit'), 'appUsers');
  const page = pageOf(ctx.store.appUsers(appId), (e) => e.userId, after, limit);
  return ok(
    page.items.map((e) => renderAppUser(e, ctx.store.userById.get(e.userId), appId, ctx.base)),
    linkHeaders(ctx.url, page.next && nextUrl(ctx.url, page.next, limit)),
  );
}

export const appRoutes: Route[] = [
  {
    template: 'GET /api/v1/apps',
    scope: 'okta.apps.read',
    pattern: /^\/api\/v1\/apps\/?$/,
    handler: listApps,
  },
  {
    template: 'GET /api/v1/apps/{id}/users',
    scope: 'okta.apps.read',
    pattern: /^\/api\/v1\/apps\/([^/]+)\/users$/,
    handler: listAppUsers,
  },
  {
    template: 'GET /api/v1/apps/{id}/grants',
    scope: 'okta.appGrants.read',
    pattern: /^\/api\/v1\/apps\/([^/]+)\/grants$/,
    privileged: true,
    handler: (ctx) => {
      const appId = ctx.params[0] as string;
      if (!ctx.store.appById.has(appId)) return notFound();
      return ok((ctx.store.grants.get(appId) ?? []).map((g) => renderGrant(g, ctx.store, ctx.base)));
    },
  },
  {
    template: 'GET /api/v1/apps/{id}',
    scope: 'okta.apps.read',
    pattern: /^\/api\/v1\/apps\/([^/]+)$/,
    handler: (ctx) => {
      const app = ctx.store.appById.get(ctx.params[0] as string);
      return app ? ok(renderApp(app, ctx.base)) : notFound();
    },
  },
];
