import type { JsonWebKey } from 'node:crypto';

// The simulator's in-memory records: compact, timestamps as epoch milliseconds, no JSON shapes.
// The Okta JSON for each record is built per page by `render.ts`, so only one copy of an org exists.

export const USER_STATUSES = [
  'ACTIVE',
  'DEPROVISIONED',
  'LOCKED_OUT',
  'PASSWORD_EXPIRED',
  'PROVISIONED',
  'RECOVERY',
  'STAGED',
  'SUSPENDED',
] as const;
export type UserStatus = (typeof USER_STATUSES)[number];

export const SIGN_ON_MODES = [
  'AUTO_LOGIN',
  'BASIC_AUTH',
  'BOOKMARK',
  'BROWSER_PLUGIN',
  'OPENID_CONNECT',
  'SAML_1_1',
  'SAML_2_0',
  'SECURE_PASSWORD_STORE',
  'WS_FEDERATION',
] as const;
export type SignOnMode = (typeof SIGN_ON_MODES)[number];

export type GroupType = 'OKTA_GROUP' | 'APP_GROUP' | 'BUILT_IN';
export type AppStatus = 'ACTIVE' | 'INACTIVE';

export const ROLE_TYPES = [
  'SUPER_ADMIN',
  'ORG_ADMIN',
  'APP_ADMIN',
  'USER_ADMIN',
  'HELP_DESK_ADMIN',
  'READ_ONLY_ADMIN',
  'REPORT_ADMIN',
  'API_ACCESS_MANAGEMENT_ADMIN',
  'GROUP_MEMBERSHIP_ADMIN',
] as const;
export type RoleType = (typeof ROLE_TYPES)[number];

export const ROLE_LABELS: Record<RoleType, string> = {
  SUPER_ADMIN: 'Super Administrator',
  ORG_ADMIN: 'Organizational Administrator',
  APP_ADMIN: 'Application Administrator',
  USER_ADMIN: 'Group Administrator',
  HELP_DESK_ADMIN: 'Help Desk Administrator',
  READ_ONLY_ADMIN: 'Read Only Administrator',
  REPORT_ADMIN: 'Report Administrator',
  API_ACCESS_MANAGEMENT_ADMIN: 'API Access Management Administrator',
  GROUP_MEMBERSHIP_ADMIN: 'Group Membership Administrator',
};

export interface UserRecord {
  id: string;
  status: UserStatus;
  created: number;
  activated: number | null;
  statusChanged: number | null;
  lastLogin: number | null;
  lastUpdated: number;
  passwordChanged: number | null;
  login: string;
  email: string;
  firstName: string;
  lastName: string;
  department: string;
}

export interface GroupRecord {
  id: string;
  type: GroupType;
  name: string;
  description: string;
  created: number;
  lastUpdated: number;
  lastMembershipUpdated: number;
  /** For APP_GROUP: the app the group was imported from. */
  sourceAppId: string | null;
}

export interface AppRecord {
  id: string;
  name: string;
  label: string;
  status: AppStatus;
  signOnMode: SignOnMode;
  created: number;
  lastUpdated: number;
  features: string[];
}

/** A direct (scope USER) assignment of a user to an app. */
export interface AppAssignment {
  userId: string;
  created: number;
  lastUpdated: number;
}

export interface GroupAppAssignment {
  appId: string;
  created: number;
}

export interface GrantRecord {
  id: string;
  appId: string;
  status: 'ACTIVE' | 'REVOKED';
  scopeId: string;
  source: 'ADMIN' | 'END_USER';
  userId: string | null;
  created: number;
  lastUpdated: number;
  createdById: string;
}

export interface ApiTokenRecord {
  id: string;
  name: string;
  userId: string;
  clientName: string;
  created: number;
  lastUpdated: number;
  /** null: this token does not expire (the JSON then omits `expiresAt`, which the spec does not allow as null). */
  expiresAt: number | null;
  tokenWindow: string;
  connection: 'ANYWHERE' | 'ZONE';
  /** The SSWS secret that authenticates as this token. */
  secret: string;
  /** The admin role the token acts with (the owner's, unless set). */
  role: RoleType;
}

/** A credential the simulator accepts: every API token's secret, plus registered OAuth bearer tokens. */
export interface AuthToken {
  value: string;
  kind: 'SSWS' | 'Bearer';
  role: RoleType;
  userId: string | null;
  apiTokenId: string | null;
  /** OAuth access tokens minted at /oauth2/v1/token: the granted scopes (absent: a registered Bearer token, unscoped). */
  scopes?: string[];
  /** Epoch ms after which an issued access token answers 401. */
  expiresAt?: number;
  /** The service app an issued access token belongs to. */
  clientId?: string;
}

/** An OAuth 2.0 service app ("API Services" integration) authenticating with private_key_jwt. */
export interface ServiceAppRecord {
  clientId: string;
  name: string;
  status: 'ACTIVE' | 'INACTIVE';
  /** Public JWKs registered with the app (each with a `kid`). */
  keys: JsonWebKey[];
  /** Okta API scopes granted to the app (okta.*.read / okta.*.manage). */
  scopes: string[];
  /** The admin role assigned to the app. */
  role: RoleType;
  /** "Require DPoP header in token requests": on by default for new apps in Okta; off here unless asked. */
  dpopRequired: boolean;
  /** Lifetime of the access tokens it gets (Okta: 3600 s). */
  tokenTtlSeconds: number;
}

export interface RoleAssignment {
  id: string;
  type: RoleType;
  created: number;
  lastUpdated: number;
}

export interface LogRecord {
  uuid: string;
  published: number;
  eventType: string;
  displayMessage: string;
  actorId: string;
  targetId: string;
  targetType: string;
}
