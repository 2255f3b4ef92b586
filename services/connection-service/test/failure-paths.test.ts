// Failure paths of connection-service as the admin sees them: Vault down during an add and a token
// update, Okta answering 429 while a token is validated, and the status message of every sync
// failure reason.
import { randomUUID } from 'node:crypto';
import t from 'tap';
import { handle } from '../src/consumers/sync-status.consumer.js';
import { startHarness } from './fixtures/harness.js';

const base = '/v1/integrations/okta/connections';

t.test('connection-service failure paths', async (t) => {
  const h = await startHarness(t);
  const initech = h.okta.sim.org('initech.oktapreview.com');
  const globex = h.okta.sim.org('globex.okta.com');
  const list = async () => (await h.request('GET', base, h.tokens.adminA)).json.items as { domain: string }[];

  await t.test('Vault down during an add', async (t) => {
    await h.vault.sim.setUnavailable('refused');
    t.teardown(() => h.vault.sim.setUnavailable(false));
    const res = await h.request('POST', base, h.tokens.adminA, { domain: 'globex', apiToken: globex.token });
    t.equal(res.status, 503, 'Service Unavailable');
    t.equal(res.json.code, 'VAULT_UNAVAILABLE');
    t.equal(res.json.detail, 'A dependency is unavailable; try again later.', 'the message the admin sees');
    t.notMatch(res.raw, globex.token, 'the token is not echoed');
    await h.vault.sim.setUnavailable(false);
    t.notOk(
      (await list()).some((c) => c.domain === 'globex.okta.com'),
      'no connection was created',
    );
    await h.waitCaughtUp();
    t.notOk(
      h.seen.some((m) => JSON.stringify(m.value.data).includes('globex.okta.com')),
      'no event was published',
    );
  });

  let connectionId = '';
  await t.test('Vault down during a token update', async (t) => {
    const added = await h.request('POST', base, h.tokens.adminA, {
      domain: 'initech.oktapreview.com',
      apiToken: initech.token,
    });
    t.equal(added.status, 201, added.raw);
    connectionId = added.json.id;
    await h.waitForEvents(connectionId, 'sync.requested', 1);
    const rotated = initech.registerToken({ role: 'SUPER_ADMIN' }).value;
    await h.vault.sim.setUnavailable('refused');
    t.teardown(() => h.vault.sim.setUnavailable(false));
    const res = await h.request('PUT', `${base}/${connectionId}/token`, h.tokens.adminA, {
      apiToken: rotated,
      confirm: true,
    });
    t.equal(res.status, 503);
    t.equal(res.json.code, 'VAULT_UNAVAILABLE');
    t.equal(res.json.detail, 'A dependency is unavailable; try again later.', 'the message the admin sees');
    await h.vault.sim.setUnavailable(false);
    const stored = h.vault.sim.dumpSecrets().find((s) => s.path.includes(connectionId));
    t.equal(stored?.versions.at(-1)?.data?.token, initech.token, 'Vault still holds the old token');
    const view = (await h.request('GET', `${base}/${connectionId}`, h.tokens.adminA)).json;
    t.equal(view.token.last4, initech.token.slice(-4), 'the connection still shows the old token');
    await h.waitCaughtUp();
    t.equal(h.eventsFor(connectionId, 'sync.requested').length, 1, 'no new sync requested');
    t.equal(h.eventsFor(connectionId, 'sync.cancel-requested').length, 0, 'nothing cancelled');
  });

  await t.test('Okta 429 during validation', async (t) => {
    // An org of its own: the pacer's budget (shared Redis, keyed by domain) closes its bucket until
    // the 429's Reset, and no other test or run may meet that.
    const domain = `storm-${randomUUID().slice(0, 8)}.okta.com`;
    const org = h.okta.sim.createOrg({ domain, seed: 5, size: 'tiny' });
    // The 429's Reset is the storm's end: kept short, so the bucket the pacer closes until then
    // does not hold anything else up for long. The harness client tries once, so the 429 is final.
    org.setFaults({ stormUntil: Date.now() + 15_000 });
    t.teardown(() => org.setFaults({}));
    const res = await h.request('POST', base, h.tokens.adminA, { domain, apiToken: org.token });
    t.equal(res.status, 503);
    t.equal(res.json.code, 'OKTA_RATE_LIMITED');
    t.equal(res.json.detail, `Okta rate limit reached for ${domain}; try again shortly.`, 'the message');
    t.notOk(
      (await list()).some((c) => c.domain === domain),
      'no connection was created',
    );
  });

  await t.test('failure messages other than invalid_token and cancelled', async (t) => {
    const expected: Record<string, string> = {
      org_not_found:
        'The Okta org no longer answers at this domain. Check the domain or delete the connection.',
      okta_unavailable:
        'Okta could not be reached during the sync; it will be retried at the next scheduled sync.',
      rate_limited: 'Okta rate limits stopped the sync; it will be retried at the next scheduled sync.',
      circuit_open: 'Calls to Okta were paused after repeated failures; the sync will be retried.',
      internal: 'The sync failed because of an internal error; contact support if it persists.',
    };
    for (const [reasonCode, message] of Object.entries(expected)) {
      let view = (await h.request('GET', `${base}/${connectionId}`, h.tokens.adminA)).json;
      if (!view.currentSync) {
        const now = await h.request('POST', `${base}/${connectionId}/sync`, h.tokens.adminA);
        t.equal(now.status, 202, now.raw);
        view = (await h.request('GET', `${base}/${connectionId}`, h.tokens.adminA)).json;
      }
      const failedAt = new Date().toISOString();
      await handle({ db: h.rt.db, logger: h.rt.logger }, {
        id: randomUUID(),
        source: '/appgov/ingest-service',
        type: 'sync.failed',
        specversion: '1.0',
        time: failedAt,
        datacontenttype: 'application/json',
        dataschema: 'urn:appgov:event:sync.failed:v1',
        tenantid: h.tenantA,
        connectionid: connectionId,
        data: { syncId: view.currentSync.syncId, reasonCode, message: 'from ingest', failedAt },
      } as never);
      const after = (await h.request('GET', `${base}/${connectionId}`, h.tokens.adminA)).json;
      t.same(
        {
          status: after.status,
          statusReasonCode: after.statusReasonCode,
          statusMessage: after.statusMessage,
        },
        { status: 'error', statusReasonCode: reasonCode, statusMessage: message },
        `${reasonCode}: the admin sees Error with its message`,
      );
    }
  });
});
