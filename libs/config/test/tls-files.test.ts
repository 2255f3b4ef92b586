import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { ConfigError, redisTlsOptions } from '../src/index.js';

t.test('redisTlsOptions: a private CA for a rediss:// URL, nothing otherwise', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'appgov-tls-'));
  const ca = join(dir, 'ca.pem');
  writeFileSync(ca, '-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----\n');
  t.same(redisTlsOptions({ REDIS_URL: 'redis://127.0.0.1:6379' }), {});
  t.same(redisTlsOptions({ REDIS_URL: 'rediss://u:secret-pw@r:6380', REDIS_TLS_CA_FILE: ca }), {
    tls: { ca: '-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----\n' },
  });
  const plain = t.throws(() =>
    redisTlsOptions({ REDIS_URL: 'redis://u:secret-pw@r', REDIS_TLS_CA_FILE: ca }),
  );
  t.type(plain, ConfigError);
  t.match((plain as Error).message, /REDIS_URL does not start with rediss/);
  t.notMatch((plain as Error).message, /secret-pw/);
  const missing = t.throws(() =>
    redisTlsOptions({ REDIS_URL: 'rediss://r', REDIS_TLS_CA_FILE: join(dir, 'nope.pem') }),
  );
  t.match((missing as Error).message, /REDIS_TLS_CA_FILE: cannot read .*nope\.pem \(ENOENT\)/);
});
