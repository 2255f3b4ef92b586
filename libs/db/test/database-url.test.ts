// Postgres over TLS with a private CA (DATABASE_SSL_CA_FILE): the local server serves the scripts'
// certificate (deploy/local/postgres.sh); verify-full succeeds with the CA and fails without it.
import { resolve } from 'node:path';
import { testEnv } from '@appgov/testing';
import pg from 'pg';
import t from 'tap';
import { databaseUrl } from '../src/index.js';

const caFile =
  process.env.APPGOV_CA_FILE ||
  resolve(process.env.APPGOV_STATE || resolve(process.cwd(), '../../.local'), 'tls/ca.pem');

t.test('databaseUrl adds the CA and verify-full, and leaves a plain URL alone', async (t) => {
  t.equal(databaseUrl({ DATABASE_URL: 'postgres://u:p@db:5432/x' }), 'postgres://u:p@db:5432/x');
  const url = new URL(
    databaseUrl({ DATABASE_URL: 'postgres://u:p@db:5432/x', DATABASE_SSL_CA_FILE: '/ca.pem' }),
  );
  t.equal(url.searchParams.get('sslmode'), 'verify-full');
  t.equal(url.searchParams.get('sslrootcert'), '/ca.pem');
  const kept = new URL(
    databaseUrl({ DATABASE_URL: 'postgres://u:p@db/x?sslmode=verify-ca', DATABASE_SSL_CA_FILE: '/ca.pem' }),
  );
  t.equal(kept.searchParams.get('sslmode'), 'verify-ca', "the URL's sslmode wins");
});

t.test('the local Postgres over TLS: trusted through the CA only', async (t) => {
  const ssl = async (connectionString: string) => {
    const client = new pg.Client({ connectionString });
    await client.connect();
    try {
      const { rows } = await client.query('select ssl from pg_stat_ssl where pid = pg_backend_pid()');
      return rows[0].ssl as boolean;
    } finally {
      await client.end();
    }
  };
  const base = testEnv().DATABASE_URL;
  t.equal(
    await ssl(databaseUrl({ DATABASE_URL: base, DATABASE_SSL_CA_FILE: caFile })),
    true,
    'TLS, verified',
  );
  const noCa = new URL(base);
  noCa.searchParams.set('sslmode', 'verify-full');
  await t.rejects(
    ssl(noCa.toString()),
    /self.signed|certificate/i,
    'without the CA the certificate is refused',
  );
  t.equal(await ssl(base), false, 'plain connections still work for the rest of the suite');
});
