import { decodeCursor, encodeCursor, linkHeaders, nextUrl, pageOf, parseLimit } from '../paging.js';
import { renderApiToken, renderAssignee, renderLog, renderOrg } from '../render.js';
import { idKey, selfKey } from '../sorted.js';
import { type ApiContext, type ApiResult, ok, type Route } from './route.js';

function listAssignees(ctx: ApiContext): ApiResult {
  const after = decodeCursor(ctx.url.searchParams.get('after'));
  if (after === undefined) return { error: 'E0000031', summary: 'Invalid paging cursor' };
  const limit = parseLimit(ctx.url.searchParams.get('limit'), 'assignees');
  const page = pageOf(ctx.store.adminUserIds(), selfKey, after, limit);
  // This endpoint pages through `_links.next.href` in the body, not the Link header.
  const links: Record<string, unknown> = {};
  if (page.next) links.next = { href: nextUrl(ctx.url, page.next, limit) };
  return ok({ value: page.items.map((id) => renderAssignee(id, ctx.store, ctx.base)), _links: links });
}

function listApiTokens(ctx: ApiContext): ApiResult {
  const after = decodeCursor(ctx.url.searchParams.get('after'));
  if (after === undefined) return { error: 'E0000031', summary: 'Invalid paging cursor' };
  const limit = parseLimit(ctx.url.searchParams.get('limit'), 'apiTokens');
  const page = pageOf(ctx.store.apiTokens, idKey, after, limit);
  return ok(
    page.items.map((t) => renderApiToken(t, ctx.base)),
    linkHeaders(ctx.url, page.next && nextUrl(ctx.url, page.next, limit)),
  );
}

/** System Log: a `next` link always comes back, because polling the log never ends (Okta docs). */
function listLogs(ctx: ApiContext): ApiResult {
  const q = ctx.url.searchParams;
  const limit = parseLimit(q.get('limit'), 'logs');
  const logs = ctx.store.logs;
  const afterUuid = decodeCursor(q.get('after')) ?? null;
  let start = 0;
  if (afterUuid) start = logs.findIndex((e) => e.uuid.replace(/-/g, '') === afterUuid) + 1;
  else if (q.get('since')) {
    const since = Date.parse(q.get('since') as string);
    start = logs.findIndex((e) => e.published >= since);
    if (start < 0) start = logs.length;
  }
  const until = q.get('until') ? Date.parse(q.get('until') as string) : Number.POSITIVE_INFINITY;
  const items = logs.slice(start, start + limit).filter((e) => e.published <= until);
  const last = items[items.length - 1];
  const cursor = last ? encodeCursor(last.uuid.replace(/-/g, '')) : (q.get('after') ?? '');
  const next = new URL(ctx.url.href);
  next.searchParams.delete('since');
  return ok(
    items.map((e) => renderLog(e, ctx.store)),
    linkHeaders(ctx.url, cursor ? nextUrl(next, cursor, limit) : ctx.url.href),
  );
}

export const orgRoutes: Route[] = [
  {
    template: 'GET /api/v1/iam/assignees/users',
    scope: 'okta.roles.read',
    pattern: /^\/api\/v1\/iam\/assignees\/users$/,
    privileged: true,
    handler: listAssignees,
  },
  {
    template: 'GET /api/v1/api-tokens',
    scope: 'okta.apiTokens.read',
    pattern: /^\/api\/v1\/api-tokens\/?$/,
    privileged: true,
    handler: listApiTokens,
  },
  {
    template: 'GET /api/v1/org',
    scope: 'okta.orgs.read',
    pattern: /^\/api\/v1\/org\/?$/,
    handler: (ctx) => ok(renderOrg(ctx.store, ctx.base)),
  },
  {
    template: 'GET /api/v1/logs',
    scope: 'okta.logs.read',
    pattern: /^\/api\/v1\/logs\/?$/,
    handler: listLogs,
  },
];
