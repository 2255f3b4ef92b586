// Finding 2: per-org state is bounded.
import { startOktaSimulator } from '@appgov/okta-simulator';
import { Registry } from 'prom-client';
import t from 'tap';
import { createOktaClientFactory, testResolver } from '../src/index.js';

t.test(
  'per-domain Okta client state created for every domain ever submitted and never freed (finding 2)',
  async (t) => {
    const sim = await startOktaSimulator({ orgs: [{ domain: 'kept.okta.com', size: 'tiny', seed: 2 }] });
    const registry = new Registry();
    const factory = createOktaClientFactory({
      resolver: testResolver({ port: sim.port }),
      allowInsecureForTests: true,
      registry,
      retry: { maxAttempts: 1 },
      orgRegistry: { maxOrgs: 5, idleMs: 0 },
    } as Parameters<typeof createOktaClientFactory>[0]);
    t.teardown(async () => {
      await factory.close();
      await sim.close();
    });
    for (let i = 0; i < 40; i++) {
      await factory
        .forOrg(`unknown-${i}.okta.com`, { type: 'ssws', token: 'x'.repeat(40) })
        .validateToken()
        .catch(() => {});
    }
    const gauge = (await registry.getSingleMetricAsString('appgov_okta_circuit_state')).split('\n');
    const tracked = gauge
      .filter((l) => l.startsWith('appgov_okta_circuit_state{'))
      .reduce((n, l) => n + Number(l.split(' ').at(-1)), 0);
    t.comment(`orgs tracked after 40 unknown domains: ${tracked}`);
    t.ok(tracked <= 5, `at most 5 orgs tracked (got ${tracked})`);
    const org = sim.sim.org('kept.okta.com');
    t.ok((await factory.forOrg('kept.okta.com', { type: 'ssws', token: org.token }).validateToken()).userId);
  },
);
