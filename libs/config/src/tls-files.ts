import { readFileSync } from 'node:fs';
import { ConfigError } from './load-config.js';

/** Reads a PEM file a variable names, once at boot; a missing file fails naming the variable. */
export function readPemFile(variable: string, path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError([`${variable}: cannot read ${path} (${(error as NodeJS.ErrnoException).code})`]);
  }
}

/**
 * The ioredis options of the Redis variables: TLS comes from a `rediss://` REDIS_URL (and the ACL
 * user and password from its user info); REDIS_TLS_CA_FILE adds a private CA to trust.
 */
export function redisTlsOptions(env: { REDIS_URL: string; REDIS_TLS_CA_FILE?: string | undefined }): {
  tls?: { ca: string };
} {
  if (!env.REDIS_TLS_CA_FILE) return {};
  if (!env.REDIS_URL.startsWith('rediss://')) {
    throw new ConfigError(['REDIS_TLS_CA_FILE: set, but REDIS_URL does not start with rediss://']);
  }
  return { tls: { ca: readPemFile('REDIS_TLS_CA_FILE', env.REDIS_TLS_CA_FILE) } };
}
