import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Faults } from './faults.js';
import type { ApiTokenRecord, GrantRecord, RoleType, UserStatus } from './model.js';
import { StoreNotFoundError } from './org-store.js';
import type { RateLimitProfileName, RateLimitSettings } from './rate-limit.js';
import type { CreateOrgOptions, OktaSimulator, OrgHandle } from './simulator.js';
import type { PageSizes } from './snapshot.js';

// The control API: JSON under /__control, outside anything Okta serves, for tests and demos to reshape
// an org between syncs. No authentication: the simulator only ever listens on loopback.

type Body = Record<string, unknown>;
type Reply = { status: number; body?: unknown };
type Handler = (sim: OktaSimulator, params: string[], body: Body, url: URL) => Reply;

const ok = (body: unknown = { ok: true }): Reply => ({ status: 200, body });
const created = (body: unknown): Reply => ({ status: 201, body });
const noContent = (): Reply => ({ status: 204 });

const tokenView = (t: ApiTokenRecord) => ({
  id: t.id,
  name: t.name,
  userId: t.userId,
  role: t.role,
  secret: t.secret,
  expiresAt: t.expiresAt === null ? null : new Date(t.expiresAt).toISOString(),
});
const grantView = (g: GrantRecord) => ({ ...g, created: new Date(g.created).toISOString() });

function orgSummary(h: OrgHandle) {
  const s = h.store;
  return {
    domain: h.domain,
    counts: {
      users: s.users.length,
      groups: s.groups.length,
      apps: s.apps.length,
      apiTokens: s.apiTokens.length,
    },
    tokens: h.tokens,
    rateLimits: h.runtime.limiter.settings,
    faults: h.faults,
  };
}

const org = (sim: OktaSimulator, p: string[]) => sim.org(p[0] as string);

const routes: [string, RegExp, Handler][] = [
  [
    'GET',
    /^\/__control\/orgs$/,
    (sim) => ok({ orgs: sim.domains(), default: sim.defaultOrg?.domain ?? null }),
  ],
  [
    'POST',
    /^\/__control\/orgs$/,
    (sim, _p, b) => {
      if (typeof b.domain !== 'string') return { status: 400, body: { error: 'domain is required' } };
      if (sim.hasOrg(b.domain)) return { status: 409, body: { error: `org ${b.domain} exists` } };
      const h = sim.createOrg(b as unknown as CreateOrgOptions);
      if (b.default === true) sim.setDefaultOrg(h.domain);
      return created(orgSummary(h));
    },
  ],
  ['GET', /^\/__control\/orgs\/([^/]+)$/, (sim, p) => ok(orgSummary(org(sim, p)))],
  [
    'DELETE',
    /^\/__control\/orgs\/([^/]+)$/,
    (sim, p) =>
      sim.deleteOrg(p[0] as string) ? noContent() : { status: 404, body: { error: 'unknown org' } },
  ],
  [
    'PUT',
    /^\/__control\/default$/,
    (sim, _p, b) => {
      sim.setDefaultOrg(String(b.domain));
      return ok();
    },
  ],
  ['GET', /^\/__control\/orgs\/([^/]+)\/snapshot$/, (sim, p) => ok(org(sim, p).snapshot())],
  [
    'GET',
    /^\/__control\/orgs\/([^/]+)\/minimum-calls$/,
    (sim, p, _b, url) => {
      const sizes: PageSizes = {};
      for (const [k, v] of url.searchParams) (sizes as Record<string, number>)[k] = Number(v);
      return ok(org(sim, p).minimumCalls(sizes));
    },
  ],
  ['GET', /^\/__control\/orgs\/([^/]+)\/requests$/, (sim, p) => ok(org(sim, p).requestCounts())],
  [
    'DELETE',
    /^\/__control\/orgs\/([^/]+)\/requests$/,
    (sim, p) => {
      org(sim, p).resetRequestCounts();
      return noContent();
    },
  ],
  ['GET', /^\/__control\/orgs\/([^/]+)\/faults$/, (sim, p) => ok(org(sim, p).faults)],
  [
    'PUT',
    /^\/__control\/orgs\/([^/]+)\/faults$/,
    (sim, p, b) => {
      org(sim, p).setFaults(b as Faults);
      return ok(org(sim, p).faults);
    },
  ],
  [
    'PUT',
    /^\/__control\/orgs\/([^/]+)\/rate-limits$/,
    (sim, p, b) => {
      const h = org(sim, p);
      h.setRateLimits(b as Partial<RateLimitSettings>);
      return ok(h.runtime.limiter.settings);
    },
  ],
  [
    'PUT',
    /^\/__control\/orgs\/([^/]+)\/profile$/,
    (sim, p, b) => {
      org(sim, p).setProfile(b.profile as RateLimitProfileName);
      return ok();
    },
  ],
  // users
  ['POST', /^\/__control\/orgs\/([^/]+)\/users$/, (sim, p, b) => created(org(sim, p).addUser(b))],
  [
    'PATCH',
    /^\/__control\/orgs\/([^/]+)\/users\/([^/]+)$/,
    (sim, p, b) => ok(org(sim, p).updateUser(p[1] as string, b)),
  ],
  [
    'POST',
    /^\/__control\/orgs\/([^/]+)\/users\/([^/]+)\/status$/,
    (sim, p, b) => ok(org(sim, p).setUserStatus(p[1] as string, b.status as UserStatus)),
  ],
  [
    'DELETE',
    /^\/__control\/orgs\/([^/]+)\/users\/([^/]+)$/,
    (sim, p) => {
      org(sim, p).removeUser(p[1] as string);
      return noContent();
    },
  ],
  [
    'PUT',
    /^\/__control\/orgs\/([^/]+)\/users\/([^/]+)\/roles\/([A-Z_]+)$/,
    (sim, p) => {
      org(sim, p).assignRole(p[1] as string, p[2] as RoleType);
      return ok();
    },
  ],
  [
    'DELETE',
    /^\/__control\/orgs\/([^/]+)\/users\/([^/]+)\/roles\/([A-Z_]+)$/,
    (sim, p) => {
      org(sim, p).unassignRole(p[1] as string, p[2] as RoleType);
      return noContent();
    },
  ],
  // groups and memberships
  ['POST', /^\/__control\/orgs\/([^/]+)\/groups$/, (sim, p, b) => created(org(sim, p).addGroup(b as never))],
  [
    'DELETE',
    /^\/__control\/orgs\/([^/]+)\/groups\/([^/]+)$/,
    (sim, p) => {
      org(sim, p).removeGroup(p[1] as string);
      return noContent();
    },
  ],
  [
    'PUT',
    /^\/__control\/orgs\/([^/]+)\/groups\/([^/]+)\/users\/([^/]+)$/,
    (sim, p) => ok({ changed: org(sim, p).addGroupMember(p[1] as string, p[2] as string) }),
  ],
  [
    'DELETE',
    /^\/__control\/orgs\/([^/]+)\/groups\/([^/]+)\/users\/([^/]+)$/,
    (sim, p) => ok({ changed: org(sim, p).removeGroupMember(p[1] as string, p[2] as string) }),
  ],
  [
    'PUT',
    /^\/__control\/orgs\/([^/]+)\/groups\/([^/]+)\/apps\/([^/]+)$/,
    (sim, p) => ok({ changed: org(sim, p).assignAppToGroup(p[1] as string, p[2] as string) }),
  ],
  [
    'DELETE',
    /^\/__control\/orgs\/([^/]+)\/groups\/([^/]+)\/apps\/([^/]+)$/,
    (sim, p) => ok({ changed: org(sim, p).unassignAppFromGroup(p[1] as string, p[2] as string) }),
  ],
  // apps, assignments, grants
  ['POST', /^\/__control\/orgs\/([^/]+)\/apps$/, (sim, p, b) => created(org(sim, p).addApp(b as never))],
  [
    'PATCH',
    /^\/__control\/orgs\/([^/]+)\/apps\/([^/]+)$/,
    (sim, p, b) => ok(org(sim, p).updateApp(p[1] as string, b)),
  ],
  [
    'DELETE',
    /^\/__control\/orgs\/([^/]+)\/apps\/([^/]+)$/,
    (sim, p) => {
      org(sim, p).removeApp(p[1] as string);
      return noContent();
    },
  ],
  [
    'PUT',
    /^\/__control\/orgs\/([^/]+)\/apps\/([^/]+)\/users\/([^/]+)$/,
    (sim, p) => ok({ changed: org(sim, p).assignUserToApp(p[1] as string, p[2] as string) }),
  ],
  [
    'DELETE',
    /^\/__control\/orgs\/([^/]+)\/apps\/([^/]+)\/users\/([^/]+)$/,
    (sim, p) => ok({ changed: org(sim, p).unassignUserFromApp(p[1] as string, p[2] as string) }),
  ],
  [
    'POST',
    /^\/__control\/orgs\/([^/]+)\/apps\/([^/]+)\/grants$/,
    (sim, p, b) => created(grantView(org(sim, p).addGrant(p[1] as string, b as never))),
  ],
  [
    'DELETE',
    /^\/__control\/orgs\/([^/]+)\/apps\/([^/]+)\/grants\/([^/]+)$/,
    (sim, p) => {
      org(sim, p).revokeGrant(p[1] as string, p[2] as string);
      return noContent();
    },
  ],
  // API tokens and credentials
  [
    'POST',
    /^\/__control\/orgs\/([^/]+)\/api-tokens$/,
    (sim, p, b) => {
      const input = { ...b } as Record<string, unknown>;
      if (typeof input.expiresAt === 'string') input.expiresAt = Date.parse(input.expiresAt);
      return created(tokenView(org(sim, p).createApiToken(input as never)));
    },
  ],
  [
    'DELETE',
    /^\/__control\/orgs\/([^/]+)\/api-tokens\/([^/]+)$/,
    (sim, p) => {
      org(sim, p).removeApiToken(p[1] as string);
      return noContent();
    },
  ],
  [
    'POST',
    /^\/__control\/orgs\/([^/]+)\/tokens$/,
    (sim, p, b) => created(org(sim, p).registerToken(b as never)),
  ],
  [
    'DELETE',
    /^\/__control\/orgs\/([^/]+)\/tokens\/([^/]+)$/,
    (sim, p) => {
      org(sim, p).revokeToken(p[1] as string);
      return noContent();
    },
  ],
  // OAuth 2.0 service apps and the token endpoint
  [
    'POST',
    /^\/__control\/orgs\/([^/]+)\/service-apps$/,
    (sim, p, b) => created(org(sim, p).registerServiceApp(b as never)),
  ],
  [
    'PATCH',
    /^\/__control\/orgs\/([^/]+)\/service-apps\/([^/]+)$/,
    (sim, p, b) => ok(org(sim, p).updateServiceApp(p[1] as string, b as never)),
  ],
  ['GET', /^\/__control\/orgs\/([^/]+)\/oauth$/, (sim, p) => ok(org(sim, p).oauthStats())],
  [
    'DELETE',
    /^\/__control\/orgs\/([^/]+)\/access-tokens$/,
    (sim, p) => ok({ expired: org(sim, p).expireAccessTokens() }),
  ],
  [
    'POST',
    /^\/__control\/orgs\/([^/]+)\/token-failures$/,
    (sim, p, b) => {
      org(sim, p).failTokenRequests(
        Number(b.count ?? 1),
        b.status === undefined ? undefined : Number(b.status),
      );
      return ok();
    },
  ],
];

async function readJson(req: IncomingMessage): Promise<Body> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  if (chunks.length === 0) return {};
  const parsed: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  return parsed && typeof parsed === 'object' ? (parsed as Body) : {};
}

export async function handleControl(
  sim: OktaSimulator,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://control');
  let reply: Reply;
  try {
    const found = routes.find(([m, re]) => m === req.method && re.test(url.pathname));
    if (!found) reply = { status: 404, body: { error: `no control route ${req.method} ${url.pathname}` } };
    else {
      const params = (found[1].exec(url.pathname) as RegExpExecArray)
        .slice(1)
        .map((x) => decodeURIComponent(x));
      reply = found[2](sim, params, await readJson(req), url);
    }
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const notFound = err instanceof StoreNotFoundError || /^unknown org/.test(message);
    reply = { status: notFound ? 404 : 400, body: { error: message } };
  }
  res.statusCode = reply.status;
  if (reply.body === undefined) {
    res.end();
    return;
  }
  res.setHeader('Content-Type', 'application/json');
  res.end(JSON.stringify(reply.body));
}
