import type { AppInventoryState } from './app-inventory-state.schema.js';
import type { DlqRecord } from './dlq-record.schema.js';
import type { EventData, EventType } from './event-registry.js';

// One valid `data` per event type: documentation (AsyncAPI examples) and test fixtures for every team.

const tenantId = 'tenant-acme';
const connectionId = '3f1c2a9e-8b7d-4c6a-9e2f-1a2b3c4d5e6f';
const syncId = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';
const at = '2026-01-15T10:00:00.000Z';
const later = '2026-01-15T10:04:30.000Z';
const admin = { sub: 'auth0|admin-1', email: 'admin@acme.example' };

const app = {
  id: '0oa1salesforce',
  name: 'salesforce',
  label: 'Salesforce',
  status: 'ACTIVE' as const,
  signOnMode: 'SAML_2_0',
  created: at,
  lastUpdated: at,
  features: ['PUSH_NEW_USERS'],
};
const grant = {
  id: 'oag1grant',
  scopeId: 'okta.users.read',
  status: 'ACTIVE' as const,
  issuer: 'https://acme.okta.com',
  clientId: '0oa1salesforce',
  source: 'ADMIN' as const,
  userId: null,
  created: at,
};
const finding = {
  findingId: '6b9e1f2a-3c4d-4e5f-8a9b-0c1d2e3f4a5b',
  kind: 'app_write_scope' as const,
  severity: 'high' as const,
  subject: { type: 'app' as const, id: '0oa1salesforce', label: 'Salesforce' },
  firstSeen: at,
};

/** Example identifiers used by `eventExamples`. */
export const EXAMPLE_IDS = { tenantId, connectionId, syncId } as const;

/** A valid `data` example of every event type. */
export const eventExamples: { readonly [T in EventType]: EventData<T> } = {
  'connection.created': {
    connectionId,
    tenantId,
    domain: 'acme.okta.com',
    provider: 'okta',
    createdBy: admin,
    createdAt: at,
    tokenFingerprint: 'sha256:4f9a0c1e2d3b',
    adminRole: 'READ_ONLY_ADMIN',
  },
  'connection.token-updated': {
    connectionId,
    tenantId,
    domain: 'acme.okta.com',
    updatedBy: admin,
    tokenFingerprint: 'sha256:8c7b6a5f4e3d',
  },
  'connection.deleted': {
    connectionId,
    tenantId,
    domain: 'acme.okta.com',
    deletedBy: admin,
    deletedAt: later,
  },
  'sync.requested': { syncId, trigger: 'initial', requestedBy: admin, domain: 'acme.okta.com' },
  'sync.cancel-requested': { syncId, reason: 'token-updated' },
  'records.dataset-started': { syncId, dataset: 'users' },
  'records.batch': {
    syncId,
    dataset: 'users',
    seq: 0,
    records: [
      {
        id: '00u1alice',
        status: 'ACTIVE',
        login: 'alice@acme.example',
        email: 'alice@acme.example',
        firstName: 'Alice',
        lastName: 'Doe',
        created: at,
        activated: at,
        statusChanged: null,
        lastLogin: later,
        lastUpdated: at,
        passwordChanged: null,
        typeId: 'oty1default',
      },
    ],
  },
  'records.dataset-completed': { syncId, dataset: 'users', recordCount: 1, batchCount: 1 },
  'records.dataset-skipped': {
    syncId,
    dataset: 'api-tokens',
    reason: 'forbidden',
    httpStatus: 403,
    errorCode: 'E0000006',
  },
  'records.sync-ended': { syncId, outcome: 'completed', datasetsRead: ['users', 'groups', 'apps'] },
  'sync.started': { syncId, trigger: 'initial', startedAt: at },
  'sync.progress': { syncId, counts: { users: 1200, groups: 40 }, callsMade: 17 },
  'sync.completed': {
    syncId,
    startedAt: at,
    finishedAt: later,
    durationMs: 270000,
    counts: { users: 1200, groups: 40, apps: 12 },
    warnings: [
      { dataset: 'api-tokens', code: 'forbidden', message: 'The token cannot read API tokens (403)' },
    ],
    skippedDatasets: ['api-tokens'],
  },
  'sync.failed': {
    syncId,
    reasonCode: 'invalid_token',
    message: 'Okta rejected the API token (E0000011)',
    startedAt: at,
    failedAt: later,
  },
  'catalog.applied': { syncId, counts: { users: 1200, groups: 40, apps: 12 }, appliedAt: later },
  'app.discovered': { syncId, app },
  'app.changed': {
    syncId,
    appId: app.id,
    changedFields: ['label'],
    before: { label: 'Salesforce (old)' },
    after: app,
  },
  'app.removed': { syncId, appId: app.id, reason: 'not_seen_in_sync', app },
  'app.grant.added': { syncId, appId: app.id, grant },
  'app.grant.revoked': {
    syncId,
    appId: app.id,
    grantId: grant.id,
    scopeId: grant.scopeId,
    reason: 'revoked',
  },
  'app.assignments.changed': {
    syncId,
    appId: app.id,
    userCount: 41,
    groupCount: 2,
    addedUserIds: ['00u1alice'],
    removedUserIds: [],
    addedGroupIds: [],
    removedGroupIds: ['00g1sales'],
    truncated: false,
  },
  'api-token.discovered': {
    syncId,
    token: {
      id: '00T1token',
      name: 'CI token',
      userId: '00u1alice',
      clientName: 'Okta API',
      created: at,
      expiresAt: null,
      lastUpdated: at,
      tokenWindow: 'P30D',
      networkConnection: 'ANYWHERE',
    },
  },
  'api-token.removed': { syncId: null, tokenId: '00T1token', reason: 'connection_deleted' },
  'inventory.snapshot.completed': { syncId, counts: { apps: 12, 'app-grants': 30 }, completedAt: later },
  'finding.opened': { ...finding, details: { scopes: ['okta.users.manage'] } },
  'finding.resolved': { ...finding, resolvedAt: later },
};

/** A valid value of the app-inventory-state topic. */
export const appInventoryStateExample: AppInventoryState = {
  tenantId,
  connectionId,
  syncId,
  updatedAt: later,
  app,
  grants: [grant],
  userCount: 41,
  groupCount: 2,
};

/** A valid DLQ record. */
export const dlqRecordExample: DlqRecord = {
  originTopic: 'appgov.sync-requests.v1',
  partition: 2,
  offset: '1041',
  key: connectionId,
  headers: { 'content-type': 'application/cloudevents+json', ce_type: 'sync.requested' },
  value: '{"type":"sync.requested"}',
  valueEncoding: 'utf8',
  groupId: 'ingest-service',
  eventType: 'sync.requested',
  reason: 'handler_failed',
  attempts: [{ at, error: 'connect ECONNREFUSED 127.0.0.1:6379', code: 'REDIS_UNAVAILABLE' }],
  failedAt: later,
};
