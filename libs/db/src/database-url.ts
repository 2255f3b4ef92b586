/** The Postgres variables every service reads (`serviceConfigProperties` in libs/config). */
export interface DatabaseEnv {
  DATABASE_URL: string;
  DATABASE_SSL_CA_FILE?: string | undefined;
}

/**
 * The connection string with the CA of DATABASE_SSL_CA_FILE as `sslrootcert` (pg reads the file).
 * The URL's `sslmode` decides how strictly the server is checked; with a CA and no `sslmode`,
 * verify-full (certificate chain and host name).
 */
export function databaseUrl(env: DatabaseEnv): string {
  if (!env.DATABASE_SSL_CA_FILE) return env.DATABASE_URL;
  const url = new URL(env.DATABASE_URL);
  if (!url.searchParams.has('sslmode')) url.searchParams.set('sslmode', 'verify-full');
  url.searchParams.set('sslrootcert', env.DATABASE_SSL_CA_FILE);
  return url.toString();
}
