import { type Static, type TSchema, Type } from '@sinclair/typebox';

/** `T | null`: Okta leaves many timestamps and optional profile fields null. */
export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

/** A UUID (connection, sync, event and finding ids are minted by Appgov as UUIDs). */
export const Uuid = (description?: string) =>
  Type.String({ format: 'uuid', ...(description ? { description } : {}) });

/** An RFC 3339 timestamp. */
export const DateTime = (description?: string) =>
  Type.String({ format: 'date-time', ...(description ? { description } : {}) });

/** A tenant id as carried in the JWT `tenant` claim (opaque, not necessarily a UUID). */
export const TenantId = Type.String({ minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9._:-]+$' });

/** An Okta object id (e.g. `00u1abcd...`); opaque to us. */
export const OktaId = Type.String({ minLength: 1, maxLength: 255 });

/** A non-negative count. */
export const Count = Type.Integer({ minimum: 0 });

/** The nine datasets a sync reads. */
export const DATASETS = [
  'users',
  'user-roles',
  'groups',
  'group-members',
  'group-apps',
  'apps',
  'app-users',
  'app-grants',
  'api-tokens',
] as const;

/** One dataset name. */
export const Dataset = Type.Union([
  Type.Literal('users'),
  Type.Literal('user-roles'),
  Type.Literal('groups'),
  Type.Literal('group-members'),
  Type.Literal('group-apps'),
  Type.Literal('apps'),
  Type.Literal('app-users'),
  Type.Literal('app-grants'),
  Type.Literal('api-tokens'),
]);
/** One dataset name. */
export type Dataset = Static<typeof Dataset>;

/** Counts per dataset (only the datasets that were read appear). */
export const DatasetCounts = Type.Object(
  {
    users: Type.Optional(Count),
    'user-roles': Type.Optional(Count),
    groups: Type.Optional(Count),
    'group-members': Type.Optional(Count),
    'group-apps': Type.Optional(Count),
    apps: Type.Optional(Count),
    'app-users': Type.Optional(Count),
    'app-grants': Type.Optional(Count),
    'api-tokens': Type.Optional(Count),
  },
  { additionalProperties: false },
);

/** Who did something: the JWT subject and email of a person. */
export const Actor = Type.Object(
  { sub: Type.String({ minLength: 1 }), email: Type.String({ minLength: 1 }) },
  { additionalProperties: false },
);
