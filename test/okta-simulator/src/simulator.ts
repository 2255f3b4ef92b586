import type { Faults } from './faults.js';
import { type GenerateOptions, generateOrg, type IssuedToken } from './generate/generate-org.js';
import type { OrgCounts, SizePreset } from './generate/presets.js';
import { hostnameOf, isAnonymousHost } from './host.js';
import type {
  ApiTokenRecord,
  AppRecord,
  AuthToken,
  GrantRecord,
  GroupRecord,
  RoleType,
  ServiceAppRecord,
  UserRecord,
  UserStatus,
} from './model.js';
import type { OAuthStats } from './oauth.js';
import { OrgRuntime, type RequestCounts, type RequestLogEntry } from './org.js';
import type {
  NewApiTokenInput,
  NewAppInput,
  NewAuthTokenInput,
  NewGrantInput,
  NewGroupInput,
  NewServiceAppInput,
  NewUserInput,
  OrgStore,
  ServiceAppPatch,
  UserPatch,
} from './org-store.js';
import type { RateLimitProfileName, RateLimitSettings } from './rate-limit.js';
import {
  type MinimumCalls,
  minimumCallsOf,
  type OrgSnapshot,
  type PageSizes,
  snapshotOf,
} from './snapshot.js';

export interface CreateOrgOptions {
  domain: string;
  seed?: number;
  size?: SizePreset;
  counts?: Partial<OrgCounts>;
  profile?: RateLimitProfileName;
  rateLimits?: Partial<RateLimitSettings>;
  /** Extra credentials to register (e.g. fixed values for demos, Bearer tokens). */
  tokens?: NewAuthTokenInput[];
  /** OAuth 2.0 service apps (private_key_jwt) that may get access tokens at /oauth2/v1/token. */
  serviceApps?: NewServiceAppInput[];
  faults?: Faults;
}

export interface SimulatorOptions {
  /** Rate-limit window length; Okta's is 60 s, tests use short ones. */
  windowMs?: number;
  defaultDomain?: string;
}

/** Test-facing handle on one org: mutations between syncs, faults, limits and request counts. */
export class OrgHandle {
  constructor(
    readonly runtime: OrgRuntime,
    readonly tokens: IssuedToken[],
  ) {}

  get store(): OrgStore {
    return this.runtime.store;
  }
  get domain(): string {
    return this.store.domain;
  }
  /** The first token: a SUPER_ADMIN SSWS token. */
  get token(): string {
    return (this.tokens[0] as IssuedToken).value;
  }
  tokenFor(role: RoleType): string | undefined {
    return this.tokens.find((t) => t.role === role)?.value;
  }

  addUser(input?: NewUserInput): UserRecord {
    return this.store.addUser(input);
  }
  updateUser(id: string, patch: UserPatch): UserRecord {
    return this.store.updateUser(id, patch);
  }
  setUserStatus(id: string, status: UserStatus): UserRecord {
    return this.store.setUserStatus(id, status);
  }
  deactivateUser(id: string): UserRecord {
    return this.store.setUserStatus(id, 'DEPROVISIONED');
  }
  removeUser(id: string): void {
    this.store.removeUser(id);
  }
  addGroup(input: NewGroupInput): GroupRecord {
    return this.store.addGroup(input);
  }
  removeGroup(id: string): void {
    this.store.removeGroup(id);
  }
  addGroupMember(groupId: string, userId: string): boolean {
    return this.store.addGroupMember(groupId, userId);
  }
  removeGroupMember(groupId: string, userId: string): boolean {
    return this.store.removeGroupMember(groupId, userId);
  }
  assignAppToGroup(groupId: string, appId: string): boolean {
    return this.store.assignAppToGroup(groupId, appId);
  }
  unassignAppFromGroup(groupId: string, appId: string): boolean {
    return this.store.unassignAppFromGroup(groupId, appId);
  }
  addApp(input: NewAppInput): AppRecord {
    return this.store.addApp(input);
  }
  updateApp(
    id: string,
    patch: Partial<Pick<AppRecord, 'label' | 'status' | 'name' | 'features'>>,
  ): AppRecord {
    return this.store.updateApp(id, patch);
  }
  removeApp(id: string): void {
    this.store.removeApp(id);
  }
  assignUserToApp(appId: string, userId: string): boolean {
    return this.store.assignUserToApp(appId, userId);
  }
  unassignUserFromApp(appId: string, userId: string): boolean {
    return this.store.unassignUserFromApp(appId, userId);
  }
  addGrant(appId: string, input: NewGrantInput): GrantRecord {
    return this.store.addGrant(appId, input);
  }
  revokeGrant(appId: string, grantId: string): void {
    this.store.revokeGrant(appId, grantId);
  }
  assignRole(userId: string, type: RoleType): void {
    this.store.assignRole(userId, type);
  }
  unassignRole(userId: string, type: RoleType): void {
    this.store.unassignRole(userId, type);
  }
  createApiToken(input: NewApiTokenInput): ApiTokenRecord {
    return this.store.createApiToken(input);
  }
  removeApiToken(id: string): void {
    this.store.removeApiToken(id);
  }
  /** Registers a credential (SSWS or OAuth Bearer) with an admin role. */
  registerToken(input: NewAuthTokenInput): AuthToken {
    const t = this.store.registerToken(input);
    this.tokens.push({
      value: t.value,
      kind: t.kind,
      role: t.role,
      userId: t.userId,
      name: `${t.kind} ${t.role}`,
    });
    return t;
  }
  /** Revokes an SSWS or Bearer token: later calls with it get 401 E0000011. */
  revokeToken(value: string): void {
    this.store.revokeToken(value);
  }
  /** Registers an OAuth service app with its public key(s), granted scopes and admin role. */
  registerServiceApp(input: NewServiceAppInput): ServiceAppRecord {
    return this.store.registerServiceApp(input);
  }
  updateServiceApp(clientId: string, patch: ServiceAppPatch): ServiceAppRecord {
    return this.store.updateServiceApp(clientId, patch);
  }
  serviceApp(clientId: string): ServiceAppRecord | undefined {
    return this.store.serviceApps.get(clientId);
  }
  /** Ends the access tokens issued so far (of one app, or all): the next call with one gets 401. */
  expireAccessTokens(clientId?: string): number {
    return this.store.expireAccessTokens(clientId);
  }
  /** The next `count` token requests answer `status` (default 503); 0 clears what is left. */
  failTokenRequests(count: number, status?: number): void {
    this.runtime.failTokenRequests(count, status);
  }
  /** Token endpoint counters: requests, tokens issued, refusals by OAuth error. */
  oauthStats(): OAuthStats {
    const o = this.runtime.oauth;
    return { tokenRequests: o.tokenRequests, issued: o.issued, errors: { ...o.errors } };
  }
  setFaults(faults: Faults): void {
    this.runtime.faults = { ...faults };
  }
  get faults(): Faults {
    return this.runtime.faults;
  }
  setRateLimits(settings: Partial<RateLimitSettings>): void {
    this.runtime.limiter.configure(settings);
  }
  setProfile(profile: RateLimitProfileName): void {
    this.runtime.limiter.configure({ profile });
  }
  requestCounts(): RequestCounts {
    return this.runtime.requestCounts();
  }
  resetRequestCounts(): void {
    this.runtime.resetRequestCounts();
  }
  /** Every /api/v1 request with its arrival and response times, status and rate-limit headers. */
  requestLog(): RequestLogEntry[] {
    return this.runtime.requestLog();
  }
  snapshot(): OrgSnapshot {
    return snapshotOf(this.store);
  }
  minimumCalls(pageSizes?: PageSizes): MinimumCalls {
    return minimumCallsOf(this.store, pageSizes);
  }
}

/** Many Okta orgs in one process, keyed by domain. */
export class OktaSimulator {
  private readonly orgs = new Map<string, OrgHandle>();
  private defaultDomain: string | undefined;
  readonly windowMs: number;

  constructor(options: SimulatorOptions = {}) {
    this.windowMs = options.windowMs ?? 60_000;
    this.defaultDomain = options.defaultDomain;
  }

  createOrg(options: CreateOrgOptions): OrgHandle {
    const domain = options.domain.toLowerCase();
    if (this.orgs.has(domain)) throw new Error(`org ${domain} already exists`);
    const seed = options.seed ?? 1;
    const gen: GenerateOptions = { domain, seed, size: options.size ?? 'tiny' };
    if (options.counts) gen.counts = options.counts;
    const { store, tokens } = generateOrg(gen);
    const runtime = new OrgRuntime(
      store,
      seed,
      { profile: options.profile ?? 'workforce', ...options.rateLimits },
      this.windowMs,
    );
    const handle = new OrgHandle(runtime, tokens);
    for (const t of options.tokens ?? []) handle.registerToken(t);
    for (const app of options.serviceApps ?? []) handle.registerServiceApp(app);
    if (options.faults) handle.setFaults(options.faults);
    this.orgs.set(domain, handle);
    this.defaultDomain ??= domain;
    return handle;
  }

  /** The handle of an org; throws when unknown. */
  org(domain: string): OrgHandle {
    const handle = this.orgs.get(domain.toLowerCase());
    if (!handle) throw new Error(`unknown org ${domain}`);
    return handle;
  }

  findOrg(domain: string): OrgHandle | undefined {
    return this.orgs.get(domain.toLowerCase());
  }

  /** The org a request's Host header names (the default org for an IP or `localhost`). */
  orgForHost(hostHeader: string | undefined): { hostname: string; handle: OrgHandle | undefined } {
    const hostname = hostnameOf(hostHeader ?? '127.0.0.1');
    return { hostname, handle: isAnonymousHost(hostname) ? this.defaultOrg : this.findOrg(hostname) };
  }

  hasOrg(domain: string): boolean {
    return this.orgs.has(domain.toLowerCase());
  }

  deleteOrg(domain: string): boolean {
    const key = domain.toLowerCase();
    const deleted = this.orgs.delete(key);
    if (this.defaultDomain === key) this.defaultDomain = this.orgs.keys().next().value;
    return deleted;
  }

  domains(): string[] {
    return [...this.orgs.keys()];
  }

  /** The org served to clients that reach the simulator by IP or `localhost` (e.g. the official SDK). */
  get defaultOrg(): OrgHandle | undefined {
    return this.defaultDomain ? this.orgs.get(this.defaultDomain) : undefined;
  }

  setDefaultOrg(domain: string): void {
    this.org(domain);
    this.defaultDomain = domain.toLowerCase();
  }

  snapshot(domain: string): OrgSnapshot {
    return this.org(domain).snapshot();
  }

  minimumCalls(domain: string, pageSizes?: PageSizes): MinimumCalls {
    return this.org(domain).minimumCalls(pageSizes);
  }
}
