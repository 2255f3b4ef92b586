import t from 'tap';
import { startHarness } from './fixtures/harness.js';

const base = '/v1/integrations/okta/connections';

// Regression tests named after the findings of issue 13 (SPEC S1, S2).
t.test('connection-service bad input', async (t) => {
  const h = await startHarness(t);
  const acme = h.okta.sim.org('acme.okta.com');

  await t.test(
    'POST /v1/integrations/okta/connections with an apiToken containing a newline answers 503 OKTA_UNAVAILABLE and opens the breaker',
    async (t) => {
      const bad = [
        '00abc\ndef-ghi-jkl',
        'token\r\nX-Injected: yes',
        'tok en with spaces',
        'tøken-non-ascii-x',
      ];
      for (let i = 0; i < 5; i++) {
        for (const apiToken of bad) {
          const res = await h.request('POST', base, h.tokens.adminB, { domain: 'acme.okta.com', apiToken });
          t.equal(res.status, 400, `${JSON.stringify(apiToken)}: ${res.raw}`);
        }
      }
      t.equal(h.rt.deps.okta.breakerState('acme.okta.com'), 'closed', "acme's breaker stays closed");
      const good = await h.request('POST', base, h.tokens.adminA, {
        domain: 'acme.okta.com',
        apiToken: acme.token,
      });
      t.equal(good.status, 201, `tenant A still connects acme: ${good.raw}`);
      const update = await h.request('PUT', `${base}/${good.json.id}/token`, h.tokens.adminA, {
        apiToken: 'new\ntoken-value',
        confirm: true,
      });
      t.equal(update.status, 400, 'the update route refuses it too');
      t.notOk(h.logs.join('').includes('X-Injected'), 'the token is not logged');
    },
  );
});
