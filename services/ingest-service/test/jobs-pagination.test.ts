// Issue 13: one pagination shape (limit, cursor, nextCursor) on every list. The operators' job
// list had a limit but no way to the next page; it pages now, newest first, and a forged cursor is
// a 400.
import { randomUUID } from 'node:crypto';
import { DEV_JWT_SECRET, mintJwt } from '@appgov/testing';
import t from 'tap';
import { setupEnv, startService } from './fixtures/harness.js';

t.test('the job list pages with limit, cursor and nextCursor', async (t) => {
  const e = await setupEnv(t, []);
  const service = await startService(t, e, { JWT_HS256_SECRET: DEV_JWT_SECRET });
  const operator = await mintJwt({ sub: 'op', email: 'op@example.com', tenant: 'ops', roles: ['operator'] });
  // Two jobs share a request millisecond, the case a time-only cursor gets wrong.
  const times = [
    '2026-11-29T12:00:00.000Z',
    '2026-11-29T11:00:00.000Z',
    '2026-11-29T11:00:00.000Z',
    '2026-11-29T10:00:00.000Z',
  ];
  for (const at of times) {
    await service.db
      .insertInto('sync_jobs')
      .values({
        sync_id: randomUUID(),
        connection_id: randomUUID(),
        tenant_id: 'tenant-jobs',
        domain: 'jobs.okta.com',
        trigger: 'manual',
        state: 'done',
        requested_at: new Date(at),
      } as never)
      .execute();
  }
  const get = async (url: string) => {
    const res = await service.app.inject({
      method: 'GET',
      url,
      headers: { authorization: `Bearer ${operator}` },
    });
    return { status: res.statusCode, json: res.json() };
  };
  const all = await get('/v1/ingest/jobs?limit=500');
  t.equal(all.status, 200, JSON.stringify(all.json));
  t.equal(all.json.nextCursor, null);
  const seen: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const page: { status: number; json: any } = await get(
      `/v1/ingest/jobs?limit=1${cursor ? `&cursor=${cursor}` : ''}`,
    );
    t.equal(page.status, 200);
    seen.push(...page.json.items.map((j: { syncId: string }) => j.syncId));
    cursor = page.json.nextCursor;
    pages += 1;
  } while (cursor && pages < 20);
  t.same(
    seen,
    all.json.items.map((j: { syncId: string }) => j.syncId),
    'page by page, the same rows in the same order',
  );
  t.equal(seen.length, times.length);
  const bad = await get(`/v1/ingest/jobs?cursor=${Buffer.from('["x","y"]').toString('base64url')}`);
  t.equal(bad.status, 400);
  t.equal(bad.json.code, 'INGEST_CURSOR_INVALID');
});
