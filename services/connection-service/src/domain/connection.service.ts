import { randomUUID } from 'node:crypto';
import type { TopicId } from '@appgov/contracts';
import { ConflictError, NotFoundError } from '@appgov/errors';
import type { OktaClientFactory } from '@appgov/okta-client';
import type { SecretStore } from '@appgov/secrets';
import type { AppLogger } from '@appgov/telemetry';
import { type Kysely, sql, type Transaction } from 'kysely';
import type { Database, SyncTrigger } from './connection.table.js';
import {
  type ConnectionRow,
  connectionView,
  type StaleThresholds,
  type SyncRunRow,
  syncRunView,
} from './connection.view.js';
import { type CredentialInput, prepareCredential } from './credential.js';
import { normaliseOktaDomain } from './okta-domain.js';
import { enqueueConnectionEvents } from './outbox-events.js';
import type { RateLimitShareBounds } from './rate-limit-share.js';
import { nextSyncAt } from './schedule.js';

/** Everything the connection use cases need; tests inject the clock and random source. */
export interface ConnectionDeps {
  db: Kysely<Database>;
  secrets: SecretStore;
  okta: OktaClientFactory;
  topics: Readonly<Record<TopicId, string>>;
  clock: () => Date;
  random: () => number;
  logger: AppLogger;
  settings: {
    allowCustomDomains: boolean;
    syncIntervalSeconds: number;
    jitterRatio: number;
    stale: StaleThresholds;
    /** Bounds of a connection's own rate-limit share (default 0.05–0.5). */
    rateLimitShare?: RateLimitShareBounds;
  };
}

/** The caller as the JWT names them. */
export interface Actor {
  tenant: string;
  sub: string;
  email: string | undefined;
}

const actorOf = (a: Actor) => ({ sub: a.sub, email: a.email ?? a.sub });

/** 409 `confirmation_required` (C8, C9): the code is the one SPEC section 2 names. */
export function confirmationRequired(what: string): ConflictError {
  return new ConflictError('confirmation_required', `${what} needs explicit confirmation (confirm: true).`);
}

function notFound(): NotFoundError {
  return new NotFoundError('CONNECTION_NOT_FOUND', 'No such connection.');
}

/** The interval for a tenant: its override, else the default (C10). */
export async function intervalFor(
  db: Kysely<Database> | Transaction<Database>,
  tenant: string,
  fallback: number,
) {
  const row = await db
    .selectFrom('tenant_settings')
    .select('sync_interval_seconds')
    .where('tenant_id', '=', tenant)
    .executeTakeFirst();
  return row?.sync_interval_seconds ?? fallback;
}

async function loadLive(
  db: Kysely<Database> | Transaction<Database>,
  tenant: string,
  id: string,
  lock = false,
) {
  let q = db
    .selectFrom('connections')
    .selectAll()
    .where('tenant_id', '=', tenant)
    .where('id', '=', id)
    .where('deleted_at', 'is', null);
  if (lock) q = q.forUpdate();
  return q.executeTakeFirst();
}

async function runOf(
  db: Kysely<Database> | Transaction<Database>,
  syncId: string | null,
): Promise<SyncRunRow | null> {
  if (!syncId) return null;
  return (
    (await db.selectFrom('sync_runs').selectAll().where('sync_id', '=', syncId).executeTakeFirst()) ?? null
  );
}

function isUuid(id: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);
}

/** Inserts a run and its `sync.requested`, and makes it the connection's current sync. */
export async function requestSyncInTx(
  deps: Pick<ConnectionDeps, 'topics'>,
  trx: Transaction<Database>,
  connection: Pick<ConnectionRow, 'id' | 'tenant_id' | 'domain'> & { rate_limit_share?: number | null },
  trigger: SyncTrigger,
  now: Date,
  by: Actor | undefined,
): Promise<string> {
  const syncId = randomUUID();
  await trx
    .insertInto('sync_runs')
    .values({
      sync_id: syncId,
      connection_id: connection.id,
      tenant_id: connection.tenant_id,
      trigger,
      requested_at: now,
      requested_by_sub: by?.sub ?? null,
      outcome: 'requested',
    })
    .execute();
  await trx
    .updateTable('connections')
    .set({ current_sync_id: syncId })
    .where('id', '=', connection.id)
    .execute();
  await enqueueConnectionEvents(trx, deps.topics, [
    {
      type: 'sync.requested',
      tenantId: connection.tenant_id,
      connectionId: connection.id,
      time: now,
      data: {
        syncId,
        trigger,
        domain: connection.domain,
        ...(by ? { requestedBy: actorOf(by) } : {}),
        ...(connection.rate_limit_share != null ? { rateLimitShare: connection.rate_limit_share } : {}),
      },
    },
  ]);
  return syncId;
}

/** Marks the current sync cancelled (if it still runs) and asks ingest to stop it. */
async function cancelCurrentInTx(
  deps: Pick<ConnectionDeps, 'topics'>,
  trx: Transaction<Database>,
  connection: ConnectionRow,
  reason: 'token-updated' | 'connection-deleted' | 'manual',
  now: Date,
): Promise<void> {
  const current = await runOf(trx, connection.current_sync_id);
  if (!current || (current.outcome !== 'requested' && current.outcome !== 'running')) return;
  await trx
    .updateTable('sync_runs')
    .set({
      outcome: 'cancelled',
      finished_at: now,
      error_code: 'cancelled',
      error_message: `Cancelled: ${reason.replace('-', ' ')}.`,
      updated_at: now,
    })
    .where('sync_id', '=', current.sync_id)
    .execute();
  await trx
    .updateTable('connections')
    .set({ current_sync_id: null })
    .where('id', '=', connection.id)
    .execute();
  await enqueueConnectionEvents(trx, deps.topics, [
    {
      type: 'sync.cancel-requested',
      tenantId: connection.tenant_id,
      connectionId: connection.id,
      time: now,
      data: { syncId: current.sync_id, reason },
    },
  ]);
}

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string } | null)?.code === '23505';
}

/** C1–C4, C11: normalise, validate with Okta, store the credential in Vault, record, request the first sync. */
export async function addConnection(
  deps: ConnectionDeps,
  actor: Actor,
  input: { domain: string } & CredentialInput,
) {
  const domain = normaliseOktaDomain(input.domain, { allowCustomDomains: deps.settings.allowCustomDomains });
  const duplicate = () =>
    new ConflictError('CONNECTION_DUPLICATE_DOMAIN', `${domain} is already connected for this tenant.`, {
      details: { domain },
    });
  const existing = await deps.db
    .selectFrom('connections')
    .select('id')
    .where('tenant_id', '=', actor.tenant)
    .where('domain', '=', domain)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  if (existing) throw duplicate();

  const credential = await prepareCredential(deps.okta, domain, input);
  const { validated } = credential;
  const id = randomUUID();
  const { version } = await deps.secrets.putOktaCredential(actor.tenant, id, credential.stored);
  const now = deps.clock();
  try {
    await deps.db.transaction().execute(async (trx) => {
      const interval = await intervalFor(trx, actor.tenant, deps.settings.syncIntervalSeconds);
      const row = {
        id,
        tenant_id: actor.tenant,
        provider: 'okta',
        domain,
        ...credential.columns,
        token_updated_at: now,
        token_updated_by_sub: actor.sub,
        vault_version: version,
        admin_role: validated.adminRole,
        permission_warnings: JSON.stringify(validated.warnings),
        created_at: now,
        created_by_sub: actor.sub,
        created_by_email: actor.email ?? actor.sub,
        status: 'in_progress' as const,
        next_sync_at: nextSyncAt(now, interval, deps.settings.jitterRatio, deps.random),
      };
      await trx.insertInto('connections').values(row).execute();
      await enqueueConnectionEvents(trx, deps.topics, [
        {
          type: 'connection.created',
          tenantId: actor.tenant,
          connectionId: id,
          time: now,
          data: {
            connectionId: id,
            tenantId: actor.tenant,
            domain,
            provider: 'okta',
            createdBy: actorOf(actor),
            createdAt: now.toISOString(),
            tokenFingerprint: credential.fingerprint,
            ...(validated.adminRole ? { adminRole: validated.adminRole } : {}),
          },
        },
      ]);
      await requestSyncInTx(deps, trx, { id, tenant_id: actor.tenant, domain }, 'initial', now, actor);
    });
  } catch (error) {
    // The row never committed: the stored token must not outlive it.
    await deps.secrets.destroyOktaToken(actor.tenant, id).catch((e: unknown) => {
      deps.logger.error(
        { err: e, connectionId: id },
        'could not destroy the token of a connection that was not created',
      );
    });
    if (isUniqueViolation(error)) throw duplicate();
    throw error;
  }
  deps.logger.info(
    { connectionId: id, tenant: actor.tenant, domain, credentialType: credential.columns.credential_type },
    'connection created',
  );
  return getConnection(deps, actor.tenant, id);
}

/** One connection of the tenant (404 for other tenants' ids). */
export async function getConnection(
  deps: Pick<ConnectionDeps, 'db' | 'clock' | 'settings'>,
  tenant: string,
  id: string,
) {
  if (!isUuid(id)) throw notFound();
  const row = await loadLive(deps.db, tenant, id);
  if (!row) throw notFound();
  return connectionView(row, await runOf(deps.db, row.current_sync_id), deps.clock(), deps.settings.stale);
}

/** Every live connection of the tenant, oldest first, with their running syncs. */
export async function listConnections(
  deps: Pick<ConnectionDeps, 'db' | 'clock' | 'settings'>,
  tenant: string,
) {
  const rows = await deps.db
    .selectFrom('connections')
    .selectAll()
    .where('tenant_id', '=', tenant)
    .where('deleted_at', 'is', null)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  const currentIds = rows.map((r) => r.current_sync_id).filter((x): x is string => x !== null);
  const runs =
    currentIds.length === 0
      ? []
      : await deps.db.selectFrom('sync_runs').selectAll().where('sync_id', 'in', currentIds).execute();
  const byId = new Map(runs.map((r) => [r.sync_id, r]));
  const now = deps.clock();
  return rows.map((r) =>
    connectionView(
      r,
      r.current_sync_id ? (byId.get(r.current_sync_id) ?? null) : null,
      now,
      deps.settings.stale,
    ),
  );
}

/**
 * C8, C11: replace the credential (either kind, either way round) after confirmation; same org only;
 * cancels the running sync, requests a new one.
 */
export async function updateToken(
  deps: ConnectionDeps,
  actor: Actor,
  id: string,
  input: CredentialInput & { confirm?: boolean | undefined },
) {
  if (!isUuid(id)) throw notFound();
  const before = await loadLive(deps.db, actor.tenant, id);
  if (!before) throw notFound();
  if (input.confirm !== true) throw confirmationRequired('Replacing the token of a connection');
  // Sent to this connection's org only: a token of another org answers 401 there (OKTA_INVALID_TOKEN),
  // a service app of another org is an unknown client there (OKTA_INVALID_CLIENT).
  const credential = await prepareCredential(deps.okta, before.domain, input);
  const { validated, fingerprint } = credential;
  const { version } = await deps.secrets.putOktaCredential(actor.tenant, id, credential.stored);
  const now = deps.clock();
  await deps.db.transaction().execute(async (trx) => {
    const row = await loadLive(trx, actor.tenant, id, true);
    if (!row) throw notFound();
    await cancelCurrentInTx(deps, trx, row, 'token-updated', now);
    await trx
      .updateTable('connections')
      .set({
        ...credential.columns,
        token_updated_at: now,
        token_updated_by_sub: actor.sub,
        vault_version: version,
        admin_role: validated.adminRole,
        permission_warnings: JSON.stringify(validated.warnings),
      })
      .where('id', '=', id)
      .execute();
    await enqueueConnectionEvents(trx, deps.topics, [
      {
        type: 'connection.token-updated',
        tenantId: actor.tenant,
        connectionId: id,
        time: now,
        data: {
          connectionId: id,
          tenantId: actor.tenant,
          domain: row.domain,
          updatedBy: actorOf(actor),
          tokenFingerprint: fingerprint,
          ...(validated.adminRole ? { adminRole: validated.adminRole } : {}),
        },
      },
    ]);
    await requestSyncInTx(deps, trx, row, 'token-updated', now, actor);
  });
  deps.logger.info(
    {
      connectionId: id,
      tenant: actor.tenant,
      vaultVersion: version,
      credentialType: credential.columns.credential_type,
    },
    'connection token updated',
  );
  return getConnection(deps, actor.tenant, id);
}

/**
 * C9: destroys every Vault version, cancels the running sync, removes the connection and emits
 * `connection.deleted`. Idempotent: a repeated delete of the tenant's own connection answers the same.
 */
export async function deleteConnection(deps: ConnectionDeps, actor: Actor, id: string, confirm: boolean) {
  if (!isUuid(id)) throw notFound();
  const row = await deps.db
    .selectFrom('connections')
    .selectAll()
    .where('tenant_id', '=', actor.tenant)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw notFound();
  if (!confirm) throw confirmationRequired('Deleting a connection');
  // Vault first: if the transaction then fails, a retry finds the row and finishes the job.
  await deps.secrets.destroyOktaToken(actor.tenant, id);
  if (row.deleted_at) return;
  const now = deps.clock();
  await deps.db.transaction().execute(async (trx) => {
    const live = await loadLive(trx, actor.tenant, id, true);
    if (!live) return; // a concurrent delete won
    await cancelCurrentInTx(deps, trx, live, 'connection-deleted', now);
    await trx
      .updateTable('connections')
      .set({ deleted_at: now, deleted_by_sub: actor.sub, current_sync_id: null, next_sync_at: null })
      .where('id', '=', id)
      .execute();
    await enqueueConnectionEvents(trx, deps.topics, [
      {
        type: 'connection.deleted',
        tenantId: actor.tenant,
        connectionId: id,
        time: now,
        data: {
          connectionId: id,
          tenantId: actor.tenant,
          domain: live.domain,
          deletedBy: actorOf(actor),
          deletedAt: now.toISOString(),
        },
      },
      // Ingest may hold a lease for a sync we never recorded as current; cancel whatever runs.
      {
        type: 'sync.cancel-requested',
        tenantId: actor.tenant,
        connectionId: id,
        time: now,
        data: { reason: 'connection-deleted' },
      },
    ]);
  });
  deps.logger.info({ connectionId: id, tenant: actor.tenant }, 'connection deleted');
}

/** True when the run still blocks a new sync (C10); a run older than the running threshold does not. */
function blocks(run: SyncRunRow | null, now: Date, stale: StaleThresholds): boolean {
  if (!run || (run.outcome !== 'requested' && run.outcome !== 'running')) return false;
  const since = run.started_at ?? run.requested_at;
  return now.getTime() - since.getTime() <= stale.runningStaleAfterMs;
}

/** C10 "sync now": 409 SYNC_ALREADY_RUNNING while a sync runs. */
export async function syncNow(deps: ConnectionDeps, actor: Actor, id: string) {
  if (!isUuid(id)) throw notFound();
  const now = deps.clock();
  const syncId = await deps.db.transaction().execute(async (trx) => {
    const row = await loadLive(trx, actor.tenant, id, true);
    if (!row) throw notFound();
    const current = await runOf(trx, row.current_sync_id);
    if (blocks(current, now, deps.settings.stale)) {
      throw new ConflictError('SYNC_ALREADY_RUNNING', `A sync of ${row.domain} is already running.`, {
        details: { syncId: current?.sync_id },
      });
    }
    // A stuck run (past the running threshold) is given up and its worker told to stop.
    await cancelCurrentInTx(deps, trx, row, 'manual', now);
    return requestSyncInTx(deps, trx, row, 'manual', now, actor);
  });
  const run = await runOf(deps.db, syncId);
  return syncRunView(run as SyncRunRow);
}

/** C10 sync history, newest first. */
export async function listSyncs(
  deps: Pick<ConnectionDeps, 'db'>,
  tenant: string | null,
  id: string,
  limit: number,
) {
  if (!isUuid(id)) throw notFound();
  let q = deps.db.selectFrom('connections').select('id').where('id', '=', id);
  if (tenant !== null) q = q.where('tenant_id', '=', tenant).where('deleted_at', 'is', null);
  if (!(await q.executeTakeFirst())) throw notFound();
  const runs = await deps.db
    .selectFrom('sync_runs')
    .selectAll()
    .where('connection_id', '=', id)
    .orderBy('requested_at', 'desc')
    .orderBy('sync_id')
    .limit(limit)
    .execute();
  return runs.map(syncRunView);
}

/** C5: per-provider summary: count and the connection whose last success is oldest (N/A first). */
export async function providerSummaries(
  deps: Pick<ConnectionDeps, 'db' | 'clock' | 'settings'>,
  tenant: string,
) {
  const connections = await listConnections(deps, tenant);
  const okta = connections.filter((c) => c.provider === 'okta');
  let oldest: (typeof okta)[number] | undefined;
  for (const c of okta) {
    if (!oldest) oldest = c;
    else if (oldest.lastSynced.at === null) continue;
    else if (c.lastSynced.at === null || c.lastSynced.at < oldest.lastSynced.at) oldest = c;
  }
  return [
    {
      provider: 'okta',
      connectedDomains: okta.length,
      statusCounts: {
        success: okta.filter((c) => c.status === 'success').length,
        in_progress: okta.filter((c) => c.status === 'in_progress').length,
        error: okta.filter((c) => c.status === 'error').length,
      },
      staleCount: okta.filter((c) => c.stale).length,
      oldestLastSynced: oldest
        ? {
            connectionId: oldest.id,
            domain: oldest.domain,
            at: oldest.lastSynced.at,
            display: oldest.lastSynced.at ?? 'N/A',
            durationMs: oldest.lastSynced.durationMs,
            stale: oldest.stale,
          }
        : null,
    },
  ];
}

/** C10 per-tenant interval override (null restores the default). */
export async function setTenantInterval(
  deps: Pick<ConnectionDeps, 'db'>,
  tenant: string,
  seconds: number | null,
) {
  await deps.db
    .insertInto('tenant_settings')
    .values({ tenant_id: tenant, sync_interval_seconds: seconds })
    .onConflict((oc) =>
      oc.column('tenant_id').doUpdateSet({ sync_interval_seconds: seconds, updated_at: sql`now()` }),
    )
    .execute();
}

/** C12: status of every tenant's connections for operators: no secrets, no catalog data. */
export async function operatorList(
  deps: Pick<ConnectionDeps, 'db' | 'clock' | 'settings'>,
  filter: { tenant?: string | undefined; status?: string | undefined; limit: number },
) {
  let q = deps.db
    .selectFrom('connections as c')
    .leftJoin('sync_runs as r', 'r.sync_id', 'c.current_sync_id')
    .select([
      'c.id',
      'c.tenant_id',
      'c.domain',
      'c.provider',
      'c.status',
      'c.status_reason_code',
      'c.status_message',
      'c.created_at',
      'c.last_success_at',
      'c.last_sync_finished_at',
      'c.last_sync_duration_ms',
      'c.next_sync_at',
      'r.sync_id',
      'r.trigger',
      'r.outcome',
      'r.requested_at',
      'r.started_at',
    ])
    .where('c.deleted_at', 'is', null);
  if (filter.tenant) q = q.where('c.tenant_id', '=', filter.tenant);
  if (filter.status) q = q.where('c.status', '=', filter.status as never);
  const rows = await q.orderBy('c.tenant_id').orderBy('c.created_at').limit(filter.limit).execute();
  const now = deps.clock();
  return rows.map((r) => {
    const current =
      r.sync_id && r.requested_at && r.outcome && r.trigger
        ? ({
            sync_id: r.sync_id,
            trigger: r.trigger,
            outcome: r.outcome,
            requested_at: r.requested_at,
            started_at: r.started_at,
          } as SyncRunRow)
        : null;
    const view = connectionView(
      {
        ...(r as unknown as ConnectionRow),
        token_last4: '',
        token_fingerprint: '',
        token_updated_at: r.created_at,
      },
      current,
      now,
      deps.settings.stale,
    );
    return {
      tenantId: r.tenant_id,
      id: view.id,
      provider: view.provider,
      domain: view.domain,
      firstConnectedAt: view.firstConnected.at,
      lastSynced: view.lastSynced,
      lastSyncFinishedAt: view.lastSyncFinishedAt,
      stale: view.stale,
      staleReason: view.staleReason,
      status: view.status,
      statusReasonCode: view.statusReasonCode,
      statusMessage: view.statusMessage,
      currentSync: view.currentSync,
      nextSyncAt: view.nextSyncAt,
    };
  });
}
