import { generateKeyPair } from 'node:crypto';
import { promisify } from 'node:util';
import t from 'tap';
import { parseServiceAppKey } from '../src/oauth-key.js';

const generate = promisify(generateKeyPair);

t.test('OAuth private keys have a minimum size but no maximum (finding 1)', async (t) => {
  const started = performance.now();
  const { privateKey } = await generate('rsa', { modulusLength: 4608 });
  t.comment(`generated a 4608-bit RSA key in ${Math.round(performance.now() - started)} ms`);
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
  t.throws(() => parseServiceAppKey(pem), { code: 'OKTA_OAUTH_INVALID_KEY', message: /at most 4096/ });
  const jwk = privateKey.export({ format: 'jwk' });
  t.throws(() => parseServiceAppKey(jwk), { code: 'OKTA_OAUTH_INVALID_KEY', message: /at most 4096/ });

  const huge = { ...jwk, padding: 'x'.repeat(1_000_000) };
  t.throws(() => parseServiceAppKey(huge), { code: 'OKTA_OAUTH_INVALID_KEY', message: /too large/ });
  t.throws(() => parseServiceAppKey(JSON.stringify(huge)), {
    code: 'OKTA_OAUTH_INVALID_KEY',
    message: /too large/,
  });
  t.throws(() => parseServiceAppKey(`${pem}\n${' '.repeat(100_000)}`), {
    code: 'OKTA_OAUTH_INVALID_KEY',
    message: /too large/,
  });

  const ok = (await generate('rsa', { modulusLength: 2048 })).privateKey;
  t.equal(parseServiceAppKey(ok.export({ type: 'pkcs8', format: 'pem' }) as string).algorithm, 'RS256');
});
