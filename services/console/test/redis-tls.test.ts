// The console's session store on Redis over TLS as an ACL user with the private CA, as the services
// reach it (SPEC: production links; the chart mounts REDIS_TLS_CA_FILE for the console too).
import { Writable } from 'node:stream';
import { createLogger } from '@appgov/telemetry';
import { securedLinksEnv, uniqueName } from '@appgov/testing';
import t from 'tap';
import { loadConfig } from '../src/config.js';
import { randomToken, SessionStore } from '../src/domain/session-store.js';
import { createService } from '../src/service.js';

t.test('sessions live in Redis over TLS as an ACL user', async (t) => {
  const secured = securedLinksEnv();
  const prefix = `${uniqueName('console-tls')}:`;
  const logs: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, cb) {
      logs.push(chunk.toString());
      cb();
    },
  });
  const config = loadConfig({
    REDIS_URL: secured.REDIS_URL as string,
    REDIS_TLS_CA_FILE: secured.REDIS_TLS_CA_FILE as string,
    REDIS_KEY_PREFIX: prefix,
    OIDC_ISSUER_URL: 'https://login.example.com',
    OIDC_CLIENT_ID: 'appgov-console',
    OIDC_CLIENT_SECRET: 'client-secret-1',
  });
  const service = await createService(config, { logger: createLogger({ name: 'console', destination }) });
  t.teardown(() => service.stop());
  await service.start();

  t.ok(service.redis.options.tls, 'the client speaks TLS');
  t.equal(await service.redis.call('ACL', 'WHOAMI'), new URL(config.REDIS_URL).username, 'as the ACL user');
  const state = randomToken();
  await service.redis.set(`${prefix}probe`, 'x', 'PX', 60_000);
  t.equal(await service.redis.getdel(`${prefix}probe`), 'x');
  const login = { codeVerifier: 'v', nonce: 'n', returnTo: '/apps' };
  const res = await service.app.inject({ method: 'GET', url: '/readyz' });
  t.match(res.json(), { checks: { redis: 'ok' } }, 'readiness sees Redis');
  // The store's own calls (SET PX, GETDEL) are allowed to the ACL user.
  const store = new SessionStore(service.redis, prefix);
  await store.saveLogin(state, login, 60_000);
  t.same(await store.takeLogin(state), login);
  t.equal(await store.takeLogin(state), null, 'used once');
  t.notOk(logs.join('').includes(new URL(config.REDIS_URL).password), 'the Redis password is not logged');
});

t.test('a CA file without rediss:// is refused at boot', async (t) => {
  const config = loadConfig({
    REDIS_URL: 'redis://127.0.0.1:1',
    REDIS_TLS_CA_FILE: '/nonexistent/ca.pem',
    OIDC_ISSUER_URL: 'https://login.example.com',
    OIDC_CLIENT_ID: 'appgov-console',
    OIDC_CLIENT_SECRET: 'client-secret-1',
  });
  await t.rejects(
    createService(config),
    /REDIS_TLS_CA_FILE: set, but REDIS_URL does not start with rediss:\/\//,
  );
});
