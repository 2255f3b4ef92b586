import t from 'tap';
import { VALIDATIONS_PER_WINDOW } from '../src/domain/validation-throttle.js';
import { startHarness } from './fixtures/harness.js';

const base = '/v1/integrations/okta/connections';
t.setTimeout(240_000);
const ATTEMPTS = Number(process.env.ABUSE_ATTEMPTS ?? 1000);

// Issue 13 abuse test (connection part): tenant B hammers tenant A's Okta domain with malformed and
// wrong-token validations; A's breaker stays closed, B spends at most a bounded number of A's Okta
// calls, and A still connects at once. Figures are printed, not asserted on timing.
t.test(
  'a thousand malformed and wrong-token validations by another tenant leave the domain usable',
  { timeout: 180_000 },
  async (t) => {
    const h = await startHarness(t);
    const acme = h.okta.sim.org('acme.okta.com');
    const callsBefore = acme.requestLog().length;
    const statuses = new Map<number, number>();
    const started = performance.now();
    for (let i = 0; i < ATTEMPTS; i++) {
      const s0 = performance.now();
      const apiToken = i % 2 === 0 ? `bad\ntoken-${i}` : `00wrongTokenValue${String(i).padStart(24, '0')}`;
      const res = await h.request('POST', base, h.tokens.adminB, { domain: 'acme.okta.com', apiToken });
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      if (process.env.ABUSE_TRACE) t.comment(`${i} ${res.status} ${Math.round(performance.now() - s0)} ms`);
    }
    const abuseMs = Math.round(performance.now() - started);
    const oktaCalls = acme.requestLog().length - callsBefore;
    t.comment(
      `1000 validations by tenant B in ${abuseMs} ms: ${JSON.stringify(Object.fromEntries(statuses))}`,
    );
    t.comment(`Okta calls they caused on acme.okta.com: ${oktaCalls}`);
    t.notOk(
      [...statuses.keys()].some((s) => s >= 500),
      'no 5xx',
    );
    t.equal(h.rt.deps.okta.breakerState('acme.okta.com'), 'closed', "acme's breaker stays closed");
    // A wrong token costs at most two calls (users/me, and nothing more after its 401).
    t.ok(oktaCalls <= VALIDATIONS_PER_WINDOW * 2, `bounded Okta calls (${oktaCalls})`);

    const a = performance.now();
    const good = await h.request('POST', base, h.tokens.adminA, {
      domain: 'acme.okta.com',
      apiToken: acme.token,
    });
    t.equal(good.status, 201, good.raw);
    t.comment(`tenant A's validation afterwards: ${Math.round(performance.now() - a)} ms`);
  },
);
