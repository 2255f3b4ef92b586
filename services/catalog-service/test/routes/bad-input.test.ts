import { mintJwt } from '@appgov/testing';
import t from 'tap';
import { startOfflineCatalog } from '../fixtures/offline-catalog.js';

// Regression tests named after the findings of issue 13 (SPEC S1: no input produces a 5xx).
t.test('bad input answers 4xx problem+json, never 500', async (t) => {
  const { service } = await startOfflineCatalog(t, 'catalog_bad');
  const jwt = await mintJwt({ sub: 'v', email: 'v@example.com', tenant: 'tenant-bad', roles: ['viewer'] });
  const get = async (url: string) => {
    const res = await service.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${jwt}` } });
    return { status: res.statusCode, type: String(res.headers['content-type']), body: res.json() };
  };
  const cursorOf = (v: unknown) => Buffer.from(JSON.stringify(v), 'utf8').toString('base64url');

  await t.test('GET /v1/catalog/apps?q=a%00b answers 500 (NUL byte)', async (t) => {
    for (const path of ['apps', 'users', 'groups']) {
      const res = await get(`/v1/catalog/${path}?q=a%00b`);
      t.equal(res.status, 400, `${path}: ${JSON.stringify(res.body)}`);
      t.match(res.type, 'application/problem+json');
    }
    const other = await get('/v1/catalog/apps?signOnMode=a%00b');
    t.equal(other.status, 400, 'other free-text parameters too');
    const id = await get('/v1/catalog/apps/00000000-0000-4000-8000-000000000000/a%00b');
    t.equal(id.status, 400, 'path ids too');
  });

  await t.test('a malformed cursor answers 500 (finding 12)', async (t) => {
    const cursors = [
      cursorOf(['x', 'not-a-uuid', 'y']),
      cursorOf([{ a: 1 }, '00000000-0000-4000-8000-000000000000', 'y']),
      cursorOf(['not-a-date', '00000000-0000-4000-8000-000000000000', 'y']),
      cursorOf(['a\u0000b', '00000000-0000-4000-8000-000000000000', 'y']),
      cursorOf(['x', '00000000-0000-4000-8000-000000000000', 'y\u0000']),
      'not base64 at all!',
    ];
    for (const cursor of cursors) {
      for (const url of [
        `/v1/catalog/apps?cursor=${encodeURIComponent(cursor)}`,
        `/v1/catalog/apps?sort=userCount&cursor=${encodeURIComponent(cursor)}`,
        `/v1/catalog/apps?sort=lastUpdated&cursor=${encodeURIComponent(cursor)}`,
        `/v1/catalog/users?cursor=${encodeURIComponent(cursor)}`,
        `/v1/catalog/findings?cursor=${encodeURIComponent(cursor)}`,
      ]) {
        const res = await get(url);
        // A well-formed cursor of another sort order is merely a different starting point.
        const wrongOrderOnly = cursor === cursors[2] && !/sort=(lastUpdated|userCount)|findings/.test(url);
        if (wrongOrderOnly) {
          t.equal(res.status, 200, url);
          continue;
        }
        t.equal(res.status, 400, `${url}: ${JSON.stringify(res.body)}`);
        t.equal(res.body.code, 'CATALOG_INVALID_CURSOR');
      }
    }
  });
});
