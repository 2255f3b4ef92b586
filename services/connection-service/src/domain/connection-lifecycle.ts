import { randomUUID } from 'node:crypto';
import { ConflictError } from '@appgov/errors';
import { enqueueEvents } from '@appgov/service';
import {
  domainConnected,
  findConnection,
  findLiveConnection,
  insertConnection,
  lockLiveConnection,
  updateConnection,
} from './connection.repository.js';
import {
  type Actor,
  actorOf,
  type ConnectionDeps,
  confirmationRequired,
  notFound,
  requireConnectionId,
} from './connection.service.js';
import { connectionEvents } from './connection-events.js';
import { getConnection } from './connection-queries.js';
import { assertConnectionQuota, DEFAULT_MAX_CONNECTIONS_PER_TENANT } from './connection-quota.js';
import { type CredentialInput, prepareCredential } from './credential.js';
import { normaliseOktaDomain } from './okta-domain.js';
import { nextSyncAt } from './schedule.js';
import { cancelCurrentInTx, requestSyncInTx } from './sync-requests.js';
import { syncIntervalOf } from './tenant-settings.repository.js';
import { takeValidationAttempt } from './validation-throttle.js';

// A connection's life: created with a validated credential (C1–C4, C11), its credential replaced
// (C8), deleted (C9). Each stores the secret in Vault first and then records the change and its
// events in one transaction.

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
  if (await domainConnected(deps.db, actor.tenant, domain)) throw duplicate();
  const maxConnections = deps.settings.maxConnectionsPerTenant ?? DEFAULT_MAX_CONNECTIONS_PER_TENANT;
  // Before validating: a tenant at its quota spends no Okta call.
  await assertConnectionQuota(deps.db, actor.tenant, maxConnections);

  takeValidationAttempt(deps.okta, actor.tenant, domain);
  const credential = await prepareCredential(deps.okta, domain, input);
  const { validated } = credential;
  const id = randomUUID();
  const { version } = await deps.secrets.putOktaCredential(actor.tenant, id, credential.stored);
  const now = deps.clock.now();
  try {
    await deps.db.transaction().execute(async (trx) => {
      await assertConnectionQuota(trx, actor.tenant, maxConnections, true);
      const interval = await syncIntervalOf(trx, actor.tenant, deps.settings.syncIntervalSeconds);
      await insertConnection(trx, {
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
        status: 'in_progress',
        next_sync_at: nextSyncAt(now, interval, deps.settings.jitterRatio, deps.random),
      });
      await enqueueEvents(
        trx,
        connectionEvents([
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
        ]),
        deps.topics,
      );
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
  requireConnectionId(id);
  const before = await findLiveConnection(deps.db, actor.tenant, id);
  if (!before) throw notFound();
  if (input.confirm !== true) throw confirmationRequired('Replacing the token of a connection');
  // Sent to this connection's org only: a token of another org answers 401 there (OKTA_INVALID_TOKEN),
  // a service app of another org is an unknown client there (OKTA_INVALID_CLIENT).
  takeValidationAttempt(deps.okta, actor.tenant, before.domain);
  const credential = await prepareCredential(deps.okta, before.domain, input);
  const { validated, fingerprint } = credential;
  const { version } = await deps.secrets.putOktaCredential(actor.tenant, id, credential.stored);
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (trx) => {
    const row = await lockLiveConnection(trx, actor.tenant, id);
    if (!row) {
      // Finding 14: deleted while the new credential was validated and written; take it back out.
      await deps.secrets.destroyOktaToken(actor.tenant, id);
      throw notFound();
    }
    await cancelCurrentInTx(deps, trx, row, 'token-updated', now);
    await updateConnection(trx, id, {
      ...credential.columns,
      token_updated_at: now,
      token_updated_by_sub: actor.sub,
      vault_version: version,
      admin_role: validated.adminRole,
      permission_warnings: JSON.stringify(validated.warnings),
    });
    await enqueueEvents(
      trx,
      connectionEvents([
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
      ]),
      deps.topics,
    );
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
  requireConnectionId(id);
  const row = await findConnection(deps.db, actor.tenant, id);
  if (!row) throw notFound();
  if (!confirm) throw confirmationRequired('Deleting a connection');
  // Vault first: if the transaction then fails, a retry finds the row and finishes the job.
  await deps.secrets.destroyOktaToken(actor.tenant, id);
  if (row.deleted_at) return;
  const now = deps.clock.now();
  const deleted = await deps.db.transaction().execute(async (trx) => {
    const live = await lockLiveConnection(trx, actor.tenant, id);
    if (!live) return false; // a concurrent delete won
    await cancelCurrentInTx(deps, trx, live, 'connection-deleted', now);
    await updateConnection(trx, id, {
      deleted_at: now,
      deleted_by_sub: actor.sub,
      current_sync_id: null,
      next_sync_at: null,
    });
    await enqueueEvents(
      trx,
      connectionEvents([
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
      ]),
      deps.topics,
    );
    return true;
  });
  // Finding 14: an update that wrote Vault after the destroy above but committed before this delete
  // left a version behind; once the row is deleted, no later update can commit, so this is final.
  if (deleted) await deps.secrets.destroyOktaToken(actor.tenant, id);
  deps.logger.info({ connectionId: id, tenant: actor.tenant }, 'connection deleted');
}
