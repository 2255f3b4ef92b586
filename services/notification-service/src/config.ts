import {
  loadConfig as loadConfigFrom,
  Secret,
  type Static,
  serviceConfigProperties,
  Type,
  vaultConfigProperties,
} from '@appgov/config';

/** Every variable notification-service reads; the config type is derived from it. */
export const ConfigSchema = Type.Object({
  ...serviceConfigProperties({ port: 8084, schema: 'notification', redisKeyPrefix: 'appgov:notification:' }),
  ...vaultConfigProperties('notification-service'),

  SMTP_HOST: Type.String({ default: '127.0.0.1' }),
  SMTP_PORT: Type.Integer({ default: 587, minimum: 1, maximum: 65535 }),
  /** true: implicit TLS (port 465); false: STARTTLS when the server offers it. */
  SMTP_SECURE: Type.Boolean({ default: false }),
  /** true: STARTTLS is required; a server that does not offer it is not sent any mail. */
  SMTP_REQUIRE_TLS: Type.Boolean({ default: false }),
  /**
   * Finding 5: plaintext SMTP to a host other than loopback is refused at start; true allows it
   * explicitly (a relay on a trusted private link).
   */
  SMTP_ALLOW_PLAINTEXT: Type.Boolean({ default: false }),
  SMTP_USER: Type.Optional(Type.String()),
  SMTP_PASSWORD: Type.Optional(Secret()),
  /**
   * Where the SMTP password lives in Vault KV v2 when SMTP_PASSWORD is not set:
   * `<mount>/<path>#<field>` (field defaults to `password`), e.g. `secret/appgov/smtp#password`.
   */
  SMTP_PASSWORD_VAULT_PATH: Type.Optional(Type.String({ pattern: '^[^/#]+/[^#]+(#.+)?$' })),
  SMTP_FROM: Type.String({ default: 'Appgov <no-reply@appgov.local>' }),
  SMTP_TIMEOUT_MS: Type.Integer({ default: 10_000, minimum: 100 }),

  /** Product name and links used in emails when a tenant has no settings of its own. */
  DEFAULT_PRODUCT_NAME: Type.String({ default: 'Appgov' }),
  APP_BASE_URL: Type.String({ default: 'http://localhost:3000' }),
  SUPPORT_URL: Type.String({ default: 'https://appgov.dev/support' }),

  /**
   * TEST-ONLY allowance: lets webhook targets use http:// and loopback/private/link-local addresses
   * (the test receivers listen on 127.0.0.1). Never set it in production: it opens SSRF.
   */
  WEBHOOK_ALLOW_PRIVATE_TARGETS: Type.Boolean({ default: false }),
  WEBHOOK_TIMEOUT_MS: Type.Integer({ default: 5000, minimum: 50 }),
  WEBHOOK_MAX_ATTEMPTS: Type.Integer({ default: 8, minimum: 1 }),
  /** Consecutive failed deliveries after which a webhook is disabled and its admin emailed. */
  WEBHOOK_DISABLE_AFTER: Type.Integer({ default: 5, minimum: 1 }),
  WEBHOOK_RETRY_BASE_MS: Type.Integer({ default: 2000, minimum: 1 }),
  WEBHOOK_RETRY_MAX_MS: Type.Integer({ default: 600_000, minimum: 1 }),
  /**
   * How long a signing secret read from Vault (VAULT_*: webhook secrets live at
   * `<mount>/[<prefix>/]tenants/<tenant>/webhooks/<id>/signing`) is reused; 0 reads it per attempt.
   */
  WEBHOOK_SECRET_CACHE_MS: Type.Integer({ default: 60_000, minimum: 0 }),
  EMAIL_RETRY_BASE_MS: Type.Integer({ default: 2000, minimum: 1 }),
  EMAIL_RETRY_MAX_MS: Type.Integer({ default: 300_000, minimum: 1 }),
  /** How often the email and webhook senders look for due rows. */
  SENDER_POLL_INTERVAL_MS: Type.Integer({ default: 500, minimum: 10 }),
  /** A claimed row is invisible to other replicas for this long (a crashed sender's rows come back). */
  SENDER_LEASE_MS: Type.Integer({ default: 60_000, minimum: 100 }),
  /** Dedupe rows older than this are pruned; longer than any topic's retention (30 days). */
  PROCESSED_EVENTS_RETENTION_DAYS: Type.Integer({ default: 35, minimum: 1 }),
  /** Finding 11: finished webhook deliveries (and their attempts) are kept this long, then pruned. */
  WEBHOOK_DELIVERY_RETENTION_DAYS: Type.Integer({ default: 30, minimum: 1 }),
});

/** notification-service configuration. */
export type Config = Static<typeof ConfigSchema>;

/** Reads and validates the environment once (fails naming every bad variable). */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Readonly<Config> {
  return loadConfigFrom(ConfigSchema, env);
}
