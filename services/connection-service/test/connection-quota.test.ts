// Finding 11: no per-tenant quota on connections. A tenant at its quota now gets 409
// CONNECTION_QUOTA_EXCEEDED before any Okta call, concurrently too, and other tenants are unaffected.
import t from 'tap';
import { startHarness } from './fixtures/harness.js';

const base = '/v1/integrations/okta/connections';

t.test('no per-tenant quota on connections (finding 11)', async (t) => {
  const h = await startHarness(t);
  h.rt.deps.settings.maxConnectionsPerTenant = 2;
  const domains = ['acme.okta.com', 'globex.okta.com', 'initech.oktapreview.com'];
  const results = await Promise.all(
    domains.map((domain) =>
      h.request('POST', base, h.tokens.adminA, { domain, apiToken: h.okta.sim.org(domain).token }),
    ),
  );
  const statuses = results.map((r) => r.status).sort();
  t.same(statuses, [201, 201, 409], 'exactly the quota, even concurrently');
  const refused = results.find((r) => r.status === 409);
  t.equal(refused?.json.code, 'CONNECTION_QUOTA_EXCEEDED');
  const refusedDomain = domains[results.indexOf(refused as (typeof results)[number])] as string;
  const calls = h.okta.sim.org(refusedDomain).requestLog().length;
  const again = await h.request('POST', base, h.tokens.adminA, {
    domain: refusedDomain,
    apiToken: h.okta.sim.org(refusedDomain).token,
  });
  t.equal(again.status, 409);
  t.equal(
    h.okta.sim.org(refusedDomain).requestLog().length,
    calls,
    'a tenant at its quota spends no Okta call',
  );
  const listed = await h.request('GET', base, h.tokens.viewerA);
  t.equal(listed.json.items.length, 2);
  const other = await h.request('POST', base, h.tokens.adminB, {
    domain: refusedDomain,
    apiToken: h.okta.sim.org(refusedDomain).token,
  });
  t.equal(other.status, 201, "another tenant's quota is its own");
});
