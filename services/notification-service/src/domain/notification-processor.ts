import type { AnyCloudEvent, CloudEvent } from '@appgov/contracts';
import type { Clock } from '@appgov/service';
import type { AppLogger } from '@appgov/telemetry';
import { sql } from 'kysely';
import type { NotificationDb, NotificationTrx } from './db.js';
import { enqueueEmail } from './email-queue.repository.js';
import { renderConnectionError, renderConnectionRecovered, renderDomainReady } from './email-templates.js';
import { recipientAddresses } from './recipient.repository.js';
import { type BrandingDefaults, mailBranding } from './settings.repository.js';
import { enqueueDeliveries, subscribedWebhooks } from './webhook.repository.js';
import { webhookBody } from './webhook-payload.js';

/** What the event handlers need. */
export interface ProcessorDeps {
  db: NotificationDb;
  clock: Clock;
  logger: AppLogger;
  branding: BrandingDefaults;
  /** Called after a commit that queued something, so the senders start at once. */
  onQueued?: () => void;
}

/** The dedupe namespace of this service's consumer (N4). */
export const CONSUMER_NAME = 'notification';

/** What processing one event did (tests and logs). */
export interface ProcessResult {
  duplicate: boolean;
  emails: number;
  webhooks: number;
}

type Effect = (trx: NotificationTrx, event: AnyCloudEvent) => Promise<number>;

/**
 * Processes one event exactly once (N4): the dedupe row, the state change, the queued emails and the
 * queued webhook deliveries commit together; a redelivered event finds its dedupe row and does nothing.
 */
export async function processEvent(
  deps: ProcessorDeps,
  event: AnyCloudEvent,
  effect?: Effect,
): Promise<ProcessResult> {
  const result = await deps.db.transaction().execute(async (trx) => {
    const fresh = await trx
      .insertInto('processed_events')
      .values({ consumer: CONSUMER_NAME, event_id: event.id, event_type: event.type })
      .onConflict((oc) => oc.columns(['consumer', 'event_id']).doNothing())
      .returning('event_id')
      .executeTakeFirst();
    if (!fresh) return { duplicate: true, emails: 0, webhooks: 0 };
    const emails = effect ? await effect(trx, event) : 0;
    const webhooks = await fanOut(trx, deps, event);
    return { duplicate: false, emails, webhooks };
  });
  if (result.duplicate)
    deps.logger.info({ eventId: event.id, type: event.type }, 'event already processed; skipped');
  if (result.emails + result.webhooks > 0) deps.onQueued?.();
  return result;
}

async function fanOut(trx: NotificationTrx, deps: ProcessorDeps, event: AnyCloudEvent): Promise<number> {
  const hooks = await subscribedWebhooks(trx, event.tenantid, event.type);
  if (hooks.length === 0) return 0;
  let domain: string | null = null;
  if (event.connectionid) {
    const row = await trx
      .selectFrom('connections')
      .select('domain')
      .where('connection_id', '=', event.connectionid)
      .executeTakeFirst();
    domain = row?.domain ?? null;
  }
  const now = deps.clock.now();
  return enqueueDeliveries(
    trx,
    hooks.map((h) => ({
      webhookId: h.id,
      tenantId: event.tenantid,
      eventId: event.id,
      eventType: event.type,
      body: webhookBody(h.format, event, domain),
      now,
    })),
  );
}

async function lockConnection(trx: NotificationTrx, connectionId: string) {
  return trx
    .selectFrom('connections')
    .selectAll()
    .where('connection_id', '=', connectionId)
    .forUpdate()
    .executeTakeFirst();
}

async function queueReady(
  trx: NotificationTrx,
  deps: ProcessorDeps,
  c: { tenant_id: string; connection_id: string; domain: string; admin_email: string | null },
  dedupeKey: string,
): Promise<number> {
  const branding = mailBranding(deps.branding);
  const to = await recipientAddresses(trx, c.tenant_id, [c.admin_email]);
  await trx
    .updateTable('connections')
    .set({ ready_pending: false, ready_notified_at: deps.clock.now(), updated_at: deps.clock.now() })
    .where('connection_id', '=', c.connection_id)
    .execute();
  return enqueueEmail(trx, {
    tenantId: c.tenant_id,
    dedupeKey,
    kind: 'domain_ready',
    to,
    email: renderDomainReady(branding, { domain: c.domain, connectionId: c.connection_id }),
    now: deps.clock.now(),
  });
}

/** connection.created: remember the admin; send a "ready" email that waited for this event. */
export function onConnectionCreated(deps: ProcessorDeps, event: CloudEvent<'connection.created'>) {
  return processEvent(deps, event, async (trx) => {
    const d = event.data;
    await trx
      .insertInto('connections')
      .values({
        connection_id: d.connectionId,
        tenant_id: d.tenantId,
        domain: d.domain,
        admin_sub: d.createdBy.sub,
        admin_email: d.createdBy.email,
        first_success_at: null,
        ready_notified_at: null,
        incident_opened_at: null,
        incident_reason: null,
        deleted_at: null,
      })
      .onConflict((oc) =>
        oc.column('connection_id').doUpdateSet({
          domain: d.domain,
          admin_sub: d.createdBy.sub,
          admin_email: d.createdBy.email,
          updated_at: sql`now()`,
        }),
      )
      .execute();
    const c = await lockConnection(trx, d.connectionId);
    if (c?.ready_pending && !c.ready_notified_at && !c.deleted_at) {
      return queueReady(trx, deps, { ...c, domain: d.domain }, `${c.connection_id}:domain_ready`);
    }
    return 0;
  });
}

/** connection.token-updated: keep the domain current. */
export function onConnectionTokenUpdated(deps: ProcessorDeps, event: CloudEvent<'connection.token-updated'>) {
  return processEvent(deps, event, async (trx) => {
    await trx
      .updateTable('connections')
      .set({ domain: event.data.domain, updated_at: deps.clock.now() })
      .where('connection_id', '=', event.data.connectionId)
      .execute();
    return 0;
  });
}

/** connection.deleted: no more emails for it. */
export function onConnectionDeleted(deps: ProcessorDeps, event: CloudEvent<'connection.deleted'>) {
  return processEvent(deps, event, async (trx) => {
    await trx
      .updateTable('connections')
      .set({
        deleted_at: deps.clock.now(),
        incident_opened_at: null,
        incident_reason: null,
        ready_pending: false,
      })
      .where('connection_id', '=', event.data.connectionId)
      .execute();
    return 0;
  });
}

/**
 * sync.completed: the first one sends "ready for review" (N1); one that ends an open incident sends
 * the recovery email (N2). Later completions send nothing.
 */
export function onSyncCompleted(deps: ProcessorDeps, event: CloudEvent<'sync.completed'>) {
  return processEvent(deps, event, async (trx) => {
    const connectionId = event.connectionid;
    if (!connectionId) return 0;
    const now = deps.clock.now();
    const c = await lockConnection(trx, connectionId);
    if (!c) {
      // The sync result overtook connection.created (another topic): the email waits for the admin.
      await trx
        .insertInto('connections')
        .values({
          connection_id: connectionId,
          tenant_id: event.tenantid,
          domain: null,
          admin_sub: null,
          admin_email: null,
          first_success_at: now,
          ready_pending: true,
          ready_notified_at: null,
          incident_opened_at: null,
          incident_reason: null,
          deleted_at: null,
        })
        .execute();
      return 0;
    }
    if (c.deleted_at) return 0;
    if (!c.first_success_at) {
      await trx
        .updateTable('connections')
        .set({ first_success_at: now, incident_opened_at: null, incident_reason: null, updated_at: now })
        .where('connection_id', '=', connectionId)
        .execute();
      if (!c.domain) {
        await trx
          .updateTable('connections')
          .set({ ready_pending: true })
          .where('connection_id', '=', connectionId)
          .execute();
        return 0;
      }
      // A first sync that failed before succeeding gets the "ready" email only, not a recovery too.
      return queueReady(trx, deps, { ...c, domain: c.domain }, `${connectionId}:domain_ready`);
    }
    if (c.incident_opened_at) {
      await trx
        .updateTable('connections')
        .set({ incident_opened_at: null, incident_reason: null, updated_at: now })
        .where('connection_id', '=', connectionId)
        .execute();
      if (!c.domain) return 0;
      const branding = mailBranding(deps.branding);
      return enqueueEmail(trx, {
        tenantId: c.tenant_id,
        dedupeKey: `${event.id}:connection_recovered`,
        kind: 'connection_recovered',
        to: await recipientAddresses(trx, c.tenant_id, [c.admin_email]),
        email: renderConnectionRecovered(branding, { domain: c.domain, connectionId }),
        now,
      });
    }
    return 0;
  });
}

/** sync.failed (not `cancelled`): opens an incident and emails once; later failures of it send nothing. */
export function onSyncFailed(deps: ProcessorDeps, event: CloudEvent<'sync.failed'>) {
  return processEvent(deps, event, async (trx) => {
    const connectionId = event.connectionid;
    if (!connectionId || event.data.reasonCode === 'cancelled') return 0;
    const now = deps.clock.now();
    const c = await lockConnection(trx, connectionId);
    if (!c) {
      await trx
        .insertInto('connections')
        .values({
          connection_id: connectionId,
          tenant_id: event.tenantid,
          domain: null,
          admin_sub: null,
          admin_email: null,
          first_success_at: null,
          ready_notified_at: null,
          incident_opened_at: now,
          incident_reason: event.data.reasonCode,
          deleted_at: null,
        })
        .execute();
      deps.logger.warn(
        { connectionId, eventId: event.id },
        'sync failed for a connection not yet known; no email',
      );
      return 0;
    }
    if (c.deleted_at || c.incident_opened_at) return 0;
    await trx
      .updateTable('connections')
      .set({ incident_opened_at: now, incident_reason: event.data.reasonCode, updated_at: now })
      .where('connection_id', '=', connectionId)
      .execute();
    if (!c.domain) return 0;
    const branding = mailBranding(deps.branding);
    return enqueueEmail(trx, {
      tenantId: c.tenant_id,
      dedupeKey: `${event.id}:connection_error`,
      kind: 'connection_error',
      to: await recipientAddresses(trx, c.tenant_id, [c.admin_email]),
      email: renderConnectionError(branding, {
        domain: c.domain,
        connectionId,
        reasonCode: event.data.reasonCode,
        message: event.data.message,
      }),
      now,
    });
  });
}

/**
 * Deletes dedupe rows older than `before`. Safe once Kafka can no longer redeliver the event:
 * the retention is configured above every consumed topic's retention.
 */
export async function pruneProcessedEvents(db: NotificationDb, before: Date): Promise<number> {
  const result = await db
    .deleteFrom('processed_events')
    .where('processed_at', '<', before)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
