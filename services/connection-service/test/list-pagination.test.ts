// Issue 13: one pagination shape (limit, cursor, nextCursor) on every list. The tenant's
// connection list returned every row at once, sync histories and the operator listing had a limit
// but no way to the next page. All three page now; a forged cursor is a 400.
import { randomUUID } from 'node:crypto';
import t from 'tap';
import { startHarness } from './fixtures/harness.js';

const base = '/v1/integrations/okta/connections';

t.test('connection, sync-history and operator lists page with limit, cursor and nextCursor', async (t) => {
  const h = await startHarness(t);
  // The harness clock stands still: every row shares its creation millisecond, the hard case.
  const ids: string[] = [];
  for (const domain of ['acme.okta.com', 'globex.okta.com', 'initech.oktapreview.com']) {
    const res = await h.request('POST', base, h.tokens.adminA, {
      domain,
      apiToken: h.okta.sim.org(domain).token,
    });
    t.equal(res.status, 201, res.raw);
    ids.push(res.json.id);
  }
  const walk = async (path: string, token: string, limit: number) => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const sep = path.includes('?') ? '&' : '?';
      const res: { status: number; raw: string; json: any } = await h.request(
        'GET',
        `${path}${sep}limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`,
        token,
      );
      t.equal(res.status, 200, res.raw);
      t.ok(res.json.items.length <= limit);
      seen.push(...res.json.items.map((i: { id?: string; syncId?: string }) => i.id ?? i.syncId));
      cursor = res.json.nextCursor;
      pages += 1;
    } while (cursor && pages < 20);
    return { seen, pages };
  };
  const tenantList = await walk(base, h.tokens.viewerA, 2);
  t.same([...tenantList.seen].sort(), [...ids].sort(), `every connection once, in ${tenantList.pages} pages`);
  const operatorList = await walk(`/v1/operator/connections?tenant=${h.tenantA}`, h.tokens.operator, 1);
  t.same([...operatorList.seen].sort(), [...ids].sort(), 'operator: every connection once');

  const id = ids[0] as string;
  // Earlier runs, two of them requested in the same millisecond.
  for (const at of ['2026-11-29T11:00:00.000Z', '2026-11-29T10:00:00.000Z', '2026-11-29T10:00:00.000Z']) {
    await h.rt.deps.db
      .insertInto('sync_runs')
      .values({
        sync_id: randomUUID(),
        connection_id: id,
        tenant_id: h.tenantA,
        trigger: 'manual',
        outcome: 'completed',
        requested_at: new Date(at),
      })
      .execute();
  }
  const all = await h.request('GET', `${base}/${id}/syncs?limit=200`, h.tokens.viewerA);
  const syncs = await walk(`${base}/${id}/syncs`, h.tokens.viewerA, 1);
  t.same(
    syncs.seen,
    all.json.items.map((s: { syncId: string }) => s.syncId),
    'sync history: same order, page by page',
  );
  t.equal(all.json.nextCursor, null);
  t.equal(syncs.seen.length, 4, 'the initial run and three earlier ones');

  for (const path of [base, `${base}/${id}/syncs`]) {
    for (const cursor of [
      'garbage',
      Buffer.from('["x"]').toString('base64url'),
      Buffer.from('[1,2]').toString('base64url'),
    ]) {
      const bad = await h.request('GET', `${path}?cursor=${cursor}`, h.tokens.viewerA);
      t.equal(bad.status, 400, `${path} ${cursor}`);
      t.equal(bad.json.code, 'CONNECTION_CURSOR_INVALID');
    }
  }
});
