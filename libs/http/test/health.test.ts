import { createDb, pingDb } from '@appgov/db';
import { startScratchPostgres, waitFor } from '@appgov/testing';
import t from 'tap';
import { testApp } from './helpers.js';

t.test('/readyz answers 503 when Postgres is stopped and 200 when it is back', async (t) => {
  const pg = await startScratchPostgres();
  t.teardown(() => pg.destroy());
  const db = createDb({ connectionString: pg.url, schema: 'public', max: 2 });
  t.teardown(() => db.destroy());
  const { app } = await testApp(t, {
    readiness: { postgres: () => pingDb(db), always: async () => {} },
    // A first connection to a cold Postgres on a loaded machine can take over a second.
    readinessTimeoutMs: 10_000,
  });

  const up = await app.inject({ url: '/readyz' });
  t.equal(up.statusCode, 200);
  t.same(up.json(), { status: 'ok', checks: { postgres: 'ok', always: 'ok' } });

  await pg.stop();
  const down = await app.inject({ url: '/readyz' });
  t.equal(down.statusCode, 503);
  t.same(down.json(), {
    status: 'unavailable',
    failing: ['postgres'],
    checks: { postgres: 'failed', always: 'ok' },
  });
  t.equal((await app.inject({ url: '/healthz' })).statusCode, 200, 'liveness does not depend on Postgres');

  await pg.start();
  // The pool may still hold connections of the stopped server: ready again, eventually.
  const back = await waitFor(
    async () => {
      const res = await app.inject({ url: '/readyz' });
      return res.statusCode === 200 ? res : undefined;
    },
    { description: '/readyz 200 after Postgres is back' },
  );
  t.equal(back.statusCode, 200);
});

t.test('a hanging check fails readiness after the timeout', async (t) => {
  const { app } = await testApp(t, {
    readiness: { kafka: () => new Promise(() => {}) },
    readinessTimeoutMs: 100,
  });
  const res = await app.inject({ url: '/readyz' });
  t.equal(res.statusCode, 503);
  t.same(res.json().failing, ['kafka']);
});

t.test('/metrics exposes the duration histogram by route template; /docs/json has the routes', async (t) => {
  const { app } = await testApp(t);
  app.get('/connections/:id', { schema: { summary: 'Get a connection' } }, async (request) => request.params);
  await app.inject({ url: '/connections/abc-123' });
  await app.inject({ url: '/connections/def-456' });
  await app.inject({ url: '/missing/xyz' });
  const metrics = await app.inject({ url: '/metrics' });
  t.equal(metrics.statusCode, 200);
  t.match(metrics.headers['content-type'], /text\/plain/);
  t.match(
    metrics.body,
    /appgov_http_request_duration_seconds_count\{[^}]*route="\/connections\/:id",method="GET",status="200"[^}]*\} 2/,
  );
  t.match(metrics.body, /route="unmatched",method="GET",status="404"/);
  t.notMatch(metrics.body, /abc-123|xyz/);
  t.match(metrics.body, /process_cpu_user_seconds_total/);

  const docs = await app.inject({ url: '/docs/json' });
  t.equal(docs.statusCode, 200);
  const doc = docs.json();
  t.equal(doc.openapi, '3.1.0');
  t.equal(doc.info.title, 'Test API');
  t.ok(doc.paths['/connections/{id}']);
  t.notOk(doc.paths['/healthz'], 'probes are hidden');
});
