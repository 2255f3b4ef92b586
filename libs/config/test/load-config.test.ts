import t from 'tap';
import { ConfigError, loadConfig, Secret, Type } from '../src/index.js';

const schema = Type.Object({
  PORT: Type.Integer({ minimum: 1, maximum: 65535, default: 8080 }),
  DATABASE_URL: Type.String({ pattern: '^postgres://' }),
  DEBUG: Type.Boolean({ default: false }),
  SMTP_PASSWORD: Secret({ minLength: 8 }),
});

t.test('converts, defaults and freezes', async (t) => {
  const cfg = loadConfig(schema, {
    DATABASE_URL: 'postgres://x',
    DEBUG: 'true',
    SMTP_PASSWORD: 'longenough',
  });
  t.equal(cfg.PORT, 8080);
  t.equal(cfg.DEBUG, true);
  t.ok(Object.isFrozen(cfg));
});

t.test('names every bad variable and never echoes a secret', async (t) => {
  const err = t.throws(() => loadConfig(schema, { PORT: 'abc', SMTP_PASSWORD: 'short' })) as ConfigError;
  t.ok(err instanceof ConfigError);
  t.match(err.message, /PORT/);
  t.match(err.message, /DATABASE_URL.*not set/);
  t.match(err.message, /SMTP_PASSWORD/);
  t.notMatch(err.message, /short/);
});
