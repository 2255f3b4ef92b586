import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { decodeJwt } from 'jose';
import pg from 'pg';
import t from 'tap';
import {
  freePort,
  freshSchema,
  mintJwt,
  startScratchPostgres,
  testEnv,
  uniqueName,
  waitFor,
} from '../src/index.js';

t.test('uniqueName is unique and safe for schema and topic names', async (t) => {
  const a = uniqueName('My-Test');
  t.match(a, /^my_test_[a-z0-9]+_[0-9a-f]{8}$/);
  t.not(a, uniqueName('My-Test'));
});

t.test('mintJwt carries the claims', async (t) => {
  const token = await mintJwt({ sub: 'u1', email: 'a@b.c', tenant: 't1', roles: ['admin'] });
  t.match(decodeJwt(token), { sub: 'u1', email: 'a@b.c', tenant: 't1', roles: ['admin'] });
});

t.test('waitFor returns the first truthy value and times out otherwise', async (t) => {
  let n = 0;
  t.equal(await waitFor(() => (++n >= 3 ? n : 0), { intervalMs: 1 }), 3);
  await t.rejects(
    waitFor(() => false, { timeoutMs: 30, description: 'never' }),
    /waiting for never/,
  );
});

t.test('freshSchema creates a schema that is dropped on teardown', async (t) => {
  const client = new pg.Client({ connectionString: testEnv().DATABASE_URL });
  await client.connect();
  t.teardown(() => client.end());
  const exists = async (name: string) =>
    (await client.query('select 1 from pg_namespace where nspname = $1', [name])).rowCount === 1;
  let name = '';
  await t.test('inner', async (t) => {
    name = await freshSchema(t, 'helpers');
    t.ok(await exists(name));
  });
  t.notOk(await exists(name));
});

t.test('a scratch Postgres stops and starts', async (t) => {
  const scratch = await startScratchPostgres();
  t.teardown(() => scratch.destroy());
  const query = async () => {
    const c = new pg.Client({ connectionString: scratch.url });
    await c.connect();
    try {
      return (await c.query('select 1 as one')).rows[0].one;
    } finally {
      await c.end();
    }
  };
  t.equal(await query(), 1);
  await scratch.stop();
  await t.rejects(query());
  await scratch.start();
  t.equal(await query(), 1);
});

t.test('freePort gives a bindable port below the ephemeral range', async (t) => {
  const [low] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/);
  const port = await freePort();
  t.ok(port >= 10_000 && port < Number(low), `${port} below ${low}`);
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  t.not(await freePort(), port, 'a port in use is not handed out');
});
