import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mintJwt } from '@appgov/testing';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import t from 'tap';
import { requireAuth, requireRole } from '../src/index.js';
import { bearer, testApp } from './helpers.js';

t.test('JWT auth decorates request.auth and roles gate routes', async (t) => {
  const { app } = await testApp(t);
  app.get('/me', { preHandler: requireAuth }, async (request) => request.auth);
  app.get('/things', { preHandler: requireRole('viewer') }, async () => ({ ok: true }));
  app.post('/things', { preHandler: requireRole('admin') }, async () => ({ ok: true }));
  app.get('/ops', { preHandler: requireRole('operator') }, async () => ({ ok: true }));

  const admin = await bearer('t1', ['admin'], 'alice');
  const viewer = await bearer('t1', ['viewer'], 'bob');
  const operator = await bearer('ops', ['operator'], 'olga');

  const me = await app.inject({ url: '/me', headers: admin });
  t.equal(me.statusCode, 200);
  t.same(me.json(), { sub: 'alice', email: 'alice@example.com', tenant: 't1', roles: ['admin'] });

  const anonymous = await app.inject({ url: '/me' });
  t.equal(anonymous.statusCode, 401);
  t.equal(anonymous.json().code, 'AUTH_REQUIRED');
  t.equal(anonymous.headers['www-authenticate'], 'Bearer');

  const forged = await mintJwt(
    { sub: 'x', email: 'x@y', tenant: 't1', roles: ['admin'] },
    'not-the-secret-at-all-0123456789',
  );
  const bad = await app.inject({ url: '/me', headers: { authorization: `Bearer ${forged}` } });
  t.equal(bad.statusCode, 401);
  t.equal(bad.json().code, 'AUTH_INVALID_TOKEN');

  const expired = await mintJwt({ sub: 'x', email: 'x@y', tenant: 't1', roles: ['admin'] }, undefined, {
    expiresIn: Math.floor(Date.now() / 1000) - 60,
  });
  t.equal(
    (await app.inject({ url: '/me', headers: { authorization: `Bearer ${expired}` } })).statusCode,
    401,
  );
  t.equal((await app.inject({ url: '/me', headers: { authorization: 'Basic abc' } })).statusCode, 401);

  t.equal((await app.inject({ url: '/things', headers: viewer })).statusCode, 200, 'viewers read');
  t.equal((await app.inject({ url: '/things', headers: admin })).statusCode, 200, 'admins read');
  const denied = await app.inject({ method: 'POST', url: '/things', headers: viewer });
  t.equal(denied.statusCode, 403, 'viewers do not change');
  t.equal(denied.json().code, 'AUTH_FORBIDDEN');
  t.equal(
    (await app.inject({ method: 'POST', url: '/things', headers: admin })).statusCode,
    200,
    'admins change',
  );
  t.equal((await app.inject({ url: '/ops', headers: admin })).statusCode, 403, 'admins are not operators');
  t.equal((await app.inject({ url: '/ops', headers: operator })).statusCode, 200);
});

t.test('RS256 tokens verify against a JWKS URL', async (t) => {
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  const server = createServer((_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise((resolve) => server.close(resolve)));
  const { port } = server.address() as AddressInfo;
  const { app } = await testApp(t, {
    auth: {
      jwksUrl: `http://127.0.0.1:${port}/.well-known/jwks.json`,
      issuer: 'https://idp.example',
      audience: 'appgov',
    },
  });
  app.get('/me', { preHandler: requireAuth }, async (request) => request.auth);
  const sign = (issuer: string) =>
    new SignJWT({ email: 'r@example.com', tenant: 't9', roles: ['viewer'] })
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setSubject('rita')
      .setIssuer(issuer)
      .setAudience('appgov')
      .setExpirationTime('5m')
      .sign(privateKey);
  const ok = await app.inject({
    url: '/me',
    headers: { authorization: `Bearer ${await sign('https://idp.example')}` },
  });
  t.equal(ok.statusCode, 200);
  t.equal(ok.json().tenant, 't9');
  const wrongIssuer = await app.inject({
    url: '/me',
    headers: { authorization: `Bearer ${await sign('https://evil')}` },
  });
  t.equal(wrongIssuer.statusCode, 401);
  const hs = await mintJwt({ sub: 'x', email: 'x@y', tenant: 't1', roles: ['admin'] });
  t.equal(
    (await app.inject({ url: '/me', headers: { authorization: `Bearer ${hs}` } })).statusCode,
    401,
    'no HS256 in JWKS mode',
  );
});
