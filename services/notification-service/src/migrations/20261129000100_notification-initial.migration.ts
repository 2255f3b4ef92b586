import { type Kysely, sql } from 'kysely';
import type { Migration } from 'kysely/migration';

/** Recipients, settings, connection state, dedupe, the email queue and webhooks with their log. */
export const notificationInitial: Migration = {
  async up(db: Kysely<any>) {
    // N4: one row per (consumer, event id), inserted in the transaction that enqueues deliveries.
    await db.schema
      .createTable('processed_events')
      .addColumn('consumer', 'text', (c) => c.notNull())
      .addColumn('event_id', 'text', (c) => c.notNull())
      .addColumn('event_type', 'text', (c) => c.notNull())
      .addColumn('processed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addPrimaryKeyConstraint('processed_events_pk', ['consumer', 'event_id'])
      .execute();

    await db.schema
      .createTable('tenant_settings')
      .addColumn('tenant_id', 'text', (c) => c.primaryKey())
      .addColumn('product_name', 'text')
      .addColumn('app_url', 'text')
      .addColumn('support_url', 'text')
      .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .execute();

    await db.schema
      .createTable('recipients')
      .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
      .addColumn('tenant_id', 'text', (c) => c.notNull())
      .addColumn('email', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .execute();
    await sql`create unique index recipients_tenant_email_uq on recipients (tenant_id, lower(email))`.execute(
      db,
    );

    // What the service remembers of each connection: who added it and where its notifications stand.
    await db.schema
      .createTable('connections')
      .addColumn('connection_id', 'text', (c) => c.primaryKey())
      .addColumn('tenant_id', 'text', (c) => c.notNull())
      .addColumn('domain', 'text')
      .addColumn('admin_sub', 'text')
      .addColumn('admin_email', 'text')
      .addColumn('first_success_at', 'timestamptz')
      // Set when the first success arrived before connection.created: the email waits for the admin.
      .addColumn('ready_pending', 'boolean', (c) => c.notNull().defaultTo(false))
      .addColumn('ready_notified_at', 'timestamptz')
      .addColumn('incident_opened_at', 'timestamptz')
      .addColumn('incident_reason', 'text')
      .addColumn('deleted_at', 'timestamptz')
      .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .execute();
    await db.schema.createIndex('connections_tenant_idx').on('connections').column('tenant_id').execute();

    // N5: outbox-like queue; a row stays pending until the SMTP server accepted it.
    await db.schema
      .createTable('email_queue')
      .addColumn('id', 'bigserial', (c) => c.primaryKey())
      .addColumn('tenant_id', 'text', (c) => c.notNull())
      .addColumn('dedupe_key', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('to_address', 'text', (c) => c.notNull())
      .addColumn('subject', 'text', (c) => c.notNull())
      .addColumn('text_body', 'text', (c) => c.notNull())
      .addColumn('html_body', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending'))
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('next_attempt_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addColumn('last_error', 'text')
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addColumn('sent_at', 'timestamptz')
      .addCheckConstraint('email_queue_status_ck', sql`status in ('pending', 'sent', 'failed')`)
      .execute();
    await sql`create unique index email_queue_dedupe_uq on email_queue (dedupe_key, lower(to_address))`.execute(
      db,
    );
    await sql`create index email_queue_due_idx on email_queue (next_attempt_at) where status = 'pending'`.execute(
      db,
    );

    await db.schema
      .createTable('webhooks')
      .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
      .addColumn('tenant_id', 'text', (c) => c.notNull())
      .addColumn('url', 'text', (c) => c.notNull())
      .addColumn('description', 'text')
      .addColumn('event_types', sql`text[]`, (c) => c.notNull())
      .addColumn('format', 'text', (c) => c.notNull())
      // The signing secret must be usable to sign, so it is stored; it is never returned after creation.
      .addColumn('secret', 'text', (c) => c.notNull())
      .addColumn('enabled', 'boolean', (c) => c.notNull().defaultTo(true))
      .addColumn('disabled_reason', 'text')
      .addColumn('consecutive_failures', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_by_sub', 'text', (c) => c.notNull())
      .addColumn('created_by_email', 'text')
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addCheckConstraint('webhooks_format_ck', sql`format in ('generic', 'slack')`)
      .execute();
    await db.schema.createIndex('webhooks_tenant_idx').on('webhooks').column('tenant_id').execute();

    await db.schema
      .createTable('webhook_deliveries')
      .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
      .addColumn('webhook_id', 'uuid', (c) => c.notNull().references('webhooks.id').onDelete('cascade'))
      .addColumn('tenant_id', 'text', (c) => c.notNull())
      .addColumn('event_id', 'text', (c) => c.notNull())
      .addColumn('event_type', 'text', (c) => c.notNull())
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending'))
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('next_attempt_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addColumn('last_status_code', 'integer')
      .addColumn('last_error', 'text')
      .addColumn('last_latency_ms', 'integer')
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addColumn('completed_at', 'timestamptz')
      .addCheckConstraint('webhook_deliveries_status_ck', sql`status in ('pending', 'delivered', 'failed')`)
      .addUniqueConstraint('webhook_deliveries_event_uq', ['webhook_id', 'event_id'])
      .execute();
    await sql`create index webhook_deliveries_due_idx on webhook_deliveries (next_attempt_at) where status = 'pending'`.execute(
      db,
    );
    await sql`create index webhook_deliveries_log_idx on webhook_deliveries (webhook_id, created_at desc, id)`.execute(
      db,
    );

    await db.schema
      .createTable('webhook_attempts')
      .addColumn('id', 'bigserial', (c) => c.primaryKey())
      .addColumn('delivery_id', 'uuid', (c) =>
        c.notNull().references('webhook_deliveries.id').onDelete('cascade'),
      )
      .addColumn('attempt', 'integer', (c) => c.notNull())
      .addColumn('at', 'timestamptz', (c) => c.notNull())
      .addColumn('status_code', 'integer')
      .addColumn('error', 'text')
      .addColumn('latency_ms', 'integer', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('webhook_attempts_delivery_idx')
      .on('webhook_attempts')
      .column('delivery_id')
      .execute();
  },
  async down(db: Kysely<any>) {
    for (const table of [
      'webhook_attempts',
      'webhook_deliveries',
      'webhooks',
      'email_queue',
      'connections',
      'recipients',
      'tenant_settings',
      'processed_events',
    ]) {
      await db.schema.dropTable(table).ifExists().execute();
    }
  },
};
