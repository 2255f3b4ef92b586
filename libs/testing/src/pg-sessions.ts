import pg from 'pg';
import { testEnv } from './test-env.js';

/** A client connection as the server sees it. */
export interface PgSession {
  user: string;
  ssl: boolean;
}

/** The TCP sessions of an application (its `application_name`), read as the superuser. */
export async function pgSessions(
  applicationName: string,
  connectionString = testEnv().DATABASE_URL,
): Promise<PgSession[]> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    const { rows } = await client.query<PgSession>(
      `select a.usename as user, s.ssl from pg_stat_activity a join pg_stat_ssl s on s.pid = a.pid
        where a.application_name = $1 and a.client_port is not null`,
      [applicationName],
    );
    return rows;
  } finally {
    await client.end();
  }
}
