import { DEV_JWT_SECRET } from '@appgov/testing';
import { SignJWT } from 'jose';
import t from 'tap';
import { createTokenVerifier } from '../src/index.js';

t.test('JWT: issuer and audience are optional, a token without exp never expires (finding 6)', async (t) => {
  const verify = createTokenVerifier({ hs256Secret: DEV_JWT_SECRET });
  const key = new TextEncoder().encode(DEV_JWT_SECRET);
  const noExp = await new SignJWT({ tenant: 't1', roles: ['admin'] })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('forever')
    .setIssuedAt()
    .sign(key);
  await t.rejects(verify(noExp), { code: 'AUTH_INVALID_TOKEN' }, 'a token without exp is refused');

  t.throws(
    () => createTokenVerifier({ jwksUrl: 'https://idp.example/jwks' }),
    /JWT_ISSUER/,
    'JWKS (production) without issuer and audience refuses to start',
  );
  t.throws(
    () => createTokenVerifier({ jwksUrl: 'https://idp.example/jwks', issuer: 'https://idp.example' }),
    /JWT_AUDIENCE/,
  );
  t.doesNotThrow(() =>
    createTokenVerifier({
      jwksUrl: 'https://idp.example/jwks',
      issuer: 'https://idp.example',
      audience: 'appgov',
    }),
  );
});
