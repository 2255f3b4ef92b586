import { type Kysely, sql } from 'kysely';
import type { Migration } from 'kysely/migration';

/**
 * C11: a connection's credential is an API token or an OAuth service app. The token_* display
 * columns describe API tokens only; a service app is shown by client id, kid and the thumbprint of
 * its public key. The private key, like the token, lives in Vault only.
 */
export const credentialTypeMigration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .alterTable('connections')
      .addColumn('credential_type', 'text', (c) =>
        c.notNull().defaultTo('api_token').check(sql`credential_type in ('api_token','oauth_service_app')`),
      )
      .addColumn('oauth_client_id', 'text')
      .addColumn('oauth_key_id', 'text')
      .addColumn('oauth_scopes', 'jsonb')
      .addColumn('public_key_fingerprint', 'text')
      .execute();
    await db.schema
      .alterTable('connections')
      .alterColumn('token_last4', (c) => c.dropNotNull())
      .execute();
    await db.schema
      .alterTable('connections')
      .alterColumn('token_fingerprint', (c) => c.dropNotNull())
      .execute();
  },
  async down(db: Kysely<any>) {
    // Rows of service apps keep a displayable fingerprint under the old not-null columns.
    await sql`update connections set token_last4 = '', token_fingerprint = coalesce(public_key_fingerprint, '')
      where token_last4 is null or token_fingerprint is null`.execute(db);
    await db.schema
      .alterTable('connections')
      .alterColumn('token_last4', (c) => c.setNotNull())
      .execute();
    await db.schema
      .alterTable('connections')
      .alterColumn('token_fingerprint', (c) => c.setNotNull())
      .execute();
    await db.schema
      .alterTable('connections')
      .dropColumn('credential_type')
      .dropColumn('oauth_client_id')
      .dropColumn('oauth_key_id')
      .dropColumn('oauth_scopes')
      .dropColumn('public_key_fingerprint')
      .execute();
  },
};
