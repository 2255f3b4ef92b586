import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export interface ProcessedEventsTable {
  consumer: string;
  event_id: string;
  event_type: string;
  processed_at: Generated<Date>;
}

export interface TenantSettingsTable {
  tenant_id: string;
  product_name: string | null;
  app_url: string | null;
  support_url: string | null;
  updated_at: Generated<Date>;
}

export interface RecipientsTable {
  id: Generated<string>;
  tenant_id: string;
  email: string;
  created_by: string;
  created_at: Generated<Date>;
}

export interface ConnectionsTable {
  connection_id: string;
  tenant_id: string;
  domain: string | null;
  admin_sub: string | null;
  admin_email: string | null;
  first_success_at: NullableTimestamp;
  ready_pending: Generated<boolean>;
  ready_notified_at: NullableTimestamp;
  incident_opened_at: NullableTimestamp;
  incident_reason: string | null;
  deleted_at: NullableTimestamp;
  updated_at: Generated<Date>;
}

export type EmailStatus = 'pending' | 'sent' | 'failed';

export interface EmailQueueTable {
  id: Generated<string>;
  tenant_id: string;
  dedupe_key: string;
  kind: string;
  to_address: string;
  subject: string;
  text_body: string;
  html_body: string;
  status: Generated<EmailStatus>;
  attempts: Generated<number>;
  next_attempt_at: Timestamp;
  last_error: string | null;
  created_at: Generated<Date>;
  sent_at: NullableTimestamp;
}

export type WebhookFormat = 'generic' | 'slack';

export interface WebhooksTable {
  id: Generated<string>;
  tenant_id: string;
  url: string;
  description: string | null;
  event_types: string[];
  format: WebhookFormat;
  /** Legacy plain-text secret of rows created before secrets moved to Vault; null once moved. */
  secret: ColumnType<string | null, string | null | undefined, string | null>;
  /** First 16 hex of the SHA-256 of the signing secret, which lives in Vault. */
  secret_fingerprint: ColumnType<string | null, string | null | undefined, string | null>;
  enabled: Generated<boolean>;
  disabled_reason: string | null;
  consecutive_failures: Generated<number>;
  created_by_sub: string;
  created_by_email: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

export interface WebhookDeliveriesTable {
  id: Generated<string>;
  webhook_id: string;
  tenant_id: string;
  event_id: string;
  event_type: string;
  body: string;
  status: Generated<DeliveryStatus>;
  attempts: Generated<number>;
  next_attempt_at: Timestamp;
  last_status_code: number | null;
  last_error: string | null;
  last_latency_ms: number | null;
  created_at: Generated<Date>;
  completed_at: NullableTimestamp;
}

export interface WebhookAttemptsTable {
  id: Generated<string>;
  delivery_id: string;
  attempt: number;
  at: Timestamp;
  status_code: number | null;
  error: string | null;
  latency_ms: number;
}

/** The notification schema as Kysely sees it. */
export interface NotificationDatabase {
  processed_events: ProcessedEventsTable;
  tenant_settings: TenantSettingsTable;
  recipients: RecipientsTable;
  connections: ConnectionsTable;
  email_queue: EmailQueueTable;
  webhooks: WebhooksTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_attempts: WebhookAttemptsTable;
}
