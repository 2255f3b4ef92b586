import t from 'tap';
import { call, withSimulator } from './helpers.js';

const PERMISSION_DENIED = { errors: ['1 error occurred:\n\t* permission denied\n\n'] };

t.test('writes create versions; reads return the latest or ?version=N', async (t) => {
  const vault = await withSimulator(t);
  const w1 = await call(vault, 'POST', '/v1/secret/data/app/db', { body: { data: { password: 'one' } } });
  t.equal(w1.status, 200);
  t.equal(w1.body.data.version, 1);
  t.equal(w1.body.data.deletion_time, '');
  t.equal(w1.body.data.destroyed, false);
  const w2 = await call(vault, 'PUT', '/v1/secret/data/app/db', { body: { data: { password: 'two' } } });
  t.equal(w2.body.data.version, 2);

  const latest = await call(vault, 'GET', '/v1/secret/data/app/db');
  t.equal(latest.status, 200);
  t.same(latest.body.data.data, { password: 'two' });
  t.equal(latest.body.data.metadata.version, 2);
  t.equal(latest.body.lease_id, '');
  const first = await call(vault, 'GET', '/v1/secret/data/app/db?version=1');
  t.same(first.body.data.data, { password: 'one' });
  t.equal((await call(vault, 'GET', '/v1/secret/data/app/db?version=9')).status, 404);
});

t.test('a missing secret is 404 with an empty errors list', async (t) => {
  const vault = await withSimulator(t);
  const res = await call(vault, 'GET', '/v1/secret/data/nope');
  t.equal(res.status, 404);
  t.same(res.body, { errors: [] });
  t.same((await call(vault, 'GET', '/v1/secret/metadata/nope')).body, { errors: [] });
});

t.test('check-and-set: 0 only creates, a stale version is refused with 400', async (t) => {
  const vault = await withSimulator(t);
  const path = '/v1/secret/data/cas';
  t.equal((await call(vault, 'POST', path, { body: { options: { cas: 0 }, data: { a: 1 } } })).status, 200);
  const again = await call(vault, 'POST', path, { body: { options: { cas: 0 }, data: { a: 2 } } });
  t.equal(again.status, 400);
  t.same(again.body, { errors: ['check-and-set parameter did not match the current version'] });
  t.equal(
    (await call(vault, 'POST', path, { body: { options: { cas: 1 }, data: { a: 2 } } })).body.data.version,
    2,
  );
  t.same((await call(vault, 'POST', path, { body: {} })).body, { errors: ['no data provided'] });

  await call(vault, 'POST', '/v1/secret/metadata/cas', { body: { cas_required: true } });
  const required = await call(vault, 'POST', path, { body: { data: { a: 3 } } });
  t.same(required.body, { errors: ['check-and-set parameter required for this call'] });
});

t.test('soft delete hides the latest version; its metadata is still served with the 404', async (t) => {
  const vault = await withSimulator(t);
  await call(vault, 'POST', '/v1/secret/data/soft', { body: { data: { v: 1 } } });
  await call(vault, 'POST', '/v1/secret/data/soft', { body: { data: { v: 2 } } });
  t.equal((await call(vault, 'DELETE', '/v1/secret/data/soft')).status, 204);
  const read = await call(vault, 'GET', '/v1/secret/data/soft');
  t.equal(read.status, 404);
  t.equal(read.body.data.data, null);
  t.not(read.body.data.metadata.deletion_time, '');
  t.equal(read.body.data.metadata.destroyed, false);
  t.same((await call(vault, 'GET', '/v1/secret/data/soft?version=1')).body.data.data, { v: 1 });

  await call(vault, 'POST', '/v1/secret/undelete/soft', { body: { versions: [2] } });
  t.same((await call(vault, 'GET', '/v1/secret/data/soft')).body.data.data, { v: 2 });
});

t.test('destroy removes version data for good and marks the metadata', async (t) => {
  const vault = await withSimulator(t);
  await call(vault, 'POST', '/v1/secret/data/gone', { body: { data: { v: 'first-secret' } } });
  await call(vault, 'POST', '/v1/secret/data/gone', { body: { data: { v: 'second-secret' } } });
  t.equal((await call(vault, 'POST', '/v1/secret/destroy/gone', { body: { versions: [1] } })).status, 204);
  const v1 = await call(vault, 'GET', '/v1/secret/data/gone?version=1');
  t.equal(v1.status, 404);
  t.equal(v1.body.data.metadata.destroyed, true);
  const meta = await call(vault, 'GET', '/v1/secret/metadata/gone');
  t.equal(meta.body.data.current_version, 2);
  t.equal(meta.body.data.versions['1'].destroyed, true);
  t.equal(meta.body.data.versions['2'].destroyed, false);
  t.notMatch(JSON.stringify(vault.sim.dumpSecrets()), 'first-secret');
  t.match(JSON.stringify(vault.sim.dumpSecrets()), 'second-secret');
  const bad = await call(vault, 'PUT', '/v1/secret/destroy/gone', { body: {} });
  t.same(bad, { status: 400, body: { errors: ['no version number provided'] } });
});

t.test('metadata delete removes every version; list shows folders', async (t) => {
  const vault = await withSimulator(t);
  await call(vault, 'POST', '/v1/secret/data/tenants/t1/a', { body: { data: { x: 1 } } });
  await call(vault, 'POST', '/v1/secret/data/tenants/t1/sub/b', { body: { data: { x: 1 } } });
  const listed = await call(vault, 'GET', '/v1/secret/metadata/tenants/t1?list=true');
  t.same(listed.body.data.keys, ['a', 'sub/']);
  const viaList = await call(vault, 'LIST', '/v1/secret/metadata/tenants/t1/');
  t.equal(viaList.status, 200);
  t.same(viaList.body.data.keys, ['a', 'sub/']);
  t.equal((await call(vault, 'DELETE', '/v1/secret/metadata/tenants/t1/a')).status, 204);
  t.equal((await call(vault, 'GET', '/v1/secret/data/tenants/t1/a')).status, 404);
  t.equal((await call(vault, 'GET', '/v1/secret/metadata/tenants/t1/a')).status, 404);
  t.equal((await call(vault, 'DELETE', '/v1/secret/metadata/tenants/t1/a')).status, 204, 'idempotent');
  t.equal((await call(vault, 'GET', '/v1/secret/metadata/empty?list=true')).status, 404);
});

t.test('several mounts are independent', async (t) => {
  const vault = await withSimulator(t, { mounts: ['secret', 'okta'] });
  await call(vault, 'POST', '/v1/okta/data/x', { body: { data: { v: 1 } } });
  t.equal((await call(vault, 'GET', '/v1/okta/data/x')).status, 200);
  t.equal((await call(vault, 'GET', '/v1/secret/data/x')).status, 404);
  const unmounted = await call(vault, 'GET', '/v1/other/data/x');
  t.equal(unmounted.status, 404);
  t.match(unmounted.body.errors[0], 'no handler for route');
});

t.test('policies: read-only tokens cannot write; paths outside the globs are denied', async (t) => {
  const vault = await withSimulator(t, {
    policies: {
      reader: [{ path: 'secret/data/tenants/*', capabilities: ['read', 'list'] }],
      writer: [
        { path: 'secret/data/tenants/*', capabilities: ['create', 'read', 'update', 'delete'] },
        { path: 'secret/data/tenants/+/private', capabilities: ['deny'] },
      ],
    },
  });
  const reader = vault.sim.createToken({ policies: ['default', 'reader'], ttlSeconds: 3600 });
  const writer = vault.sim.createToken({ policies: ['default', 'writer'], ttlSeconds: 3600 });
  await call(vault, 'POST', '/v1/secret/data/tenants/t1/okta', { body: { data: { v: 1 } } });

  t.equal((await call(vault, 'GET', '/v1/secret/data/tenants/t1/okta', { token: reader })).status, 200);
  const denied = await call(vault, 'POST', '/v1/secret/data/tenants/t1/okta', {
    token: reader,
    body: { data: { v: 2 } },
  });
  t.same(denied, { status: 403, body: PERMISSION_DENIED });
  t.same((await call(vault, 'GET', '/v1/secret/data/other', { token: reader })).body, PERMISSION_DENIED);
  t.equal((await call(vault, 'GET', '/v1/secret/metadata/tenants/t1', { token: reader })).status, 403);

  const w = await call(vault, 'POST', '/v1/secret/data/tenants/t1/okta', {
    token: writer,
    body: { data: { v: 2 } },
  });
  t.equal(w.body.data.version, 2);
  const deny = await call(vault, 'POST', '/v1/secret/data/tenants/t1/private', {
    token: writer,
    body: { data: { v: 1 } },
  });
  t.equal(deny.status, 403, 'deny wins on the more specific path');
  t.equal(
    (
      await call(vault, 'POST', '/v1/secret/destroy/tenants/t1/okta', {
        token: writer,
        body: { versions: [1] },
      })
    ).status,
    403,
  );
});

t.test('missing and unknown tokens are refused with 403', async (t) => {
  const vault = await withSimulator(t);
  const none = await call(vault, 'GET', '/v1/secret/data/a', { token: null });
  t.equal(none.status, 403);
  const unknown = await call(vault, 'GET', '/v1/secret/data/a', { token: 'hvs.nope' });
  t.equal(unknown.status, 403);
  t.match(unknown.body.errors[0], 'permission denied');
  t.match(unknown.body.errors[0], 'invalid token');
});

t.test('sealed answers 503 everywhere; sys/health reports it', async (t) => {
  const vault = await withSimulator(t);
  const healthy = await call(vault, 'GET', '/v1/sys/health', { token: null });
  t.equal(healthy.status, 200);
  t.equal(healthy.body.sealed, false);
  t.equal(healthy.body.initialized, true);
  vault.sim.seal();
  t.same(await call(vault, 'GET', '/v1/secret/data/a'), {
    status: 503,
    body: { errors: ['Vault is sealed'] },
  });
  t.equal((await call(vault, 'GET', '/v1/auth/token/lookup-self')).status, 503);
  const health = await call(vault, 'GET', '/v1/sys/health', { token: null });
  t.equal(health.status, 503);
  t.equal(health.body.sealed, true);
  t.equal((await call(vault, 'GET', '/v1/sys/health?sealedcode=200', { token: null })).status, 200);
  vault.sim.unseal();
  t.equal((await call(vault, 'GET', '/v1/sys/health', { token: null })).status, 200);
});

t.test('unavailable: refused then reset, then back', async (t) => {
  const vault = await withSimulator(t);
  await vault.sim.setUnavailable('refused');
  const refused = await fetch(`${vault.url}/v1/sys/health`).catch((e: Error) => e);
  t.ok(refused instanceof Error);
  t.equal(((refused as Error).cause as NodeJS.ErrnoException).code, 'ECONNREFUSED');
  await vault.sim.setUnavailable('reset');
  const reset = await fetch(`${vault.url}/v1/sys/health`).catch((e: Error) => e);
  t.ok(reset instanceof Error);
  t.equal(((reset as Error).cause as NodeJS.ErrnoException).code, 'ECONNRESET');
  await vault.sim.setUnavailable(false);
  t.equal((await fetch(`${vault.url}/v1/sys/health`)).status, 200);
});

t.test('request counts and secret dump', async (t) => {
  const vault = await withSimulator(t);
  await call(vault, 'POST', '/v1/secret/data/c', { body: { data: { v: 'x' } } });
  await call(vault, 'GET', '/v1/secret/data/c');
  await call(vault, 'GET', '/v1/secret/data/c?version=1');
  t.equal(vault.sim.requestCounts()['GET /v1/secret/data/c'], 2);
  t.equal(vault.sim.requestCount('/v1/secret/'), 3);
  vault.sim.resetRequestCounts();
  t.equal(vault.sim.requestCount(), 0);
  t.same(vault.sim.dumpSecrets(), [
    {
      mount: 'secret',
      path: 'c',
      currentVersion: 1,
      versions: [{ version: 1, deletionTime: '', destroyed: false, data: { v: 'x' } }],
    },
  ]);
});
