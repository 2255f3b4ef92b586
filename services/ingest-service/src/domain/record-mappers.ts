// Raw Okta objects → the record shapes of @appgov/contracts (camelCase, flat, nullable where Okta
// may omit a field). Anything the contract does not name is dropped here, so a new Okta field can
// never carry something unexpected (or secret) downstream.
import type {
  ApiTokenRecord,
  AppGrantRecord,
  AppRecord,
  AppUserRecord,
  GroupAppRecord,
  GroupMemberRecord,
  GroupRecord,
  UserRecord,
  UserRoleRecord,
} from '@appgov/contracts';
import type {
  OktaApiToken,
  OktaApp,
  OktaAppUser,
  OktaGrant,
  OktaGroup,
  OktaRole,
  OktaUser,
} from '@appgov/okta-client';

const EPOCH = '1970-01-01T00:00:00.000Z';
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const date = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);

export function toUserRecord(u: OktaUser): UserRecord {
  const p = u.profile ?? {};
  return {
    id: u.id,
    status: u.status as UserRecord['status'],
    login: str(p.login) ?? u.id,
    email: str(p.email),
    firstName: str(p.firstName),
    lastName: str(p.lastName),
    created: date(u.created) ?? EPOCH,
    activated: date(u.activated),
    statusChanged: date(u.statusChanged),
    lastLogin: date(u.lastLogin),
    lastUpdated: date(u.lastUpdated) ?? date(u.created) ?? EPOCH,
    passwordChanged: date(u.passwordChanged),
    typeId: str(u.type?.id),
  };
}

export function toUserRoleRecord(userId: string, r: OktaRole): UserRoleRecord {
  const at = r.assignmentType;
  return {
    userId,
    roleId: r.id,
    type: r.type,
    label: r.label ?? r.type,
    status: str(r.status),
    assignmentType: at === 'GROUP' || at === 'CLIENT' ? at : 'USER',
  };
}

export function toGroupRecord(g: OktaGroup): GroupRecord {
  return {
    id: g.id,
    type: g.type as GroupRecord['type'],
    name: str(g.profile?.name) ?? g.id,
    description: str(g.profile?.description),
    lastUpdated: date(g.lastUpdated) ?? date(g.created) ?? EPOCH,
    lastMembershipUpdated: date(g.lastMembershipUpdated),
  };
}

export function toGroupMemberRecord(groupId: string, u: OktaUser): GroupMemberRecord {
  return { groupId, userId: u.id };
}

export function toGroupAppRecord(groupId: string, a: OktaApp): GroupAppRecord {
  const priority = (a as { priority?: unknown }).priority;
  return { groupId, appId: a.id, priority: typeof priority === 'number' ? priority : null };
}

export function toAppRecord(a: OktaApp): AppRecord {
  return {
    id: a.id,
    name: a.name,
    label: a.label,
    status: a.status as AppRecord['status'],
    signOnMode: str(a.signOnMode),
    created: date(a.created) ?? EPOCH,
    lastUpdated: date(a.lastUpdated) ?? date(a.created) ?? EPOCH,
    features: Array.isArray(a.features) ? a.features.filter((f) => typeof f === 'string') : [],
    credentials: a.credentials ?? null,
    settings: a.settings ?? null,
  };
}

export function toAppUserRecord(appId: string, u: OktaAppUser): AppUserRecord {
  return {
    appId,
    userId: u.id,
    scope: u.scope === 'GROUP' ? 'GROUP' : 'USER',
    status: str(u.status),
    userName: str(u.credentials?.userName),
    lastUpdated: date(u.lastUpdated),
  };
}

export function toAppGrantRecord(appId: string, g: OktaGrant): AppGrantRecord {
  const by = g.createdBy;
  return {
    appId,
    id: g.id,
    status: g.status === 'REVOKED' ? 'REVOKED' : 'ACTIVE',
    issuer: g.issuer ?? '',
    clientId: str(g.clientId),
    scopeId: g.scopeId ?? 'unknown',
    source: g.source === 'END_USER' ? 'END_USER' : 'ADMIN',
    userId: str(g.userId),
    created: date(g.created) ?? EPOCH,
    createdBy: by && typeof by.id === 'string' ? { id: by.id, type: by.type ?? 'User' } : null,
  };
}

export function toApiTokenRecord(t: OktaApiToken): ApiTokenRecord {
  return {
    id: t.id,
    name: t.name ?? t.id,
    userId: t.userId ?? 'unknown',
    clientName: str(t.clientName),
    created: date(t.created) ?? EPOCH,
    expiresAt: date(t.expiresAt),
    lastUpdated: date(t.lastUpdated),
    tokenWindow: str(t.tokenWindow),
    networkConnection: str(t.network?.connection),
  };
}
