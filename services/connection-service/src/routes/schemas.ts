import { OKTA_READ_SCOPES } from '@appgov/okta-client';
import { type TSchema, Type } from '@sinclair/typebox';

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

export const CredentialType = Type.Union([Type.Literal('api_token'), Type.Literal('oauth_service_app')], {
  description: 'An Okta API token (SSWS) or an OAuth 2.0 service app (private_key_jwt), C11',
});

/** A connection as the Integrations window shows it (C3, C5, C6, C7, C11): never the secret. */
export const Connection = Type.Object({
  id: Type.String({ format: 'uuid' }),
  provider: Type.String(),
  domain: Type.String({ description: 'Normalised Okta domain, e.g. acme.okta.com' }),
  credentialType: CredentialType,
  token: Type.Union(
    [
      Type.Object({
        masked: Type.String({ description: 'Only the last four characters are ever shown' }),
        last4: Type.String(),
        fingerprint: Type.String({ description: 'First 16 hex characters of the SHA-256 of the token' }),
        updatedAt: Type.String({ format: 'date-time' }),
      }),
      Type.Null(),
    ],
    { description: 'The API token (credentialType api_token); null for a service app' },
  ),
  oauth: Type.Union(
    [
      Type.Object({
        clientId: Type.String(),
        keyId: Nullable(Type.String({ description: 'The kid sent in client assertions' })),
        publicKeyFingerprint: Type.String({
          description:
            'RFC 7638 JWK thumbprint (SHA-256, base64url) of the public key; never the private key',
        }),
        scopes: Type.Array(Type.String(), { description: 'Scopes Okta granted at validation' }),
        updatedAt: Type.String({ format: 'date-time' }),
      }),
      Type.Null(),
    ],
    { description: 'The service app (credentialType oauth_service_app); null for an API token' },
  ),
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
  rateLimitShare: Type.Union([Type.Number(), Type.Null()], {
    description: "The connection's own share of each Okta rate-limit bucket; null: the deployment's default",
  }),
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

const Domain = Type.String({
  minLength: 1,
  maxLength: 2048,
  description: 'acme, acme.okta.com, acme-admin.okta.com or an admin console URL',
});
// Issue 13: a token is visible ASCII without spaces; anything else could not go into a header.
const ApiToken = Type.String({
  minLength: 8,
  maxLength: 512,
  pattern: '^[\\x21-\\x7e]+$',
  description: 'Okta API token (stored in Vault only): visible ASCII characters, no spaces',
});

/** An OAuth 2.0 service app (C11): the private key is stored in Vault only and never shown again. */
export const OAuthCredentialBody = Type.Object(
  {
    clientId: Type.String({
      minLength: 1,
      maxLength: 128,
      pattern: '^[A-Za-z0-9._-]+$',
      description: "The service app's client id, e.g. 0oa1b2c3d4e5f6g7h8i9",
    }),
    privateKey: Type.Union(
      [
        Type.String({ minLength: 32, maxLength: 16_384, description: 'PEM, or a private JWK as JSON text' }),
        Type.Object(
          { kty: Type.String({ maxLength: 8 }) },
          { additionalProperties: true, maxProperties: 24, description: 'A private JWK' },
        ),
      ],
      {
        description:
          'RSA (2048 to 4096 bits) or EC P-256/384/521 private key whose public key is registered with the app',
      },
    ),
    keyId: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 256,
        description: "The registered key's kid (default: the JWK's kid)",
      }),
    ),
    scopes: Type.Optional(
      Type.Array(Type.Union(OKTA_READ_SCOPES.map((s) => Type.Literal(s))), {
        minItems: 1,
        uniqueItems: true,
        description:
          'Scopes to request when the app is not granted all of them (default: all; okta.orgs.read is always added)',
      }),
    ),
  },
  { additionalProperties: false },
);

/** C1 with an API token, or C11 with a service app: exactly one of `apiToken` and `oauth`. */
export const AddConnectionBody = Type.Union([
  Type.Object({ domain: Domain, apiToken: ApiToken }, { additionalProperties: false }),
  Type.Object({ domain: Domain, oauth: OAuthCredentialBody }, { additionalProperties: false }),
]);

const Confirm = Type.Optional(Type.Boolean({ description: 'Must be true (C8)' }));

/** C8 (C11): a new API token or service app, either replacing either. */
export const UpdateTokenBody = Type.Union([
  Type.Object({ apiToken: ApiToken, confirm: Confirm }, { additionalProperties: false }),
  Type.Object({ oauth: OAuthCredentialBody, confirm: Confirm }, { additionalProperties: false }),
]);

export const DeleteQuery = Type.Object({
  confirm: Type.Optional(Type.Boolean({ description: 'Must be true (C9)' })),
});

const Cursor = Type.Optional(Type.String({ maxLength: 1000, description: 'Opaque cursor from nextCursor' }));

/** `limit` and `cursor` of every list (one pagination shape, issue 13). */
export const PageQuery = Type.Object({
  limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
  cursor: Cursor,
});

export const SyncsQuery = PageQuery;

/** The connection list's page: by default as many as the default quota, so a client that never pages sees them all. */
export const ConnectionsQuery = Type.Object({
  limit: Type.Integer({ minimum: 1, maximum: 200, default: 100 }),
  cursor: Cursor,
});

/** A page of `item`: `nextCursor` is null on the last page. */
export function pageOf<T extends TSchema>(item: T) {
  return Type.Object({ items: Type.Array(item), nextCursor: Type.Union([Type.String(), Type.Null()]) });
}

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
  cursor: Cursor,
});

export const problemRef = { $ref: 'Problem#' } as const;
export const errors = (...codes: number[]) => Object.fromEntries(codes.map((c) => [c, problemRef]));
