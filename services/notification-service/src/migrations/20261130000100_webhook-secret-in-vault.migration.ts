import { type Kysely, sql } from 'kysely';
import type { Migration } from 'kysely/migration';

/**
 * Webhook signing secrets move to Vault KV v2: Postgres keeps a fingerprint. The plain-text column
 * stays, nullable, only until the service has moved what it holds: migrations never import
 * application code nor reach Vault, so notification-service does the move at start (idempotent,
 * `moveLegacyWebhookSecrets`) and clears each row it moved.
 */
export const webhookSecretInVault: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .alterTable('webhooks')
      .alterColumn('secret', (c) => c.dropNotNull())
      .execute();
    await db.schema.alterTable('webhooks').addColumn('secret_fingerprint', 'text').execute();
    await sql`comment on column webhooks.secret is 'legacy plain-text signing secret; moved to Vault and cleared at service start'`.execute(
      db,
    );
  },
  async down(db: Kysely<any>) {
    const { rows } = await sql<{
      n: string;
    }>`select count(*) as n from webhooks where secret is null`.execute(db);
    if (Number(rows[0]?.n ?? 0) > 0) {
      throw new Error(
        'webhook secrets are in Vault (webhooks.secret is null): write them back into the column before migrating down',
      );
    }
    await db.schema.alterTable('webhooks').dropColumn('secret_fingerprint').execute();
    await db.schema
      .alterTable('webhooks')
      .alterColumn('secret', (c) => c.setNotNull())
      .execute();
  },
};
