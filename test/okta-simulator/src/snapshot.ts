import type { OrgStore } from './org-store.js';
import { PAGE_SIZES, type PagedDataset } from './paging.js';

const iso = (ms: number): string => new Date(ms).toISOString();
const isoOrNull = (ms: number | null): string | null => (ms === null ? null : iso(ms));

/** The org's full current dataset in a normalized form: ground truth for ingest tests. */
export interface OrgSnapshot {
  domain: string;
  users: {
    id: string;
    status: string;
    login: string;
    email: string;
    firstName: string;
    lastName: string;
    created: string;
    lastUpdated: string;
    lastLogin: string | null;
  }[];
  groups: {
    id: string;
    type: string;
    name: string;
    description: string;
    lastUpdated: string;
    lastMembershipUpdated: string;
  }[];
  /** groupId → sorted member user ids (Everyone lists every user). */
  groupMembers: Record<string, string[]>;
  /** groupId → sorted app ids assigned to the group. */
  groupApps: Record<string, string[]>;
  apps: {
    id: string;
    name: string;
    label: string;
    status: string;
    signOnMode: string;
    created: string;
    lastUpdated: string;
  }[];
  /** appId → rows as GET /apps/{id}/users returns them (direct USER rows win over GROUP rows). */
  appUsers: Record<string, { userId: string; scope: 'USER' | 'GROUP'; groupId: string | null }[]>;
  /** appId → active grants. */
  grants: Record<
    string,
    {
      id: string;
      scopeId: string;
      source: string;
      userId: string | null;
      status: string;
      issuer: string;
      clientId: string;
    }[]
  >;
  apiTokens: {
    id: string;
    name: string;
    userId: string;
    expiresAt: string | null;
    tokenWindow: string;
    created: string;
  }[];
  /** Users with any role (directly or through a group), with their roles. */
  admins: {
    userId: string;
    roles: { type: string; assignmentType: 'USER' | 'GROUP'; groupId: string | null }[];
  }[];
  /** Groups holding roles. */
  groupRoles: Record<string, string[]>;
}

export function snapshotOf(store: OrgStore): OrgSnapshot {
  const groupMembers: OrgSnapshot['groupMembers'] = {};
  const groupApps: OrgSnapshot['groupApps'] = {};
  for (const g of store.groups) {
    groupMembers[g.id] = store.members(g.id).map((m) => (typeof m === 'string' ? m : m.id));
    groupApps[g.id] = (store.groupApps.get(g.id) ?? []).map((a) => a.appId);
  }
  const appUsers: OrgSnapshot['appUsers'] = {};
  const grants: OrgSnapshot['grants'] = {};
  for (const a of store.apps) {
    appUsers[a.id] = store
      .appUsers(a.id)
      .map((e) => ({ userId: e.userId, scope: e.scope, groupId: e.groupId }));
    grants[a.id] = (store.grants.get(a.id) ?? []).map((g) => ({
      id: g.id,
      scopeId: g.scopeId,
      source: g.source,
      userId: g.userId,
      status: g.status,
      issuer: `https://${store.domain}`,
      clientId: g.appId,
    }));
  }
  const groupRoles: OrgSnapshot['groupRoles'] = {};
  for (const [gid, roles] of store.groupRoles) if (roles.length) groupRoles[gid] = roles.map((r) => r.type);
  return {
    domain: store.domain,
    users: store.users.map((u) => ({
      id: u.id,
      status: u.status,
      login: u.login,
      email: u.email,
      firstName: u.firstName,
      lastName: u.lastName,
      created: iso(u.created),
      lastUpdated: iso(u.lastUpdated),
      lastLogin: isoOrNull(u.lastLogin),
    })),
    groups: store.groups.map((g) => ({
      id: g.id,
      type: g.type,
      name: g.name,
      description: g.description,
      lastUpdated: iso(g.lastUpdated),
      lastMembershipUpdated: iso(g.lastMembershipUpdated),
    })),
    groupMembers,
    groupApps,
    apps: store.apps.map((a) => ({
      id: a.id,
      name: a.name,
      label: a.label,
      status: a.status,
      signOnMode: a.signOnMode,
      created: iso(a.created),
      lastUpdated: iso(a.lastUpdated),
    })),
    appUsers,
    grants,
    apiTokens: store.apiTokens.map((t) => ({
      id: t.id,
      name: t.name,
      userId: t.userId,
      expiresAt: isoOrNull(t.expiresAt),
      tokenWindow: t.tokenWindow,
      created: iso(t.created),
    })),
    admins: store.adminUserIds().map((userId) => ({
      userId,
      roles: store
        .effectiveRoles(userId)
        .map((r) => ({ type: r.role.type, assignmentType: r.assignmentType, groupId: r.groupId })),
    })),
    groupRoles,
  };
}

export type PageSizes = Partial<Record<PagedDataset, number>>;

export interface MinimumCalls {
  /** Calls per endpoint template. */
  byEndpoint: Record<string, number>;
  total: number;
}

const pages = (n: number, size: number): number => Math.max(1, Math.ceil(n / size));

/**
 * The fewest Okta calls that read every dataset once with the largest page sizes (or the given ones):
 * ceil(n / pageSize) pages per listing, at least one; every user, DEPROVISIONED ones included (a filtered
 * listing returns them; a plain one omits them); roles only for admins (GET /users/{id}/roles also returns
 * the roles a user holds through a group, so group roles need no calls of their own); members and apps per
 * group; users and grants per app.
 */
export function minimumCallsOf(store: OrgStore, pageSizes: PageSizes = {}): MinimumCalls {
  const size = (d: PagedDataset): number => Math.min(pageSizes[d] ?? PAGE_SIZES[d].max, PAGE_SIZES[d].max);
  const admins = store.adminUserIds().length;
  let groupUsers = 0;
  let groupApps = 0;
  for (const g of store.groups) {
    groupUsers += pages(store.memberCount(g.id), size('groupUsers'));
    groupApps += pages((store.groupApps.get(g.id) ?? []).length, size('groupApps'));
  }
  let appUsers = 0;
  for (const a of store.apps) appUsers += pages(store.appUsers(a.id).length, size('appUsers'));
  const byEndpoint: Record<string, number> = {
    'GET /api/v1/users': pages(store.users.length, size('users')),
    'GET /api/v1/iam/assignees/users': pages(admins, size('assignees')),
    'GET /api/v1/users/{id}/roles': admins,
    'GET /api/v1/groups': pages(store.groups.length, size('groups')),
    'GET /api/v1/groups/{id}/users': groupUsers,
    'GET /api/v1/groups/{id}/apps': groupApps,
    'GET /api/v1/apps': pages(store.apps.length, size('apps')),
    'GET /api/v1/apps/{id}/users': appUsers,
    'GET /api/v1/apps/{id}/grants': store.apps.length,
    'GET /api/v1/api-tokens': pages(store.apiTokens.length, size('apiTokens')),
  };
  return { byEndpoint, total: Object.values(byEndpoint).reduce((a, b) => a + b, 0) };
}
