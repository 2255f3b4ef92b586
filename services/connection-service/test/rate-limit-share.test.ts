// A tenant admin lowers a connection's share of each Okta bucket within the operator's bounds; the
// share travels in sync.requested (ingest applies it through the shared Redis budget: the
// okta-client test "a connection's lower share holds across two replicas" proves the calls).
import t from 'tap';
import { startHarness } from './fixtures/harness.js';

const base = '/v1/integrations/okta/connections';

t.test('per-connection rate-limit share', async (t) => {
  const h = await startHarness(t);
  const acme = h.okta.sim.org('acme.okta.com');
  const added = await h.request('POST', base, h.tokens.adminA, {
    domain: 'acme.okta.com',
    apiToken: acme.token,
  });
  t.equal(added.status, 201, added.raw);
  const id = added.json.id as string;
  t.equal(added.json.rateLimitShare, null, "a new connection uses the deployment's share");
  const url = `${base}/${id}/rate-limit-share`;

  const viewer = await h.request('PUT', url, h.tokens.viewerA, { rateLimitShare: 0.2 });
  t.equal(viewer.status, 403, 'viewers cannot change it');
  const other = await h.request('PUT', url, h.tokens.adminB, { rateLimitShare: 0.2 });
  t.equal(other.status, 404, "another tenant's admin cannot see it");
  for (const bad of [0.9, 0.01, 0, -1, 'x', null]) {
    const res = await h.request('PUT', url, h.tokens.adminA, { rateLimitShare: bad });
    t.equal(res.status, 400, `${bad} is refused`);
  }

  const set = await h.request('PUT', url, h.tokens.adminA, { rateLimitShare: 0.2 });
  t.equal(set.status, 200, set.raw);
  t.same(set.json, { rateLimitShare: 0.2, bounds: { min: 0.05, max: 0.5 } });
  t.equal((await h.request('GET', `${base}/${id}`, h.tokens.adminA)).json.rateLimitShare, 0.2);

  // The initial sync is done; the next request carries the share.
  await h.waitForEvents(id, 'sync.requested', 1);
  const current = added.json.currentSync.syncId as string;
  await h.rt.db
    .updateTable('sync_runs')
    .set({ outcome: 'completed' })
    .where('sync_id', '=', current)
    .execute();
  await h.rt.db.updateTable('connections').set({ current_sync_id: null }).where('id', '=', id).execute();
  const now = await h.request('POST', `${base}/${id}/sync`, h.tokens.adminA);
  t.equal(now.status, 202, now.raw);
  const requested = await h.waitForEvents(id, 'sync.requested', 2);
  t.equal(requested[0]?.value.data.rateLimitShare, undefined, 'the first request had none');
  t.equal(requested[1]?.value.data.rateLimitShare, 0.2, 'sync.requested carries the share');

  const cleared = await h.request('DELETE', url, h.tokens.adminA);
  t.equal(cleared.status, 200, cleared.raw);
  t.equal(cleared.json.rateLimitShare, null, 'DELETE restores the default');
  t.equal((await h.request('GET', `${base}/${id}`, h.tokens.adminA)).json.rateLimitShare, null);
});
