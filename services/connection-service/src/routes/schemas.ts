import { Type } from '@sinclair/typebox';

const Nullable = <T extends ReturnType<typeof Type.String>>(s: T) => Type.Union([s, Type.Null()]);
const DateTimeOrNull = Type.Union([Type.String({ format: 'date-time' }), Type.Null()]);
const IntOrNull = Type.Union([Type.Integer(), Type.Null()]);

export const ConnectionIdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });

export const CurrentSync = Type.Union([
  Type.Object({
    syncId: Type.String({ format: 'uuid' }),
    trigger: Type.String(),
    state: Type.Union([Type.Literal('requested'), Type.Literal('running')]),
    requestedAt: Type.String({ format: 'date-time' }),
    startedAt: DateTimeOrNull,
  }),
  Type.Null(),
]);

export const ConnectionStatus = Type.Union([
  Type.Literal('in_progress'),
  Type.Literal('success'),
  Type.Literal('error'),
]);

export const StaleReason = Type.Union([
  Type.Literal('last_success_too_old'),
  Type.Literal('never_synced'),
  Type.Literal('sync_running_too_long'),
  Type.Null(),
]);

/** A connection as the Integrations window shows it (C3, C5, C6, C7). */
export const Connection = Type.Object({
  id: Type.String({ format: 'uuid' }),
  provider: Type.String(),
  domain: Type.String({ description: 'Normalised Okta domain, e.g. acme.okta.com' }),
  token: Type.Object({
    masked: Type.String({ description: 'Only the last four characters are ever shown' }),
    last4: Type.String(),
    fingerprint: Type.String({ description: 'First 16 hex characters of the SHA-256 of the token' }),
    updatedAt: Type.String({ format: 'date-time' }),
  }),
  adminRole: Nullable(Type.String()),
  permissionWarnings: Type.Array(Type.String()),
  firstConnected: Type.Object({
    at: Type.String({ format: 'date-time' }),
    by: Type.Object({ sub: Type.String(), email: Type.String() }),
  }),
  lastSynced: Type.Object({ at: DateTimeOrNull, durationMs: IntOrNull }, { description: 'null at: N/A' }),
  lastSyncFinishedAt: DateTimeOrNull,
  stale: Type.Boolean(),
  staleReason: StaleReason,
  status: ConnectionStatus,
  statusReasonCode: Nullable(Type.String()),
  statusMessage: Nullable(Type.String()),
  currentSync: CurrentSync,
  nextSyncAt: DateTimeOrNull,
});

export const SyncRun = Type.Object({
  syncId: Type.String({ format: 'uuid' }),
  connectionId: Type.String({ format: 'uuid' }),
  trigger: Type.String(),
  outcome: Type.Union([
    Type.Literal('requested'),
    Type.Literal('running'),
    Type.Literal('completed'),
    Type.Literal('failed'),
    Type.Literal('cancelled'),
  ]),
  requestedAt: Type.String({ format: 'date-time' }),
  startedAt: DateTimeOrNull,
  finishedAt: DateTimeOrNull,
  durationMs: IntOrNull,
  counts: Type.Union([Type.Record(Type.String(), Type.Integer()), Type.Null()]),
  warnings: Type.Array(Type.Unknown()),
  errorCode: Nullable(Type.String()),
  errorMessage: Nullable(Type.String()),
});

export const AddConnectionBody = Type.Object(
  {
    domain: Type.String({
      minLength: 1,
      maxLength: 2048,
      description: 'acme, acme.okta.com, acme-admin.okta.com or an admin console URL',
    }),
    apiToken: Type.String({
      minLength: 8,
      maxLength: 512,
      description: 'Okta API token (stored in Vault only)',
    }),
  },
  { additionalProperties: false },
);

export const UpdateTokenBody = Type.Object(
  {
    apiToken: Type.String({ minLength: 8, maxLength: 512 }),
    confirm: Type.Optional(Type.Boolean({ description: 'Must be true (C8)' })),
  },
  { additionalProperties: false },
);

export const DeleteQuery = Type.Object({
  confirm: Type.Optional(Type.Boolean({ description: 'Must be true (C9)' })),
});

export const SyncsQuery = Type.Object({ limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }) });

export const ProviderSummary = Type.Object({
  provider: Type.String(),
  connectedDomains: Type.Integer(),
  statusCounts: Type.Object({ success: Type.Integer(), in_progress: Type.Integer(), error: Type.Integer() }),
  staleCount: Type.Integer(),
  oldestLastSynced: Type.Union([
    Type.Object({
      connectionId: Type.String({ format: 'uuid' }),
      domain: Type.String(),
      at: DateTimeOrNull,
      display: Type.String({ description: 'The time, or N/A when never synced' }),
      durationMs: IntOrNull,
      stale: Type.Boolean(),
    }),
    Type.Null(),
  ]),
});

export const TenantSettingsBody = Type.Object(
  { syncIntervalSeconds: Type.Union([Type.Integer({ minimum: 900, maximum: 7 * 24 * 3600 }), Type.Null()]) },
  { additionalProperties: false },
);

export const OperatorConnection = Type.Object({
  tenantId: Type.String(),
  id: Type.String({ format: 'uuid' }),
  provider: Type.String(),
  domain: Type.String(),
  firstConnectedAt: Type.String({ format: 'date-time' }),
  lastSynced: Type.Object({ at: DateTimeOrNull, durationMs: IntOrNull }),
  lastSyncFinishedAt: DateTimeOrNull,
  stale: Type.Boolean(),
  staleReason: StaleReason,
  status: ConnectionStatus,
  statusReasonCode: Nullable(Type.String()),
  statusMessage: Nullable(Type.String()),
  currentSync: CurrentSync,
  nextSyncAt: DateTimeOrNull,
});

export const OperatorQuery = Type.Object({
  tenant: Type.Optional(Type.String({ maxLength: 128 })),
  status: Type.Optional(ConnectionStatus),
  limit: Type.Integer({ minimum: 1, maximum: 1000, default: 200 }),
});

export const problemRef = { $ref: 'Problem#' } as const;
export const errors = (...codes: number[]) => Object.fromEntries(codes.map((c) => [c, problemRef]));
