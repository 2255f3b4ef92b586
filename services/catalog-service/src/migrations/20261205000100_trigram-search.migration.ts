import { type Kysely, sql } from 'kysely';
import type { Migration } from 'kysely/migration';

// Finding 9: `ilike '%q%'` searches scanned every row of the tenant. Trigram GIN indexes serve them
// (terms of three characters or more). The extension goes to `public`, never to the service's
// schema: extensions are per database, and dropping one schema must not drop another's indexes.
// pg_trgm ships with Debian's PostgreSQL server package (contrib) and is a trusted extension.
const INDEXES = [
  'create index if not exists apps_label_trgm_idx on apps using gin (label public.gin_trgm_ops)',
  'create index if not exists apps_name_trgm_idx on apps using gin (name public.gin_trgm_ops)',
  'create index if not exists users_login_trgm_idx on users using gin (login public.gin_trgm_ops)',
  'create index if not exists users_email_trgm_idx on users using gin (email public.gin_trgm_ops)',
  `create index if not exists users_full_name_trgm_idx on users using gin ((first_name || ' ' || last_name) public.gin_trgm_ops)`,
  'create index if not exists groups_name_trgm_idx on groups using gin (name public.gin_trgm_ops)',
];

/** Trigram indexes for the catalog's search terms. */
export const trigramSearchMigration: Migration = {
  async up(db: Kysely<any>) {
    await sql
      .raw('create extension if not exists pg_trgm with schema public')
      .execute(db)
      .catch((error: { code?: string }) => {
        // Two schemas migrating at once race on the catalog's unique index; the other one created it.
        if (error.code !== '23505' && error.code !== '42710') throw error;
      });
    for (const text of INDEXES) await sql.raw(text).execute(db);
  },
  async down(db: Kysely<any>) {
    for (const text of INDEXES) {
      const name = /exists (\w+)/.exec(text)?.[1];
      await sql.raw(`drop index if exists ${name}`).execute(db);
    }
    // The extension stays: other schemas of the database may use it.
  },
};
