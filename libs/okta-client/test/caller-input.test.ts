// Issue 13: nothing a caller sends counts against an org's breaker or budget (SPEC S2).

import { AppError } from '@appgov/errors';
import { startOktaSimulator } from '@appgov/okta-simulator';
import { Registry } from 'prom-client';
import t from 'tap';
import { createOktaClientFactory, OktaErrorCode, testResolver } from '../src/index.js';

const DOMAIN = 'caller-input.okta.com';

t.test(
  'an apiToken containing a newline answers 503 OKTA_UNAVAILABLE and opens that domain breaker for every tenant',
  async (t) => {
    const sim = await startOktaSimulator({ orgs: [{ domain: DOMAIN, size: 'tiny', seed: 5 }] });
    const factory = createOktaClientFactory({
      resolver: testResolver({ port: sim.port }),
      allowInsecureForTests: true,
      registry: new Registry(),
      breaker: { consecutiveFailures: 3 },
      retry: { maxAttempts: 1 },
    });
    t.teardown(async () => {
      await factory.close();
      await sim.close();
    });
    const bad = ['00abc\ndef-ghi', 'tok\r\nX-Injected: 1', 'tok\u0000en', 'tøken-non-ascii', ' spaced token'];
    for (let i = 0; i < 10; i++) {
      for (const token of bad) {
        const error = await (async () =>
          factory.forOrg(DOMAIN, { type: 'ssws', token }).validateToken())().then(
          () => undefined,
          (e: unknown) => e,
        );
        t.ok(error instanceof AppError, 'an AppError');
        t.equal((error as AppError).code, OktaErrorCode.InvalidCredentialFormat, JSON.stringify(token));
        t.equal((error as AppError).retryable, false);
        t.notMatch((error as Error).message, token, 'the message does not echo the token');
      }
    }
    t.equal(factory.breakerState(DOMAIN), 'closed', 'the breaker still closed after 50 malformed tokens');
    const org = sim.sim.org(DOMAIN);
    const me = await factory.forOrg(DOMAIN, { type: 'ssws', token: org.token }).validateToken();
    t.ok(me.userId, 'a good token still validates at once');
  },
);
