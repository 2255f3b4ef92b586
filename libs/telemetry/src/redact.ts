/**
 * Keys whose values are secrets wherever they appear in a log object, compared after lower-casing
 * and removing `-` and `_` (so `x-vault-token`, `client_secret` and `clientSecret` all match).
 */
const SECRET_KEYS = new Set([
  'authorization',
  'proxyauthorization',
  'token',
  'apitoken',
  'oktatoken',
  'accesstoken',
  'refreshtoken',
  'idtoken',
  'vaulttoken',
  'xvaulttoken',
  'password',
  'passphrase',
  'secret',
  'clientsecret',
  'privatekey',
  'apikey',
  'xapikey',
  'cookie',
  'setcookie',
  'jwt',
  'ssws',
]);

/** Suffixes that make a key secret too (`oktaApiToken`, `dbPassword`, `hs256Secret`). */
const SECRET_SUFFIXES = ['token', 'secret', 'password', 'privatekey', 'apikey'];

/** The value written in place of a secret. */
export const REDACTED = '[REDACTED]';

/** True when a log key names a secret (`authorization`, `apiToken`, `x-vault-token`, ...). */
export function isSecretKey(key: string): boolean {
  const k = key.toLowerCase().replace(/[-_]/g, '');
  if (SECRET_KEYS.has(k)) return true;
  return SECRET_SUFFIXES.some((s) => k.endsWith(s));
}

// Okta API tokens travel as `SSWS <token>`, JWTs and Vault tokens as `Bearer <token>`.
const CREDENTIAL_PATTERN = /\b(SSWS|Bearer|Basic)(\s+|%20)[A-Za-z0-9._~+/=-]+/gi;

/** Masks `SSWS <x>`, `Bearer <x>` and `Basic <x>` credentials inside free text. */
export function redactSecrets(text: string): string {
  return text.replace(CREDENTIAL_PATTERN, (_m, scheme: string) => `${scheme} ${REDACTED}`);
}

/**
 * Copies plain objects and arrays, replacing the values of secret keys at any depth and masking
 * credentials inside strings. Errors keep their class for pino's serializer but get their secret
 * fields masked in the copy; cycles and depth are bounded.
 */
export function redactDeep(value: unknown, depth = 0, seen: WeakSet<object> = new WeakSet()): unknown {
  if (typeof value === 'string') return redactSecrets(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth > 12 || seen.has(value)) return value;
  if (Buffer.isBuffer(value) || value instanceof Date || ArrayBuffer.isView(value)) return value;
  seen.add(value);
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, depth + 1, seen));
  if (value instanceof Error) {
    const copy = Object.create(Object.getPrototypeOf(value)) as Record<string, unknown>;
    for (const key of Object.getOwnPropertyNames(value)) {
      const v = (value as unknown as Record<string, unknown>)[key];
      copy[key] = isSecretKey(key) ? REDACTED : redactDeep(v, depth + 1, seen);
    }
    return copy;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) {
    // Class instances (Headers, Maps, clients) are left to their own toJSON; only own fields are masked.
    if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return value;
  }
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    out[key] = isSecretKey(key) ? REDACTED : redactDeep(v, depth + 1, seen);
  }
  return out;
}
