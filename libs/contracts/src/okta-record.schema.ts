import { type Static, Type } from '@sinclair/typebox';
import { DateTime, Nullable, OktaId } from './common.schema.js';

// Normalised shapes of the nine datasets as ingest publishes them (camelCase, flattened profiles).
// Key fields follow ../../../shared/okta/README.md "Key fields"; anything Okta may omit is nullable.

const strict = { additionalProperties: false } as const;

/** Okta user statuses. */
export const UserStatus = Type.Union([
  Type.Literal('ACTIVE'),
  Type.Literal('DEPROVISIONED'),
  Type.Literal('LOCKED_OUT'),
  Type.Literal('PASSWORD_EXPIRED'),
  Type.Literal('PROVISIONED'),
  Type.Literal('RECOVERY'),
  Type.Literal('STAGED'),
  Type.Literal('SUSPENDED'),
]);

/** A user (`/api/v1/users`). */
export const UserRecord = Type.Object(
  {
    id: OktaId,
    status: UserStatus,
    login: Type.String(),
    email: Nullable(Type.String()),
    firstName: Nullable(Type.String()),
    lastName: Nullable(Type.String()),
    created: DateTime(),
    activated: Nullable(DateTime()),
    statusChanged: Nullable(DateTime()),
    lastLogin: Nullable(DateTime()),
    lastUpdated: DateTime(),
    passwordChanged: Nullable(DateTime()),
    typeId: Nullable(Type.String()),
  },
  { ...strict, title: 'UserRecord' },
);

/** One admin role assignment of a user (`/api/v1/users/{id}/roles`). */
export const UserRoleRecord = Type.Object(
  {
    userId: OktaId,
    roleId: OktaId,
    // A string, not an enum: Okta adds role types and CUSTOM roles carry their own labels.
    type: Type.String({ minLength: 1, examples: ['SUPER_ADMIN', 'ORG_ADMIN', 'READ_ONLY_ADMIN', 'CUSTOM'] }),
    label: Type.String(),
    status: Nullable(Type.String()),
    assignmentType: Type.Union([Type.Literal('USER'), Type.Literal('GROUP'), Type.Literal('CLIENT')]),
  },
  { ...strict, title: 'UserRoleRecord' },
);

/** A group (`/api/v1/groups`). */
export const GroupRecord = Type.Object(
  {
    id: OktaId,
    type: Type.Union([Type.Literal('APP_GROUP'), Type.Literal('BUILT_IN'), Type.Literal('OKTA_GROUP')]),
    name: Type.String(),
    description: Nullable(Type.String()),
    lastUpdated: DateTime(),
    lastMembershipUpdated: Nullable(DateTime()),
  },
  { ...strict, title: 'GroupRecord' },
);

/** A user's membership of a group (`/api/v1/groups/{id}/users`). */
export const GroupMemberRecord = Type.Object(
  { groupId: OktaId, userId: OktaId },
  { ...strict, title: 'GroupMemberRecord' },
);

/** A group assigned to an app (`/api/v1/apps/{id}/groups` or `/groups/{id}/apps`). */
export const GroupAppRecord = Type.Object(
  { groupId: OktaId, appId: OktaId, priority: Nullable(Type.Integer()) },
  { ...strict, title: 'GroupAppRecord' },
);

/** Okta app statuses. */
export const AppStatus = Type.Union([
  Type.Literal('ACTIVE'),
  Type.Literal('INACTIVE'),
  Type.Literal('DELETED'),
]);

/** An application (`/api/v1/apps`). Credentials and settings keep Okta's shape (secrets never appear there). */
export const AppRecord = Type.Object(
  {
    id: OktaId,
    name: Type.String(),
    label: Type.String(),
    status: AppStatus,
    // A string: Okta's list of sign-on modes grows; findings match the ones they know.
    signOnMode: Nullable(
      Type.String({
        examples: ['AUTO_LOGIN', 'BROWSER_PLUGIN', 'OPENID_CONNECT', 'SAML_2_0', 'SECURE_PASSWORD_STORE'],
      }),
    ),
    created: DateTime(),
    lastUpdated: DateTime(),
    features: Type.Array(Type.String()),
    credentials: Nullable(Type.Record(Type.String(), Type.Unknown())),
    settings: Nullable(Type.Record(Type.String(), Type.Unknown())),
  },
  { ...strict, title: 'AppRecord' },
);

/** A user assigned to an app, directly or through a group (`/api/v1/apps/{id}/users`). */
export const AppUserRecord = Type.Object(
  {
    appId: OktaId,
    userId: OktaId,
    scope: Type.Union([Type.Literal('USER'), Type.Literal('GROUP')]),
    status: Nullable(Type.String()),
    userName: Nullable(Type.String()),
    lastUpdated: Nullable(DateTime()),
  },
  { ...strict, title: 'AppUserRecord' },
);

/** An OAuth scope consent grant of an app (`/api/v1/apps/{id}/grants`). */
export const AppGrantRecord = Type.Object(
  {
    appId: OktaId,
    id: OktaId,
    status: Type.Union([Type.Literal('ACTIVE'), Type.Literal('REVOKED')]),
    issuer: Type.String(),
    clientId: Nullable(Type.String()),
    scopeId: Type.String({ minLength: 1 }),
    source: Type.Union([Type.Literal('ADMIN'), Type.Literal('END_USER')]),
    userId: Nullable(OktaId),
    created: DateTime(),
    createdBy: Nullable(Type.Object({ id: Type.String(), type: Type.String() }, strict)),
  },
  { ...strict, title: 'AppGrantRecord' },
);

/** An SSWS API token's metadata (`/api/v1/api-tokens`); never the token value. */
export const ApiTokenRecord = Type.Object(
  {
    id: OktaId,
    name: Type.String(),
    userId: OktaId,
    clientName: Nullable(Type.String()),
    created: DateTime(),
    expiresAt: Nullable(DateTime()),
    lastUpdated: Nullable(DateTime()),
    tokenWindow: Nullable(Type.String({ description: 'ISO 8601 duration, e.g. P30D' })),
    networkConnection: Nullable(Type.String({ examples: ['ANYWHERE', 'ZONE'] })),
  },
  { ...strict, title: 'ApiTokenRecord' },
);

/** The record schema of each dataset. */
export const recordSchemas = {
  users: UserRecord,
  'user-roles': UserRoleRecord,
  groups: GroupRecord,
  'group-members': GroupMemberRecord,
  'group-apps': GroupAppRecord,
  apps: AppRecord,
  'app-users': AppUserRecord,
  'app-grants': AppGrantRecord,
  'api-tokens': ApiTokenRecord,
} as const;

export type UserRecord = Static<typeof UserRecord>;
export type UserRoleRecord = Static<typeof UserRoleRecord>;
export type GroupRecord = Static<typeof GroupRecord>;
export type GroupMemberRecord = Static<typeof GroupMemberRecord>;
export type GroupAppRecord = Static<typeof GroupAppRecord>;
export type AppRecord = Static<typeof AppRecord>;
export type AppUserRecord = Static<typeof AppUserRecord>;
export type AppGrantRecord = Static<typeof AppGrantRecord>;
export type ApiTokenRecord = Static<typeof ApiTokenRecord>;

/** The record type of each dataset, e.g. `RecordOf<'users'>`. */
export type RecordByDataset = { [D in keyof typeof recordSchemas]: Static<(typeof recordSchemas)[D]> };
/** The record type of one dataset. */
export type RecordOf<D extends keyof RecordByDataset> = RecordByDataset[D];

/** Upper bounds of one `records.batch` (well under the broker's 1 MiB message maximum, before gzip). */
export const RECORD_BATCH_LIMITS = { maxRecords: 500, maxBytes: 512 * 1024 } as const;
