import { createPublicKey, type JsonWebKey, randomBytes } from 'node:crypto';
import type { Rng } from './generate/prng.js';
import { IdFactory } from './ids.js';
import type {
  ApiTokenRecord,
  AppAssignment,
  AppRecord,
  AppStatus,
  AuthToken,
  GrantRecord,
  GroupAppAssignment,
  GroupRecord,
  GroupType,
  LogRecord,
  RoleAssignment,
  RoleType,
  ServiceAppRecord,
  SignOnMode,
  UserRecord,
  UserStatus,
} from './model.js';
import { idKey, indexOfKey, insertSorted, removeSorted, selfKey, upperBound } from './sorted.js';

/** One row of GET /apps/{id}/users: a direct (USER) or group-derived (GROUP) assignment. */
export interface AppUserEntry {
  userId: string;
  scope: 'USER' | 'GROUP';
  groupId: string | null;
  created: number;
  lastUpdated: number;
}

export interface EffectiveRole {
  role: RoleAssignment;
  assignmentType: 'USER' | 'GROUP';
  groupId: string | null;
}

export interface NewUserInput {
  login?: string;
  email?: string;
  firstName?: string;
  lastName?: string;
  department?: string;
  status?: UserStatus;
  lastLogin?: number | null;
}
export type UserPatch = Partial<Omit<NewUserInput, 'login'>> & { login?: string };

export interface NewGroupInput {
  name: string;
  description?: string;
  type?: GroupType;
  sourceAppId?: string | null;
}

export interface NewAppInput {
  label: string;
  name?: string;
  signOnMode?: SignOnMode;
  status?: AppStatus;
  features?: string[];
}

export interface NewGrantInput {
  scopeId: string;
  source?: 'ADMIN' | 'END_USER';
  userId?: string | null;
  createdById?: string;
}

export interface NewApiTokenInput {
  userId: string;
  name?: string;
  expiresAt?: number | null;
  tokenWindow?: string;
  role?: RoleType;
  secret?: string;
}

export interface NewAuthTokenInput {
  value?: string;
  kind?: 'SSWS' | 'Bearer';
  role: RoleType;
  userId?: string | null;
}

export interface NewServiceAppInput {
  clientId?: string;
  name?: string;
  /** Public keys: JWKs or SPKI/PKCS#1 PEM (private keys are reduced to their public half). */
  keys: (JsonWebKey | string)[];
  scopes: string[];
  role?: RoleType;
  dpopRequired?: boolean;
  tokenTtlSeconds?: number;
}

export type ServiceAppPatch = Partial<
  Pick<ServiceAppRecord, 'status' | 'scopes' | 'role' | 'dpopRequired' | 'tokenTtlSeconds'>
> & { keys?: (JsonWebKey | string)[] };

/** Thrown by store mutations on unknown ids; the control API maps it to 404. */
export class StoreNotFoundError extends Error {
  constructor(what: string, id: string) {
    super(`${what} ${id} not found`);
    this.name = 'StoreNotFoundError';
  }
}

const LOG_CAP = 5000;
const APP_USERS_CACHE = 16;
const ROLE_RANK: RoleType[] = [
  'SUPER_ADMIN',
  'ORG_ADMIN',
  'APP_ADMIN',
  'USER_ADMIN',
  'GROUP_MEMBERSHIP_ADMIN',
  'API_ACCESS_MANAGEMENT_ADMIN',
  'HELP_DESK_ADMIN',
  'REPORT_ADMIN',
  'READ_ONLY_ADMIN',
];

/**
 * The single copy of one org's data. Every collection is kept sorted by id so listings page by cursor;
 * derived views (app users, admins) are cached per `version` and dropped on any mutation.
 */
export class OrgStore {
  readonly users: UserRecord[] = [];
  readonly userById = new Map<string, UserRecord>();
  readonly groups: GroupRecord[] = [];
  readonly groupById = new Map<string, GroupRecord>();
  /** Explicit members (sorted user ids); the BUILT_IN Everyone group has none here: it is every user. */
  readonly groupMembers = new Map<string, string[]>();
  readonly groupApps = new Map<string, GroupAppAssignment[]>();
  readonly appGroups = new Map<string, string[]>();
  readonly apps: AppRecord[] = [];
  readonly appById = new Map<string, AppRecord>();
  readonly appDirect = new Map<string, AppAssignment[]>();
  readonly grants = new Map<string, GrantRecord[]>();
  readonly apiTokens: ApiTokenRecord[] = [];
  readonly authTokens = new Map<string, AuthToken>();
  readonly serviceApps = new Map<string, ServiceAppRecord>();
  /** jti of client assertions already used, with the assertion's expiry (epoch ms): replays are refused. */
  private readonly usedJtis = new Map<string, number>();
  readonly userRoles = new Map<string, RoleAssignment[]>();
  readonly groupRoles = new Map<string, RoleAssignment[]>();
  readonly logs: LogRecord[] = [];
  readonly ids: IdFactory;
  orgId: string;
  companyName: string;
  created: number;
  userTypeId: string;
  version = 0;
  private appUsersCache = new Map<string, { version: number; entries: AppUserEntry[] }>();
  private adminsCache: { version: number; ids: string[] } | null = null;

  constructor(
    readonly domain: string,
    rng: Rng,
    readonly now: () => number = Date.now,
  ) {
    this.ids = new IdFactory(rng);
    this.orgId = this.ids.next('00o');
    this.userTypeId = this.ids.next('oty');
    this.companyName = domain.split('.')[0] ?? domain;
    this.created = now();
  }

  get everyone(): GroupRecord | undefined {
    return this.groups.find((g) => g.type === 'BUILT_IN');
  }

  // ---------- reads ----------

  members(groupId: string): readonly string[] | readonly UserRecord[] {
    const g = this.groupById.get(groupId);
    if (!g) return [];
    return g.type === 'BUILT_IN' ? this.users : (this.groupMembers.get(groupId) ?? []);
  }

  memberCount(groupId: string): number {
    return this.members(groupId).length;
  }

  isMember(groupId: string, userId: string): boolean {
    const g = this.groupById.get(groupId);
    if (!g) return false;
    if (g.type === 'BUILT_IN') return this.userById.has(userId);
    return indexOfKey(this.groupMembers.get(groupId) ?? [], userId, selfKey) >= 0;
  }

  /** Users of an app as Okta lists them: direct assignments win over group-derived ones, sorted by user id. */
  appUsers(appId: string): AppUserEntry[] {
    const cached = this.appUsersCache.get(appId);
    if (cached && cached.version === this.version) return cached.entries;
    const byUser = new Map<string, AppUserEntry>();
    for (const a of this.appDirect.get(appId) ?? []) {
      byUser.set(a.userId, {
        userId: a.userId,
        scope: 'USER',
        groupId: null,
        created: a.created,
        lastUpdated: a.lastUpdated,
      });
    }
    for (const groupId of this.appGroups.get(appId) ?? []) {
      const assignment = (this.groupApps.get(groupId) ?? []).find((x) => x.appId === appId);
      const created = assignment?.created ?? this.created;
      for (const m of this.members(groupId)) {
        const userId = typeof m === 'string' ? m : m.id;
        if (byUser.has(userId)) continue;
        byUser.set(userId, { userId, scope: 'GROUP', groupId, created, lastUpdated: created });
      }
    }
    const entries = [...byUser.values()].sort((a, b) =>
      a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0,
    );
    // A small LRU: the large preset has apps with 100k users, and keeping all of them would be a second copy.
    this.appUsersCache.delete(appId);
    this.appUsersCache.set(appId, { version: this.version, entries });
    while (this.appUsersCache.size > APP_USERS_CACHE) {
      const oldest = this.appUsersCache.keys().next().value as string;
      this.appUsersCache.delete(oldest);
    }
    return entries;
  }

  groupsOfUser(userId: string): string[] {
    const out: string[] = [];
    for (const g of this.groups) if (this.isMember(g.id, userId)) out.push(g.id);
    return out;
  }

  /** Direct roles first, then roles inherited from admin groups the user belongs to. */
  effectiveRoles(userId: string): EffectiveRole[] {
    const out: EffectiveRole[] = (this.userRoles.get(userId) ?? []).map((role) => ({
      role,
      assignmentType: 'USER' as const,
      groupId: null,
    }));
    for (const [groupId, roles] of this.groupRoles) {
      if (!this.isMember(groupId, userId)) continue;
      for (const role of roles) out.push({ role, assignmentType: 'GROUP', groupId });
    }
    return out;
  }

  /** Sorted ids of users holding any role, directly or through a group (what /iam/assignees/users lists). */
  adminUserIds(): string[] {
    if (this.adminsCache?.version === this.version) return this.adminsCache.ids;
    const set = new Set<string>();
    for (const [userId, roles] of this.userRoles) if (roles.length > 0) set.add(userId);
    for (const [groupId, roles] of this.groupRoles) {
      if (roles.length === 0) continue;
      for (const m of this.members(groupId)) set.add(typeof m === 'string' ? m : m.id);
    }
    const ids = [...set].sort();
    this.adminsCache = { version: this.version, ids };
    return ids;
  }

  /** The strongest role a user holds, used as the role of the tokens they create. */
  primaryRole(userId: string): RoleType | undefined {
    const types = new Set(this.effectiveRoles(userId).map((r) => r.role.type));
    return ROLE_RANK.find((t) => types.has(t));
  }

  /** The credential for a presented token, or undefined when unknown, revoked, expired or its owner is gone. */
  authenticate(value: string): AuthToken | undefined {
    const token = this.authTokens.get(value);
    if (!token) return undefined;
    if (token.userId) {
      const owner = this.userById.get(token.userId);
      // Okta: a token dies when the admin who made it is deactivated.
      if (!owner || owner.status === 'DEPROVISIONED') return undefined;
    }
    if (token.apiTokenId) {
      const meta = this.apiTokens[indexOfKey(this.apiTokens, token.apiTokenId, idKey)];
      if (!meta) return undefined;
      if (meta.expiresAt !== null && meta.expiresAt < this.now()) return undefined;
    }
    if (token.expiresAt !== undefined && token.expiresAt <= this.now()) return undefined;
    if (token.clientId && this.serviceApps.get(token.clientId)?.status !== 'ACTIVE') return undefined;
    return token;
  }

  // ---------- users ----------

  addUser(input: NewUserInput = {}, at = this.now()): UserRecord {
    const id = this.ids.next('00u');
    const first = input.firstName ?? 'New';
    const last = input.lastName ?? `User ${id.slice(-4)}`;
    const login = input.login ?? `${id.toLowerCase()}@${this.companyName}.example.com`;
    const status = input.status ?? 'ACTIVE';
    const user: UserRecord = {
      id,
      status,
      created: at,
      activated: status === 'STAGED' || status === 'PROVISIONED' ? null : at,
      statusChanged: at,
      lastLogin: input.lastLogin ?? null,
      lastUpdated: at,
      passwordChanged: status === 'STAGED' ? null : at,
      login,
      email: input.email ?? login,
      firstName: first,
      lastName: last,
      department: input.department ?? 'Engineering',
    };
    insertSorted(this.users, user, idKey);
    this.userById.set(id, user);
    this.touch('user.lifecycle.create', `Create okta user`, id, 'User');
    return user;
  }

  updateUser(id: string, patch: UserPatch): UserRecord {
    const user = this.requireUser(id);
    const at = this.now();
    const { status, ...rest } = patch;
    for (const [k, v] of Object.entries(rest))
      if (v !== undefined) (user as unknown as Record<string, unknown>)[k] = v;
    if (status && status !== user.status) {
      user.status = status;
      user.statusChanged = at;
      if (status === 'ACTIVE' && user.activated === null) user.activated = at;
      this.touch(
        status === 'DEPROVISIONED' ? 'user.lifecycle.deactivate' : 'user.lifecycle.update',
        `User status ${status}`,
        id,
        'User',
      );
    } else {
      this.touch('user.account.update_profile', 'Update user profile', id, 'User');
    }
    user.lastUpdated = at;
    return user;
  }

  setUserStatus(id: string, status: UserStatus): UserRecord {
    return this.updateUser(id, { status });
  }

  removeUser(id: string): void {
    this.requireUser(id);
    const at = this.now();
    removeSorted(this.users, id, idKey);
    this.userById.delete(id);
    for (const [groupId, members] of this.groupMembers) {
      if (removeSorted(members, id, selfKey) !== undefined) this.membershipChanged(groupId, at);
    }
    for (const assignments of this.appDirect.values()) removeSorted(assignments, id, (a) => a.userId);
    this.userRoles.delete(id);
    for (const t of this.apiTokens.filter((x) => x.userId === id)) this.removeApiToken(t.id);
    for (const [value, t] of this.authTokens) if (t.userId === id) this.authTokens.delete(value);
    this.touch('user.lifecycle.delete.completed', 'Delete okta user', id, 'User');
  }

  // ---------- groups ----------

  addGroup(input: NewGroupInput, at = this.now()): GroupRecord {
    const group: GroupRecord = {
      id: this.ids.next('00g'),
      type: input.type ?? 'OKTA_GROUP',
      name: input.name,
      description: input.description ?? '',
      created: at,
      lastUpdated: at,
      lastMembershipUpdated: at,
      sourceAppId: input.sourceAppId ?? null,
    };
    insertSorted(this.groups, group, idKey);
    this.groupById.set(group.id, group);
    if (group.type !== 'BUILT_IN') this.groupMembers.set(group.id, []);
    this.touch('group.lifecycle.create', 'Create okta group', group.id, 'UserGroup');
    return group;
  }

  removeGroup(id: string): void {
    this.requireGroup(id);
    removeSorted(this.groups, id, idKey);
    this.groupById.delete(id);
    this.groupMembers.delete(id);
    for (const a of this.groupApps.get(id) ?? [])
      removeSorted(this.appGroups.get(a.appId) ?? [], id, selfKey);
    this.groupApps.delete(id);
    this.groupRoles.delete(id);
    this.touch('group.lifecycle.delete', 'Delete okta group', id, 'UserGroup');
  }

  addGroupMember(groupId: string, userId: string): boolean {
    const group = this.requireGroup(groupId);
    this.requireUser(userId);
    if (group.type === 'BUILT_IN') return false;
    const members = this.groupMembers.get(groupId) ?? [];
    this.groupMembers.set(groupId, members);
    const added = insertSorted(members, userId, selfKey);
    if (added) this.membershipChanged(groupId, this.now());
    this.touch('group.user_membership.add', 'Add user to group membership', groupId, 'UserGroup');
    return added;
  }

  removeGroupMember(groupId: string, userId: string): boolean {
    this.requireGroup(groupId);
    const removed = removeSorted(this.groupMembers.get(groupId) ?? [], userId, selfKey) !== undefined;
    if (removed) this.membershipChanged(groupId, this.now());
    this.touch('group.user_membership.remove', 'Remove user from group membership', groupId, 'UserGroup');
    return removed;
  }

  assignAppToGroup(groupId: string, appId: string, at = this.now()): boolean {
    this.requireGroup(groupId);
    this.requireApp(appId);
    const list = this.groupApps.get(groupId) ?? [];
    this.groupApps.set(groupId, list);
    const added = insertSorted(list, { appId, created: at }, (a) => a.appId);
    const groupsOfApp = this.appGroups.get(appId) ?? [];
    this.appGroups.set(appId, groupsOfApp);
    insertSorted(groupsOfApp, groupId, selfKey);
    this.touch('application.user_membership.add', 'Assign app to group', appId, 'AppInstance');
    return added;
  }

  unassignAppFromGroup(groupId: string, appId: string): boolean {
    const removed = removeSorted(this.groupApps.get(groupId) ?? [], appId, (a) => a.appId) !== undefined;
    removeSorted(this.appGroups.get(appId) ?? [], groupId, selfKey);
    this.touch('application.user_membership.remove', 'Unassign app from group', appId, 'AppInstance');
    return removed;
  }

  // ---------- apps ----------

  addApp(input: NewAppInput, at = this.now()): AppRecord {
    const app: AppRecord = {
      id: this.ids.next('0oa'),
      name: input.name ?? input.label.toLowerCase().replace(/[^a-z0-9]+/g, '_'),
      label: input.label,
      status: input.status ?? 'ACTIVE',
      signOnMode: input.signOnMode ?? 'SAML_2_0',
      created: at,
      lastUpdated: at,
      features: input.features ?? [],
    };
    insertSorted(this.apps, app, idKey);
    this.appById.set(app.id, app);
    this.appDirect.set(app.id, []);
    this.touch('application.lifecycle.create', 'Add application', app.id, 'AppInstance');
    return app;
  }

  updateApp(
    id: string,
    patch: Partial<Pick<AppRecord, 'label' | 'status' | 'name' | 'features'>>,
  ): AppRecord {
    const app = this.requireApp(id);
    for (const [k, v] of Object.entries(patch))
      if (v !== undefined) (app as unknown as Record<string, unknown>)[k] = v;
    app.lastUpdated = this.now();
    this.touch('application.lifecycle.update', 'Update application', id, 'AppInstance');
    return app;
  }

  removeApp(id: string): void {
    this.requireApp(id);
    removeSorted(this.apps, id, idKey);
    this.appById.delete(id);
    this.appDirect.delete(id);
    this.grants.delete(id);
    for (const groupId of this.appGroups.get(id) ?? []) {
      removeSorted(this.groupApps.get(groupId) ?? [], id, (a) => a.appId);
    }
    this.appGroups.delete(id);
    for (const g of this.groups) if (g.sourceAppId === id) g.sourceAppId = null;
    this.touch('application.lifecycle.delete', 'Delete application', id, 'AppInstance');
  }

  assignUserToApp(appId: string, userId: string, at = this.now()): boolean {
    this.requireApp(appId);
    this.requireUser(userId);
    const list = this.appDirect.get(appId) ?? [];
    this.appDirect.set(appId, list);
    const added = insertSorted(list, { userId, created: at, lastUpdated: at }, (a) => a.userId);
    this.touch('application.user_membership.add', 'Add user to application membership', appId, 'AppInstance');
    return added;
  }

  unassignUserFromApp(appId: string, userId: string): boolean {
    this.requireApp(appId);
    const removed = removeSorted(this.appDirect.get(appId) ?? [], userId, (a) => a.userId) !== undefined;
    this.touch('application.user_membership.remove', 'Remove user from application', appId, 'AppInstance');
    return removed;
  }

  // ---------- grants ----------

  addGrant(appId: string, input: NewGrantInput, at = this.now()): GrantRecord {
    this.requireApp(appId);
    const grant: GrantRecord = {
      id: this.ids.next('oag'),
      appId,
      status: 'ACTIVE',
      scopeId: input.scopeId,
      source: input.source ?? 'ADMIN',
      userId: input.userId ?? null,
      created: at,
      lastUpdated: at,
      createdById: input.createdById ?? this.adminUserIds()[0] ?? '',
    };
    const list = this.grants.get(appId) ?? [];
    this.grants.set(appId, list);
    insertSorted(list, grant, idKey);
    this.touch('app.oauth2.as.consent.grant', 'Grant scope', appId, 'AppInstance');
    return grant;
  }

  /** Okta's revoke deletes the grant: it no longer appears in the listing. */
  revokeGrant(appId: string, grantId: string): void {
    if (!removeSorted(this.grants.get(appId) ?? [], grantId, idKey))
      throw new StoreNotFoundError('grant', grantId);
    this.touch('app.oauth2.as.consent.revoke', 'Revoke scope', appId, 'AppInstance');
  }

  // ---------- roles ----------

  assignRole(userId: string, type: RoleType, at = this.now()): RoleAssignment {
    this.requireUser(userId);
    const list = this.userRoles.get(userId) ?? [];
    this.userRoles.set(userId, list);
    const existing = list.find((r) => r.type === type);
    if (existing) return existing;
    const role: RoleAssignment = { id: this.roleId(), type, created: at, lastUpdated: at };
    list.push(role);
    this.touch('user.account.privilege.grant', `Grant ${type}`, userId, 'User');
    return role;
  }

  unassignRole(userId: string, type: RoleType): void {
    const list = this.userRoles.get(userId) ?? [];
    const i = list.findIndex((r) => r.type === type);
    if (i >= 0) list.splice(i, 1);
    if (list.length === 0) this.userRoles.delete(userId);
    this.touch('user.account.privilege.revoke', `Revoke ${type}`, userId, 'User');
  }

  assignGroupRole(groupId: string, type: RoleType, at = this.now()): RoleAssignment {
    this.requireGroup(groupId);
    const list = this.groupRoles.get(groupId) ?? [];
    this.groupRoles.set(groupId, list);
    const role: RoleAssignment = { id: this.roleId(), type, created: at, lastUpdated: at };
    list.push(role);
    this.touch('group.privilege.grant', `Grant ${type}`, groupId, 'UserGroup');
    return role;
  }

  // ---------- API tokens and credentials ----------

  createApiToken(input: NewApiTokenInput, at = this.now()): ApiTokenRecord {
    this.requireUser(input.userId);
    const token: ApiTokenRecord = {
      id: this.ids.next('00T'),
      name: input.name ?? 'API token',
      userId: input.userId,
      clientName: 'Okta API',
      created: at,
      lastUpdated: at,
      expiresAt: input.expiresAt === undefined ? at + 30 * 86_400_000 : input.expiresAt,
      tokenWindow: input.tokenWindow ?? 'P30D',
      connection: 'ANYWHERE',
      secret: input.secret ?? `00${this.ids.secret(40)}`,
      role: input.role ?? this.primaryRole(input.userId) ?? 'READ_ONLY_ADMIN',
    };
    insertSorted(this.apiTokens, token, idKey);
    this.authTokens.set(token.secret, {
      value: token.secret,
      kind: 'SSWS',
      role: token.role,
      userId: token.userId,
      apiTokenId: token.id,
    });
    this.touch('system.api_token.create', 'Create API token', token.id, 'Token');
    return token;
  }

  removeApiToken(id: string): void {
    const token = removeSorted(this.apiTokens, id, idKey);
    if (!token) throw new StoreNotFoundError('api token', id);
    this.authTokens.delete(token.secret);
    this.touch('system.api_token.revoke', 'Revoke API token', id, 'Token');
  }

  /** Registers a credential; SSWS tokens get an API token record too, Bearer tokens (OAuth) do not. */
  registerToken(input: NewAuthTokenInput): AuthToken {
    const kind = input.kind ?? 'SSWS';
    const userId = input.userId === undefined ? (this.adminUserIds()[0] ?? null) : input.userId;
    if (kind === 'SSWS' && userId) {
      const t = this.createApiToken({
        userId,
        role: input.role,
        name: `${input.role.toLowerCase()} token`,
        ...(input.value ? { secret: input.value } : {}),
      });
      return this.authTokens.get(t.secret) as AuthToken;
    }
    const token: AuthToken = {
      value: input.value ?? `${kind === 'SSWS' ? '00' : 'eyJ'}${this.ids.secret(40)}`,
      kind,
      role: input.role,
      userId,
      apiTokenId: null,
    };
    this.authTokens.set(token.value, token);
    this.version++;
    return token;
  }

  revokeToken(value: string): void {
    const token = this.authTokens.get(value);
    if (!token) throw new StoreNotFoundError('token', value);
    if (token.apiTokenId) this.removeApiToken(token.apiTokenId);
    else this.authTokens.delete(value);
    this.version++;
  }

  // ---------- OAuth 2.0 service apps ----------

  registerServiceApp(input: NewServiceAppInput): ServiceAppRecord {
    const clientId = input.clientId ?? `0oa${randomBytes(13).toString('base64url').replace(/[-_]/g, 'x')}`;
    if (this.serviceApps.has(clientId)) throw new Error(`service app ${clientId} already exists`);
    const app: ServiceAppRecord = {
      clientId,
      name: input.name ?? 'Appgov service app',
      status: 'ACTIVE',
      keys: input.keys.map(publicJwkOf),
      scopes: [...input.scopes],
      role: input.role ?? 'SUPER_ADMIN',
      dpopRequired: input.dpopRequired ?? false,
      tokenTtlSeconds: input.tokenTtlSeconds ?? 3600,
    };
    this.serviceApps.set(clientId, app);
    return app;
  }

  updateServiceApp(clientId: string, patch: ServiceAppPatch): ServiceAppRecord {
    const app = this.serviceApps.get(clientId);
    if (!app) throw new StoreNotFoundError('service app', clientId);
    const { keys, ...rest } = patch;
    Object.assign(app, rest);
    if (keys) app.keys = keys.map(publicJwkOf);
    // Okta applies role and scope changes to tokens already issued; dropping them is the simple equivalent.
    if (patch.scopes || patch.role || patch.status === 'INACTIVE') this.expireAccessTokens(clientId);
    return app;
  }

  /** Mints an opaque access token for a service app (what /oauth2/v1/token hands out). */
  issueAccessToken(app: ServiceAppRecord, scopes: string[]): AuthToken {
    const now = this.now();
    for (const [value, t] of this.authTokens) {
      if (t.expiresAt !== undefined && t.expiresAt <= now) this.authTokens.delete(value);
    }
    const token: AuthToken = {
      value: `eyJ${randomBytes(30).toString('base64url')}`,
      kind: 'Bearer',
      role: app.role,
      userId: null,
      apiTokenId: null,
      scopes,
      expiresAt: now + app.tokenTtlSeconds * 1000,
      clientId: app.clientId,
    };
    this.authTokens.set(token.value, token);
    return token;
  }

  /** Ends every access token of one service app (or of all): later calls with them get 401. */
  expireAccessTokens(clientId?: string): number {
    let n = 0;
    for (const [value, t] of this.authTokens) {
      if (t.clientId && (clientId === undefined || t.clientId === clientId)) {
        this.authTokens.delete(value);
        n++;
      }
    }
    return n;
  }

  /** Records a client assertion's jti; false when it was used before and has not expired yet. */
  consumeJti(clientId: string, jti: string, expiresAtMs: number): boolean {
    const now = this.now();
    for (const [k, exp] of this.usedJtis) if (exp < now) this.usedJtis.delete(k);
    const key = `${clientId} ${jti}`;
    if (this.usedJtis.has(key)) return false;
    this.usedJtis.set(key, expiresAtMs);
    return true;
  }

  // ---------- internals ----------

  requireUser(id: string): UserRecord {
    const u = this.userById.get(id);
    if (!u) throw new StoreNotFoundError('user', id);
    return u;
  }

  requireGroup(id: string): GroupRecord {
    const g = this.groupById.get(id);
    if (!g) throw new StoreNotFoundError('group', id);
    return g;
  }

  requireApp(id: string): AppRecord {
    const a = this.appById.get(id);
    if (!a) throw new StoreNotFoundError('app', id);
    return a;
  }

  private roleId(): string {
    return `ra${this.ids.secret(13).toUpperCase()}`;
  }

  private membershipChanged(groupId: string, at: number): void {
    const g = this.groupById.get(groupId);
    if (g) g.lastMembershipUpdated = at;
  }

  /** Bumps the version (invalidating derived views) and records a System Log event. */
  touch(eventType: string, displayMessage: string, targetId: string, targetType: string): void {
    this.version++;
    if (this.generating) return;
    this.logs.push({
      uuid: `${this.ids.secret(8)}-${this.ids.secret(4)}-${this.ids.secret(4)}-${this.ids.secret(4)}-${this.ids.secret(12)}`,
      published: this.now(),
      eventType,
      displayMessage,
      actorId: this.adminUserIds()[0] ?? 'system',
      targetId,
      targetType,
    });
    if (this.logs.length > LOG_CAP) this.logs.splice(0, this.logs.length - LOG_CAP);
  }

  /** True while the generator fills the org: no log events, which would be a second copy of the org. */
  generating = false;

  /** Index of the first user after a cursor id (exposed for paging over the users array). */
  static after<T>(items: readonly T[], cursor: string | null, keyOf: (t: T) => string): number {
    return cursor === null ? 0 : upperBound(items, cursor, keyOf);
  }
}

/** The public JWK of a registered key (a private JWK or PEM is reduced to its public half; `kid` kept). */
function publicJwkOf(key: JsonWebKey | string): JsonWebKey {
  const kid = typeof key === 'string' ? undefined : key.kid;
  const pub = createPublicKey(typeof key === 'string' ? key : { key, format: 'jwk' }).export({
    format: 'jwk',
  });
  return kid === undefined ? pub : { ...pub, kid };
}
