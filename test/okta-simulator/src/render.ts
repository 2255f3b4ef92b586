import type { ApiTokenRecord, AppRecord, GrantRecord, GroupRecord, LogRecord, UserRecord } from './model.js';
import { ROLE_LABELS } from './model.js';
import type { AppUserEntry, EffectiveRole, OrgStore } from './org-store.js';

// Okta JSON built per record on demand, following the schemas of okta-management-subset.yaml.
// `base` is the absolute origin the client used (from its Host header), so every href points back here.

const iso = (ms: number): string => new Date(ms).toISOString();
const isoOrNull = (ms: number | null): string | null => (ms === null ? null : iso(ms));

export function renderUser(u: UserRecord, store: OrgStore, base: string): Record<string, unknown> {
  return {
    id: u.id,
    status: u.status,
    created: iso(u.created),
    activated: isoOrNull(u.activated),
    statusChanged: isoOrNull(u.statusChanged),
    lastLogin: isoOrNull(u.lastLogin),
    lastUpdated: iso(u.lastUpdated),
    passwordChanged: isoOrNull(u.passwordChanged),
    type: { id: store.userTypeId },
    profile: {
      firstName: u.firstName,
      lastName: u.lastName,
      mobilePhone: null,
      secondEmail: null,
      login: u.login,
      email: u.email,
      department: u.department,
    },
    credentials: {
      password: {},
      provider: { type: 'OKTA', name: 'OKTA' },
    },
    _links: { self: { href: `${base}/api/v1/users/${u.id}` } },
  };
}

export function renderGroup(g: GroupRecord, base: string): Record<string, unknown> {
  const links: Record<string, unknown> = {
    logo: [
      { name: 'medium', href: `${base}/assets/img/logos/groups/okta-medium.png`, type: 'image/png' },
      { name: 'large', href: `${base}/assets/img/logos/groups/okta-large.png`, type: 'image/png' },
    ],
    users: { href: `${base}/api/v1/groups/${g.id}/users` },
    apps: { href: `${base}/api/v1/groups/${g.id}/apps` },
  };
  if (g.sourceAppId) links.source = { href: `${base}/api/v1/apps/${g.sourceAppId}` };
  return {
    id: g.id,
    created: iso(g.created),
    lastUpdated: iso(g.lastUpdated),
    lastMembershipUpdated: iso(g.lastMembershipUpdated),
    objectClass: [g.type === 'APP_GROUP' ? 'okta:windows_security_principal' : 'okta:user_group'],
    type: g.type,
    profile:
      g.type === 'APP_GROUP'
        ? { name: g.name, description: g.description, samAccountName: g.name, externalId: g.id.slice(3) }
        : { name: g.name, description: g.description },
    _links: links,
  };
}

// Okta's Expression Language template, written literally (not a JS template).
const SOURCE_LOGIN = '$' + '{source.login}';

function appCredentials(a: AppRecord): Record<string, unknown> {
  switch (a.signOnMode) {
    case 'OPENID_CONNECT':
      return {
        oauthClient: {
          autoKeyRotation: true,
          client_id: a.id,
          token_endpoint_auth_method: 'private_key_jwt',
        },
      };
    case 'SAML_2_0':
    case 'SAML_1_1':
    case 'WS_FEDERATION':
      return {
        userNameTemplate: { template: SOURCE_LOGIN, type: 'BUILT_IN' },
        signing: { kid: `k${a.id}` },
      };
    case 'BOOKMARK':
      return { userNameTemplate: { template: SOURCE_LOGIN, type: 'BUILT_IN' } };
    default:
      return {
        scheme: 'EDIT_USERNAME_AND_PASSWORD',
        userNameTemplate: { template: SOURCE_LOGIN, type: 'BUILT_IN' },
      };
  }
}

export function renderApp(a: AppRecord, base: string): Record<string, unknown> {
  return {
    id: a.id,
    orn: `orn:okta:idp:${a.id}:apps:${a.name}:${a.id}`,
    name: a.name,
    label: a.label,
    status: a.status,
    lastUpdated: iso(a.lastUpdated),
    created: iso(a.created),
    accessibility: { selfService: false },
    visibility: {
      autoSubmitToolbar: false,
      hide: { iOS: false, web: false },
      appLinks: { [`${a.name}_link`]: true },
    },
    features: a.features,
    signOnMode: a.signOnMode,
    credentials: appCredentials(a),
    settings: { app: {}, notifications: { vpn: { network: { connection: 'DISABLED' } } } },
    _links: {
      appLinks: [{ name: `${a.name}_link`, href: `${base}/home/${a.name}/${a.id}/alnk`, type: 'text/html' }],
      groups: { href: `${base}/api/v1/apps/${a.id}/groups` },
      logo: [{ name: 'medium', href: `${base}/assets/img/logos/default.png`, type: 'image/png' }],
      users: { href: `${base}/api/v1/apps/${a.id}/users` },
      deactivate: { href: `${base}/api/v1/apps/${a.id}/lifecycle/deactivate` },
      self: { href: `${base}/api/v1/apps/${a.id}` },
    },
  };
}

export function renderAppUser(
  e: AppUserEntry,
  user: UserRecord | undefined,
  appId: string,
  base: string,
): Record<string, unknown> {
  const links: Record<string, unknown> = {
    app: { href: `${base}/api/v1/apps/${appId}` },
    user: { href: `${base}/api/v1/users/${e.userId}` },
  };
  if (e.groupId) links.group = { name: e.groupId, href: `${base}/api/v1/groups/${e.groupId}` };
  const deactivated = user?.status === 'DEPROVISIONED';
  return {
    id: e.userId,
    created: iso(e.created),
    lastUpdated: iso(Math.max(e.lastUpdated, user?.lastUpdated ?? 0)),
    scope: e.scope,
    status: deactivated ? 'INACTIVE' : user?.status === 'STAGED' ? 'STAGED' : 'ACTIVE',
    statusChanged: iso(e.created),
    passwordChanged: null,
    syncState: 'DISABLED',
    credentials: { userName: user?.login ?? e.userId },
    profile: user ? { email: user.email } : {},
    _links: links,
  };
}

export function renderGrant(g: GrantRecord, store: OrgStore, base: string): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: g.id,
    status: g.status,
    created: iso(g.created),
    createdBy: { id: g.createdById, type: 'User' },
    lastUpdated: iso(g.lastUpdated),
    issuer: `https://${store.domain}`,
    clientId: g.appId,
    scopeId: g.scopeId,
    source: g.source,
    _embedded: { scope: { id: g.scopeId } },
    _links: {
      app: { href: `${base}/api/v1/apps/${g.appId}` },
      self: { href: `${base}/api/v1/apps/${g.appId}/grants/${g.id}` },
      client: { href: `${base}/oauth2/v1/clients/${g.appId}` },
      scope: { href: `${base}/api/v1/scopes/${g.scopeId}` },
    },
  };
  if (g.userId) {
    out.userId = g.userId;
    (out._links as Record<string, unknown>).user = { href: `${base}/api/v1/users/${g.userId}` };
  }
  return out;
}

export function renderApiToken(t: ApiTokenRecord, base: string): Record<string, unknown> {
  const out: Record<string, unknown> = {
    name: t.name,
    userId: t.userId,
    tokenWindow: t.tokenWindow,
    network: { connection: t.connection },
    id: t.id,
    clientName: t.clientName,
    created: iso(t.created),
    lastUpdated: iso(t.lastUpdated),
    _links: {
      self: { href: `${base}/api/v1/api-tokens/${t.id}`, hints: { allow: ['GET', 'DELETE'] } },
      user: { href: `${base}/api/v1/users/${t.userId}`, hints: { allow: ['GET'] } },
    },
  };
  // The spec types expiresAt as a non-null date-time, so a token without expiry omits the field.
  if (t.expiresAt !== null) out.expiresAt = iso(t.expiresAt);
  return out;
}

export function renderRole(r: EffectiveRole, assigneeHref: string): Record<string, unknown> {
  return {
    id: r.role.id,
    label: ROLE_LABELS[r.role.type],
    type: r.role.type,
    status: 'ACTIVE',
    created: iso(r.role.created),
    lastUpdated: iso(r.role.lastUpdated),
    assignmentType: r.assignmentType,
    _links: { assignee: { href: assigneeHref } },
  };
}

export function renderAssignee(userId: string, store: OrgStore, base: string): Record<string, unknown> {
  return {
    id: userId,
    orn: `orn:okta:directory:${store.orgId}:users:${userId}`,
    _links: {
      self: { href: `${base}/api/v1/users/${userId}` },
      roles: { href: `${base}/api/v1/users/${userId}/roles` },
    },
  };
}

export function renderOrg(store: OrgStore, base: string): Record<string, unknown> {
  return {
    id: store.orgId,
    companyName: store.companyName,
    subdomain: store.domain.split('.')[0],
    status: 'ACTIVE',
    created: iso(store.created),
    lastUpdated: iso(store.created),
    website: `https://www.${store.companyName}.example.com`,
    phoneNumber: '+1-555-0100',
    supportPhoneNumber: '+1-555-0101',
    endUserSupportHelpURL: `https://support.${store.companyName}.example.com`,
    address1: '1 Main Street',
    city: 'San Francisco',
    state: 'CA',
    country: 'United States',
    postalCode: '94105',
    _links: {
      contacts: { href: `${base}/api/v1/org/contacts` },
      logo: { href: `${base}/bc/image/fileStoreRecord?id=fs0` },
      oktaCommunication: { href: `${base}/api/v1/org/privacy/oktaCommunication` },
      oktaSupport: { href: `${base}/api/v1/org/privacy/oktaSupport` },
      preferences: { href: `${base}/api/v1/org/preferences` },
      uploadLogo: { href: `${base}/api/v1/org/logo` },
    },
  };
}

export function renderLog(e: LogRecord, store: OrgStore): Record<string, unknown> {
  return {
    uuid: e.uuid,
    published: iso(e.published),
    eventType: e.eventType,
    version: '0',
    severity: 'INFO',
    legacyEventType: e.eventType,
    displayMessage: e.displayMessage,
    actor: {
      id: e.actorId,
      type: 'User',
      alternateId: store.userById.get(e.actorId)?.login ?? 'system',
      displayName: 'Admin',
    },
    client: {
      ipAddress: '127.0.0.1',
      zone: 'null',
      device: 'Computer',
      userAgent: { rawUserAgent: 'appgov-sim', os: 'Linux', browser: 'UNKNOWN' },
    },
    outcome: { result: 'SUCCESS' },
    target: [{ id: e.targetId, type: e.targetType, alternateId: e.targetId, displayName: e.targetId }],
    transaction: { type: 'WEB', id: e.uuid.slice(0, 8), detail: {} },
  };
}
