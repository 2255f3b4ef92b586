import { randomBytes, randomUUID } from 'node:crypto';
import { badRequest, invalidToken } from './vault-errors.js';

/** A Vault service token as the simulator keeps it. */
export interface SimToken {
  id: string;
  accessor: string;
  policies: string[];
  /** Seconds; 0 means no expiry (root tokens). */
  ttlSeconds: number;
  /** Upper bound for renewals, seconds; 0 means none. */
  maxTtlSeconds: number;
  renewable: boolean;
  creationTime: number;
  expiresAt: number | null;
  path: string;
  displayName: string;
  meta: Record<string, string> | null;
  orphan: boolean;
}

export interface CreateTokenOptions {
  /** Use this id instead of a generated `hvs.` one. */
  id?: string;
  policies?: string[];
  ttlSeconds?: number;
  maxTtlSeconds?: number;
  renewable?: boolean;
  path?: string;
  displayName?: string;
  meta?: Record<string, string> | null;
}

const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

function randomString(length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const b of bytes) out += alphabet[b % alphabet.length];
  return out;
}

/** Parses Vault durations: seconds as a number or "30s", "15m", "1h". */
export function parseDuration(value: unknown): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'number') return value;
  const m = /^(\d+)(s|m|h|d)?$/.exec(String(value));
  if (!m) throw badRequest(`invalid duration "${String(value)}"`);
  const unit = { s: 1, m: 60, h: 3600, d: 86400 }[(m[2] ?? 's') as 's' | 'm' | 'h' | 'd'];
  return Number(m[1]) * unit;
}

/** Token issue, lookup, renewal, expiry and revocation (the token auth method). */
export class TokenStore {
  private readonly tokens = new Map<string, SimToken>();

  create(options: CreateTokenOptions = {}): SimToken {
    const ttl = options.ttlSeconds ?? 0;
    const created = Date.now();
    const token: SimToken = {
      // Vault 1.10+ service tokens: "hvs." and 24 random characters.
      id: options.id ?? `hvs.${randomString(24)}`,
      accessor: randomString(24),
      policies: options.policies ?? ['default'],
      ttlSeconds: ttl,
      maxTtlSeconds: options.maxTtlSeconds ?? 0,
      renewable: options.renewable ?? ttl > 0,
      creationTime: created,
      expiresAt: ttl > 0 ? created + ttl * 1000 : null,
      path: options.path ?? 'auth/token/create',
      displayName: options.displayName ?? 'token',
      meta: options.meta ?? null,
      orphan: false,
    };
    this.tokens.set(token.id, token);
    return token;
  }

  /** The live token for an `X-Vault-Token` value, or Vault's 403. */
  authenticate(id: string | undefined): SimToken {
    const token = id ? this.tokens.get(id) : undefined;
    if (!token) throw invalidToken();
    if (token.expiresAt !== null && token.expiresAt <= Date.now()) {
      this.tokens.delete(token.id);
      throw invalidToken();
    }
    return token;
  }

  find(id: string): SimToken | undefined {
    return this.tokens.get(id);
  }

  revoke(id: string): boolean {
    return this.tokens.delete(id);
  }

  /** Revokes every token but `keep` (e.g. the root token); returns how many were revoked. */
  revokeAllExcept(keep: string): number {
    let revoked = 0;
    for (const id of [...this.tokens.keys()]) {
      if (id !== keep && this.tokens.delete(id)) revoked++;
    }
    return revoked;
  }

  /** Expires a token now, as if its TTL had run out. */
  expire(id: string): void {
    const token = this.tokens.get(id);
    if (token) token.expiresAt = Date.now() - 1;
  }

  /** `auth/token/renew-self`: a fresh TTL of `increment` (or the original TTL), capped by max TTL. */
  renew(token: SimToken, increment: unknown): SimToken {
    if (!token.renewable || token.ttlSeconds === 0) throw badRequest('lease is not renewable');
    let ttl = parseDuration(increment) ?? token.ttlSeconds;
    const nowMs = Date.now();
    if (token.maxTtlSeconds > 0) {
      const maxEnd = token.creationTime + token.maxTtlSeconds * 1000;
      ttl = Math.max(0, Math.min(ttl, Math.floor((maxEnd - nowMs) / 1000)));
    }
    token.expiresAt = nowMs + ttl * 1000;
    token.ttlSeconds = ttl;
    return token;
  }

  /** `data` of `auth/token/lookup-self`. */
  lookupData(token: SimToken): Record<string, unknown> {
    const nowMs = Date.now();
    return {
      accessor: token.accessor,
      creation_time: Math.floor(token.creationTime / 1000),
      creation_ttl: token.ttlSeconds,
      display_name: token.displayName,
      entity_id: '',
      expire_time: token.expiresAt === null ? null : new Date(token.expiresAt).toISOString(),
      explicit_max_ttl: 0,
      id: token.id,
      identity_policies: [],
      issue_time: new Date(token.creationTime).toISOString(),
      meta: token.meta,
      num_uses: 0,
      orphan: token.orphan,
      path: token.path,
      policies: token.policies,
      renewable: token.renewable,
      ttl: token.expiresAt === null ? 0 : Math.max(0, Math.round((token.expiresAt - nowMs) / 1000)),
      type: 'service',
    };
  }

  /** The `auth` block of login and renew responses. */
  authBlock(token: SimToken): Record<string, unknown> {
    return {
      client_token: token.id,
      accessor: token.accessor,
      policies: token.policies,
      token_policies: token.policies,
      metadata: token.meta,
      lease_duration: token.ttlSeconds,
      renewable: token.renewable,
      entity_id: '',
      token_type: 'service',
      orphan: token.orphan,
      mfa_requirement: null,
      num_uses: 0,
    };
  }

  get size(): number {
    return this.tokens.size;
  }
}

export const newRequestId = (): string => randomUUID();
