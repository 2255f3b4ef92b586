import { sql } from 'kysely';
import type { Executor, NotificationDb, NotificationTrx } from './db.js';
import { afterCursor, type PageRequest, pageKey } from './keyset-page.js';
import type { DeliveryStatus, WebhookFormat } from './notification.table.js';

/** A webhook as the API shows it (never the secret). */
export interface WebhookView {
  id: string;
  url: string;
  description: string | null;
  eventTypes: string[];
  format: WebhookFormat;
  enabled: boolean;
  disabledReason: string | null;
  consecutiveFailures: number;
  createdAt: string;
  updatedAt: string;
}

const viewColumns = [
  'id',
  'url',
  'description',
  'event_types',
  'format',
  'enabled',
  'disabled_reason',
  'consecutive_failures',
  'created_at',
  'updated_at',
] as const;

type ViewRow = {
  id: string;
  url: string;
  description: string | null;
  event_types: string[];
  format: WebhookFormat;
  enabled: boolean;
  disabled_reason: string | null;
  consecutive_failures: number;
  created_at: Date;
  updated_at: Date;
};

const toView = (r: ViewRow): WebhookView => ({
  id: r.id,
  url: r.url,
  description: r.description,
  eventTypes: r.event_types,
  format: r.format,
  enabled: r.enabled,
  disabledReason: r.disabled_reason,
  consecutiveFailures: r.consecutive_failures,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
});

/** Inserts a webhook; its signing secret goes to Vault, Postgres keeps only the fingerprint. */
export async function createWebhook(
  db: Executor,
  input: {
    id: string;
    tenantId: string;
    url: string;
    description: string | null;
    eventTypes: string[];
    format: WebhookFormat;
    secretFingerprint: string;
    createdBySub: string;
    createdByEmail: string | null;
  },
): Promise<WebhookView> {
  const row = await db
    .insertInto('webhooks')
    .values({
      id: input.id,
      tenant_id: input.tenantId,
      url: input.url,
      description: input.description,
      event_types: input.eventTypes,
      format: input.format,
      secret_fingerprint: input.secretFingerprint,
      disabled_reason: null,
      created_by_sub: input.createdBySub,
      created_by_email: input.createdByEmail,
    })
    .returning(viewColumns)
    .executeTakeFirstOrThrow();
  return toView(row);
}

export async function listWebhooks(
  db: Executor,
  tenantId: string,
  page: PageRequest = { limit: 1000 },
): Promise<WebhookView[]> {
  let query = db.selectFrom('webhooks').select(viewColumns).where('tenant_id', '=', tenantId);
  if (page.after) query = query.where(afterCursor(page.after));
  const rows = await query.orderBy(pageKey).orderBy('id').limit(page.limit).execute();
  return rows.map(toView);
}

export async function getWebhook(
  db: Executor,
  tenantId: string,
  id: string,
): Promise<WebhookView | undefined> {
  const row = await db
    .selectFrom('webhooks')
    .select(viewColumns)
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? toView(row) : undefined;
}

export async function updateWebhook(
  db: Executor,
  tenantId: string,
  id: string,
  patch: {
    url?: string;
    description?: string | null;
    eventTypes?: string[];
    format?: WebhookFormat;
    enabled?: boolean;
  },
): Promise<WebhookView | undefined> {
  const row = await db
    .updateTable('webhooks')
    .set({
      ...(patch.url !== undefined ? { url: patch.url } : {}),
      ...(patch.description !== undefined ? { description: patch.description } : {}),
      ...(patch.eventTypes !== undefined ? { event_types: patch.eventTypes } : {}),
      ...(patch.format !== undefined ? { format: patch.format } : {}),
      // Re-enabling starts the failure count afresh.
      ...(patch.enabled === true ? { enabled: true, disabled_reason: null, consecutive_failures: 0 } : {}),
      ...(patch.enabled === false ? { enabled: false, disabled_reason: 'disabled by an admin' } : {}),
      updated_at: new Date(),
    })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .returning(viewColumns)
    .executeTakeFirst();
  return row ? toView(row) : undefined;
}

export async function deleteWebhook(db: Executor, tenantId: string, id: string): Promise<boolean> {
  const r = await db
    .deleteFrom('webhooks')
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** Enabled webhooks of a tenant subscribed to `eventType` (or to `*`). */
export async function subscribedWebhooks(trx: NotificationTrx, tenantId: string, eventType: string) {
  return trx
    .selectFrom('webhooks')
    .select(['id', 'format'])
    .where('tenant_id', '=', tenantId)
    .where('enabled', '=', true)
    .where((eb) =>
      eb.or([
        eb(sql.val(eventType), '=', eb.fn.any('event_types')),
        eb(sql.val('*'), '=', eb.fn.any('event_types')),
      ]),
    )
    .execute();
}

/** Queues one delivery per webhook; a webhook that already has this event gets none. */
export async function enqueueDeliveries(
  trx: NotificationTrx,
  rows: {
    webhookId: string;
    tenantId: string;
    eventId: string;
    eventType: string;
    body: string;
    now: Date;
  }[],
): Promise<number> {
  if (rows.length === 0) return 0;
  const inserted = await trx
    .insertInto('webhook_deliveries')
    .values(
      rows.map((r) => ({
        webhook_id: r.webhookId,
        tenant_id: r.tenantId,
        event_id: r.eventId,
        event_type: r.eventType,
        body: r.body,
        next_attempt_at: r.now,
        last_status_code: null,
        last_error: null,
        last_latency_ms: null,
        completed_at: null,
      })),
    )
    .onConflict((oc) => oc.columns(['webhook_id', 'event_id']).doNothing())
    .returning('id')
    .execute();
  return inserted.length;
}

/** A delivery taken by the dispatcher, with what it needs to send it. */
export interface ClaimedDelivery {
  id: string;
  webhookId: string;
  tenantId: string;
  eventId: string;
  eventType: string;
  body: string;
  attempts: number;
  url: string;
  /** The legacy plain-text secret of a row not yet moved to Vault; null otherwise. */
  legacySecret: string | null;
}

/** Takes due deliveries of enabled webhooks and leases them until `leaseUntil`. */
export async function claimDueDeliveries(
  db: NotificationDb,
  now: Date,
  leaseUntil: Date,
  limit: number,
  fairness: { perTenant: number; saturatedTenants: string[] } = { perTenant: limit, saturatedTenants: [] },
): Promise<ClaimedDelivery[]> {
  // Fair between tenants (issue 13 abuse test): each tenant's due deliveries in due order,
  // interleaved across tenants, at most `perTenant` of one tenant per round and none of a tenant
  // whose attempts already fill its share, so one tenant's slow receivers never hold the slots
  // another tenant's deliveries need. The window function sits in a CTE so FOR UPDATE can lock
  // the rows themselves (SKIP LOCKED: replicas never claim the same row).
  const saturated = fairness.saturatedTenants.length > 0 ? fairness.saturatedTenants : [''];
  return db.transaction().execute(async (trx) => {
    const picked = await sql<{ id: string }>`
    with due as (
      select q.id, q.next_attempt_at,
        row_number() over (partition by q.tenant_id order by q.next_attempt_at, q.id) as rank
      from webhook_deliveries q join webhooks qw on qw.id = q.webhook_id
      where q.status = 'pending' and qw.enabled = true and q.next_attempt_at <= ${now}
        and q.tenant_id <> all(${saturated}::text[])
    )
    select d.id from webhook_deliveries d join due on due.id = d.id
    where due.rank <= ${fairness.perTenant}
    order by due.rank, due.next_attempt_at, d.id
    limit ${limit}
    for update of d skip locked`.execute(trx);
    const ids = picked.rows.map((r) => r.id);
    if (ids.length === 0) return [];
    const rows = await trx
      .updateTable('webhook_deliveries as d')
      .set((eb) => ({ next_attempt_at: leaseUntil, attempts: eb('d.attempts', '+', 1) }))
      .from('webhooks as w')
      .whereRef('w.id', '=', 'd.webhook_id')
      .where('d.id', 'in', ids)
      // Rechecked on the row a concurrent claim may have just updated: never claimed twice.
      .where('d.next_attempt_at', '<=', now)
      .where('d.status', '=', 'pending')
      .returning([
        'd.id',
        'd.webhook_id',
        'd.tenant_id',
        'd.event_id',
        'd.event_type',
        'd.body',
        'd.attempts',
        'w.url',
        'w.secret',
      ])
      .execute();
    return rows.map((r) => ({
      id: r.id,
      webhookId: r.webhook_id,
      tenantId: r.tenant_id,
      eventId: r.event_id,
      eventType: r.event_type,
      body: r.body,
      attempts: r.attempts,
      url: r.url,
      legacySecret: r.secret,
    }));
  });
}

/** Gives a claimed delivery back without an attempt (its claim counted one): due again at `at`. */
export async function releaseDelivery(db: Executor, deliveryId: string, at: Date): Promise<void> {
  await db
    .updateTable('webhook_deliveries')
    .set((eb) => ({ attempts: eb('attempts', '-', 1), next_attempt_at: at }))
    .where('id', '=', deliveryId)
    .execute();
}

/** Records one attempt and the delivery's new state. */
export async function recordAttempt(
  trx: NotificationTrx,
  input: {
    deliveryId: string;
    attempt: number;
    at: Date;
    statusCode: number | null;
    error: string | null;
    latencyMs: number;
    status: DeliveryStatus;
    nextAttemptAt: Date | null;
  },
): Promise<void> {
  await trx
    .insertInto('webhook_attempts')
    .values({
      delivery_id: input.deliveryId,
      attempt: input.attempt,
      at: input.at,
      status_code: input.statusCode,
      error: input.error,
      latency_ms: input.latencyMs,
    })
    .execute();
  await trx
    .updateTable('webhook_deliveries')
    .set({
      status: input.status,
      last_status_code: input.statusCode,
      last_error: input.error,
      last_latency_ms: input.latencyMs,
      ...(input.nextAttemptAt ? { next_attempt_at: input.nextAttemptAt } : {}),
      ...(input.status !== 'pending' ? { completed_at: input.at } : {}),
    })
    .where('id', '=', input.deliveryId)
    .execute();
}

/** A delivery with its attempts, for the log. */
export interface DeliveryView {
  id: string;
  eventId: string;
  eventType: string;
  status: DeliveryStatus;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  lastLatencyMs: number | null;
  createdAt: string;
  completedAt: string | null;
  attemptLog: {
    attempt: number;
    at: string;
    statusCode: number | null;
    error: string | null;
    latencyMs: number;
  }[];
}

/** The newest deliveries of a webhook first; `before` is the `createdAt|id` cursor of the last page. */
export async function listDeliveries(
  db: Executor,
  tenantId: string,
  webhookId: string,
  options: { limit: number; before?: { createdAt: Date; id: string } | undefined },
): Promise<DeliveryView[]> {
  let query = db
    .selectFrom('webhook_deliveries')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('webhook_id', '=', webhookId);
  if (options.before) {
    const b = options.before;
    query = query.where((eb) =>
      eb.or([
        eb('created_at', '<', b.createdAt),
        eb.and([eb('created_at', '=', b.createdAt), eb('id', '<', b.id)]),
      ]),
    );
  }
  const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(options.limit).execute();
  if (rows.length === 0) return [];
  const attempts = await db
    .selectFrom('webhook_attempts')
    .selectAll()
    .where(
      'delivery_id',
      'in',
      rows.map((r) => r.id),
    )
    .orderBy('attempt')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    eventId: r.event_id,
    eventType: r.event_type,
    status: r.status,
    attempts: r.attempts,
    lastStatusCode: r.last_status_code,
    lastError: r.last_error,
    lastLatencyMs: r.last_latency_ms,
    createdAt: r.created_at.toISOString(),
    completedAt: r.completed_at?.toISOString() ?? null,
    attemptLog: attempts
      .filter((a) => a.delivery_id === r.id)
      .map((a) => ({
        attempt: a.attempt,
        at: a.at.toISOString(),
        statusCode: a.status_code,
        error: a.error,
        latencyMs: a.latency_ms,
      })),
  }));
}

/**
 * Finding 11: deletes finished deliveries (delivered or failed) completed before `before`, their
 * attempts with them (cascade), so the delivery log of a busy webhook does not grow forever.
 * Pending deliveries stay, however old.
 */
export async function pruneDeliveryLog(db: Executor, before: Date): Promise<number> {
  const result = await db
    .deleteFrom('webhook_deliveries')
    .where('status', '<>', 'pending')
    .where('completed_at', '<', before)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
