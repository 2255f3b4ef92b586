import { type Static, Type } from '@sinclair/typebox';
import { Count, DatasetCounts, DateTime, Nullable, OktaId, Uuid } from './common.schema.js';
import { defineEvent } from './event-definition.js';
import { AppStatus } from './okta-record.schema.js';

// The published API of Appgov for other teams (SPEC section 6, issue 6): additive changes only.

const strict = { additionalProperties: false } as const;

/** The most ids of one kind an `app.assignments.changed` event lists; beyond it `truncated` is set. */
export const ASSIGNMENT_IDS_LIMIT = 100;

/** The public view of an app (no credentials or settings). */
export const InventoryApp = Type.Object(
  {
    id: OktaId,
    name: Type.String(),
    label: Type.String(),
    status: AppStatus,
    signOnMode: Nullable(Type.String()),
    created: DateTime(),
    lastUpdated: DateTime(),
    features: Type.Array(Type.String()),
  },
  { ...strict, title: 'InventoryApp' },
);
export type InventoryApp = Static<typeof InventoryApp>;

/** The public view of an OAuth scope grant of an app. */
export const InventoryGrant = Type.Object(
  {
    id: OktaId,
    scopeId: Type.String({ minLength: 1 }),
    status: Type.Union([Type.Literal('ACTIVE'), Type.Literal('REVOKED')]),
    issuer: Type.String(),
    clientId: Nullable(Type.String()),
    source: Type.Union([Type.Literal('ADMIN'), Type.Literal('END_USER')]),
    userId: Nullable(OktaId),
    created: DateTime(),
  },
  { ...strict, title: 'InventoryGrant' },
);
export type InventoryGrant = Static<typeof InventoryGrant>;

/** The public view of an API token (metadata only). */
export const InventoryApiToken = Type.Object(
  {
    id: OktaId,
    name: Type.String(),
    userId: OktaId,
    clientName: Nullable(Type.String()),
    created: DateTime(),
    expiresAt: Nullable(DateTime()),
    lastUpdated: Nullable(DateTime()),
    tokenWindow: Nullable(Type.String()),
    networkConnection: Nullable(Type.String()),
  },
  { ...strict, title: 'InventoryApiToken' },
);

/** Kinds of governance findings (SPEC K4). */
export const FindingKind = Type.Union([
  Type.Literal('app_write_scope'),
  Type.Literal('api_token_never_expires'),
  Type.Literal('api_token_owner_deactivated'),
  Type.Literal('api_token_owner_super_admin'),
  Type.Literal('super_admin_count'),
  Type.Literal('deactivated_user_assigned'),
  Type.Literal('app_without_assignments'),
  Type.Literal('password_sign_on_app'),
]);

/** Severity of a finding. */
export const Severity = Type.Union([
  Type.Literal('info'),
  Type.Literal('low'),
  Type.Literal('medium'),
  Type.Literal('high'),
  Type.Literal('critical'),
]);

/** The object a finding is about. */
export const FindingSubject = Type.Object(
  {
    type: Type.Union([
      Type.Literal('app'),
      Type.Literal('api-token'),
      Type.Literal('user'),
      Type.Literal('grant'),
      Type.Literal('connection'),
    ]),
    id: Type.String({ minLength: 1 }),
    label: Type.Optional(Type.String()),
  },
  strict,
);

const findingFields = {
  findingId: Uuid(),
  kind: FindingKind,
  severity: Severity,
  subject: FindingSubject,
  firstSeen: DateTime(),
};

/** `syncId` is null when a change comes from deleting the connection rather than from a sync. */
const SyncRef = Nullable(Uuid());
const RemovalReason = Type.Union([Type.Literal('not_seen_in_sync'), Type.Literal('connection_deleted')]);
const IdList = Type.Array(OktaId, { maxItems: ASSIGNMENT_IDS_LIMIT, uniqueItems: true });

/** Events on `appgov.app-inventory.v1` (key: `tenant:connection:object`, see `inventoryKey`). */
export const appInventoryEvents = {
  'app.discovered': defineEvent({
    version: 1,
    topic: 'appInventory',
    description: 'A sync saw an app for the first time.',
    data: Type.Object({ syncId: Uuid(), app: InventoryApp }, strict),
  }),
  'app.changed': defineEvent({
    version: 1,
    topic: 'appInventory',
    description: 'Fields of a known app changed (names in changedFields; before holds their old values).',
    data: Type.Object(
      {
        syncId: Uuid(),
        appId: OktaId,
        changedFields: Type.Array(Type.String(), { minItems: 1, uniqueItems: true }),
        before: Type.Optional(Type.Partial(InventoryApp)),
        after: InventoryApp,
      },
      strict,
    ),
  }),
  'app.removed': defineEvent({
    version: 1,
    topic: 'appInventory',
    description: 'An app is gone (not seen by a completed sync, or its connection was deleted).',
    data: Type.Object(
      { syncId: SyncRef, appId: OktaId, reason: RemovalReason, app: Type.Optional(InventoryApp) },
      strict,
    ),
  }),
  'app.grant.added': defineEvent({
    version: 1,
    topic: 'appInventory',
    description: 'An app gained an active OAuth scope grant.',
    data: Type.Object({ syncId: Uuid(), appId: OktaId, grant: InventoryGrant }, strict),
  }),
  'app.grant.revoked': defineEvent({
    version: 1,
    topic: 'appInventory',
    description: 'An OAuth scope grant of an app was revoked or disappeared.',
    data: Type.Object(
      {
        syncId: SyncRef,
        appId: OktaId,
        grantId: OktaId,
        scopeId: Type.String({ minLength: 1 }),
        reason: Type.Union([
          Type.Literal('revoked'),
          Type.Literal('removed'),
          Type.Literal('connection_deleted'),
        ]),
      },
      strict,
    ),
  }),
  'app.assignments.changed': defineEvent({
    version: 1,
    topic: 'appInventory',
    description: `Users or groups assigned to an app changed; id lists hold at most ${ASSIGNMENT_IDS_LIMIT} each.`,
    data: Type.Object(
      {
        syncId: Uuid(),
        appId: OktaId,
        userCount: Count,
        groupCount: Count,
        addedUserIds: IdList,
        removedUserIds: IdList,
        addedGroupIds: IdList,
        removedGroupIds: IdList,
        truncated: Type.Boolean({ description: 'True when some id list was cut at the limit' }),
      },
      strict,
    ),
  }),
  'api-token.discovered': defineEvent({
    version: 1,
    topic: 'appInventory',
    description: 'A sync saw an API token for the first time.',
    data: Type.Object({ syncId: Uuid(), token: InventoryApiToken }, strict),
  }),
  'api-token.removed': defineEvent({
    version: 1,
    topic: 'appInventory',
    description: 'An API token is gone.',
    data: Type.Object({ syncId: SyncRef, tokenId: OktaId, reason: RemovalReason }, strict),
  }),
  'inventory.snapshot.completed': defineEvent({
    version: 1,
    topic: 'appInventory',
    description: 'Every change of this sync has been published; counts are the catalog totals after it.',
    data: Type.Object(
      { syncId: Uuid(), counts: DatasetCounts, completedAt: Type.Optional(DateTime()) },
      strict,
    ),
  }),
  'finding.opened': defineEvent({
    version: 1,
    topic: 'appInventory',
    description: 'A governance finding appeared.',
    data: Type.Object(
      { ...findingFields, details: Type.Optional(Type.Record(Type.String(), Type.Unknown())) },
      strict,
    ),
  }),
  'finding.resolved': defineEvent({
    version: 1,
    topic: 'appInventory',
    description: 'A governance finding no longer holds.',
    data: Type.Object({ ...findingFields, resolvedAt: Type.Optional(DateTime()) }, strict),
  }),
} as const;
