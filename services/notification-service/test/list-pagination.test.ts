// Issue 13: one pagination shape (limit, cursor, nextCursor) on every list. The webhook and
// recipient lists returned every row in one answer; they now page, and a client that sends no
// limit still gets the first 50 (more than a tenant's webhook quota) with nextCursor null.
import { uniqueName } from '@appgov/testing';
import t from 'tap';
import { bearer, startReceiver, startService } from './fixtures/harness.js';

t.test('webhook and recipient lists page with limit, cursor and nextCursor', async (t) => {
  const receiver = await startReceiver(t);
  const ts = await startService(t, undefined);
  const app = ts.service.app;
  const admin = await bearer(uniqueName('tenant'), ['admin'], 'p-admin', 'p-admin@customer.example');
  // Created concurrently, so several rows share a millisecond: the cursor must not skip them.
  const hooks = await Promise.all(
    Array.from({ length: 7 }, (_, i) =>
      app.inject({
        method: 'POST',
        url: '/v1/notifications/webhooks',
        headers: admin,
        payload: { url: receiver.url(`/p${i}`), eventTypes: ['sync.completed'] },
      }),
    ),
  );
  const people = await Promise.all(
    Array.from({ length: 7 }, (_, i) =>
      app.inject({
        method: 'POST',
        url: '/v1/notifications/recipients',
        headers: admin,
        payload: { email: `p${i}@customer.example` },
      }),
    ),
  );
  for (const [list, created] of [
    ['webhooks', hooks],
    ['recipients', people],
  ] as const) {
    const expected = created.map((r) => r.json().id as string).sort();
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: { statusCode: number; body: string; json: () => any } = await app.inject({
        method: 'GET',
        url: `/v1/notifications/${list}?limit=3${cursor ? `&cursor=${cursor}` : ''}`,
        headers: admin,
      });
      t.equal(res.statusCode, 200, res.body);
      const body: { items: Array<{ id: string }>; nextCursor: string | null } = res.json();
      t.ok(body.items.length <= 3);
      seen.push(...body.items.map((i: { id: string }) => i.id));
      cursor = body.nextCursor;
      pages += 1;
    } while (cursor && pages < 10);
    t.same([...seen].sort(), expected, `${list}: every row once, in ${pages} pages`);
    t.equal(new Set(seen).size, seen.length, `${list}: no row twice`);
    const all = await app.inject({ method: 'GET', url: `/v1/notifications/${list}`, headers: admin });
    t.equal(all.json().items.length, 7, `${list}: without a limit, the first 50`);
    t.equal(all.json().nextCursor, null);
    const bad = await app.inject({
      method: 'GET',
      url: `/v1/notifications/${list}?cursor=garbage`,
      headers: admin,
    });
    t.equal(bad.statusCode, 400);
    t.equal(bad.json().code, 'NOTIFICATION_CURSOR_INVALID');
  }
});
