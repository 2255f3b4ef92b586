// Budgets shared by every replica (I6): one Redis hash per org and bucket, changed only inside Lua
// scripts so that read-decide-write is atomic, and timed by Redis's own clock (TIME) so replicas
// with drifting clocks still agree on windows. The logic mirrors budget.ts.
import type { Redis } from 'ioredis';
import type { BudgetParams, BudgetStore } from './budget.js';
import { DEFAULT_TOKEN_MARGIN, OKTA_DEFAULT_TOKEN_PERCENT } from './ceiling.js';

const LOAD = `
local h = redis.call('HMGET', KEYS[1], 'limit','resetAt','used','remaining','sinceObs','blockedUntil','nextAt','probeAt',
  'resetEpoch','prevEpoch','tokenCeiling')
local s = { limit = tonumber(h[1]) or 0, resetAt = tonumber(h[2]) or 0, used = tonumber(h[3]) or 0,
  remaining = tonumber(h[4]) or -1, sinceObs = tonumber(h[5]) or 0, blockedUntil = tonumber(h[6]) or 0,
  nextAt = tonumber(h[7]) or 0, probeAt = tonumber(h[8]) or 0, resetEpoch = tonumber(h[9]) or 0,
  prevEpoch = tonumber(h[10]) or 0, tokenCeiling = tonumber(h[11]) or 0 }
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local function save(ttl)
  redis.call('HSET', KEYS[1], 'limit', s.limit, 'resetAt', s.resetAt, 'used', s.used, 'remaining', s.remaining,
    'sinceObs', s.sinceObs, 'blockedUntil', s.blockedUntil, 'nextAt', s.nextAt, 'probeAt', s.probeAt,
    'resetEpoch', s.resetEpoch, 'prevEpoch', s.prevEpoch, 'tokenCeiling', s.tokenCeiling)
  redis.call('PEXPIRE', KEYS[1], ttl)
end
`;

const ACQUIRE = `${LOAD}
local share, spreadBelow, probeMs, windowMs, ttl = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local tokenMargin, tokenPercent = tonumber(ARGV[6]), tonumber(ARGV[7])
if s.blockedUntil > now then return s.blockedUntil - now end
if s.resetAt ~= 0 and now >= s.resetAt then
  s.used = 0; s.sinceObs = 0; s.remaining = -1; s.nextAt = 0
  if s.resetEpoch ~= 0 then s.prevEpoch = s.resetEpoch end
  s.resetEpoch = 0
  if s.limit > 0 then s.resetAt = now + windowMs else s.resetAt = 0 end
end
if s.resetAt == 0 and s.limit > 0 then s.resetAt = now + windowMs end
if s.limit == 0 then
  if s.probeAt > 0 and now - s.probeAt < probeMs then return math.min(50, s.probeAt + probeMs - now) end
  s.probeAt = now; s.used = s.used + 1; s.sinceObs = s.sinceObs + 1
  save(ttl)
  return 0
end
-- ceiling.ts callsPerWindow
local eps = 1e-9
local cap
if s.tokenCeiling == 1 then
  local ceiling = s.limit - math.floor(s.limit * tokenMargin + eps)
  local ofOrg = math.floor((s.limit / tokenPercent) * share + eps)
  cap = math.max(1, math.min(ceiling, ofOrg))
else
  cap = math.max(1, math.floor(s.limit * share + eps))
end
if s.used >= cap then save(ttl) return math.max(1, s.resetAt - now) end
if s.remaining >= 0 and s.remaining - s.sinceObs <= 0 then save(ttl) return math.max(1, s.resetAt - now) end
if s.nextAt > now then return s.nextAt - now end
s.used = s.used + 1; s.sinceObs = s.sinceObs + 1
local left = cap - s.used
local threshold = math.ceil(cap * spreadBelow)
if left < threshold then s.nextAt = now + math.floor((s.resetAt - now) / (left + 1)) else s.nextAt = 0 end
save(ttl)
return 0
`;

const OBSERVE = `${LOAD}
local limit, remaining, resetInMs, ttl, epoch = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local tokenCeiling = tonumber(ARGV[6]) or 0
s.probeAt = 0
if limit <= 0 then save(ttl) return 0 end
if epoch > 0 then
  if epoch < s.resetEpoch or (s.resetEpoch == 0 and epoch <= s.prevEpoch) then save(ttl) return 0 end
  local firstAnswer = s.resetEpoch == 0 or epoch > s.resetEpoch
  if s.resetEpoch ~= 0 and epoch > s.resetEpoch then s.prevEpoch = s.resetEpoch; s.used = 0; s.nextAt = 0 end
  s.resetEpoch = epoch
  if firstAnswer then s.used = math.max(s.used, limit - remaining) end
end
s.limit = limit; s.tokenCeiling = tokenCeiling; s.remaining = remaining; s.sinceObs = 0
if resetInMs > 0 then s.resetAt = now + resetInMs end
save(ttl)
return 0
`;

const BLOCK = `${LOAD}
local waitMs, ttl = tonumber(ARGV[1]), tonumber(ARGV[2])
s.blockedUntil = math.max(s.blockedUntil, now + waitMs)
s.remaining = 0; s.sinceObs = 0
if s.resetAt < s.blockedUntil then s.resetAt = s.blockedUntil end
save(ttl)
return 0
`;

interface BudgetCommands {
  appgovOktaAcquire(key: string, ...args: (string | number)[]): Promise<number>;
  appgovOktaObserve(key: string, ...args: (string | number)[]): Promise<number>;
  appgovOktaBlock(key: string, ...args: (string | number)[]): Promise<number>;
}

/** Options of {@link RedisBudgetStore}. */
export interface RedisBudgetStoreOptions {
  /** Per-deployment key prefix, e.g. `appgov-prod`; keys are `{prefix}:okta-budget:{domain}:{bucket}`. */
  keyPrefix: string;
  /** Idle keys expire after this (default 10 minutes). */
  ttlMs?: number;
}

/**
 * The budget keys' prefix from a service's REDIS_KEY_PREFIX, without the service's own trailing
 * segment: every service of a deployment (ingest's default `appgov`, connection-service's
 * `appgov:connection-service:`) meters an org in one shared budget (I6), while a test or stack that
 * sets its own prefix gets budgets of its own instead of sharing `appgov:okta-budget:{domain}`.
 */
export function oktaBudgetKeyPrefix(redisKeyPrefix: string, serviceName: string): string {
  const own = `${serviceName}:`;
  const trimmed = redisKeyPrefix.endsWith(own) ? redisKeyPrefix.slice(0, -own.length) : redisKeyPrefix;
  return trimmed.replace(/:+$/, '') || 'appgov';
}

/** A {@link BudgetStore} in Redis. Keys carry the org's domain, never a credential. */
export class RedisBudgetStore implements BudgetStore {
  readonly #redis: Redis & BudgetCommands;
  readonly #prefix: string;
  readonly #ttl: number;

  constructor(redis: Redis, options: RedisBudgetStoreOptions) {
    const r = redis as Redis & Partial<BudgetCommands>;
    if (typeof r.appgovOktaAcquire !== 'function') {
      redis.defineCommand('appgovOktaAcquire', { numberOfKeys: 1, lua: ACQUIRE });
      redis.defineCommand('appgovOktaObserve', { numberOfKeys: 1, lua: OBSERVE });
      redis.defineCommand('appgovOktaBlock', { numberOfKeys: 1, lua: BLOCK });
    }
    this.#redis = redis as Redis & BudgetCommands;
    this.#prefix = options.keyPrefix;
    this.#ttl = options.ttlMs ?? 600_000;
  }

  /** The Redis key of one org's bucket. */
  key(domain: string, bucket: string): string {
    return `${this.#prefix}:okta-budget:${domain}:${bucket}`;
  }

  async acquire(domain: string, bucket: string, p: BudgetParams): Promise<number> {
    const wait = await this.#redis.appgovOktaAcquire(
      this.key(domain, bucket),
      p.share,
      p.spreadBelow,
      p.probeIntervalMs,
      p.windowMs,
      this.#ttl,
      p.tokenMargin ?? DEFAULT_TOKEN_MARGIN,
      p.tokenPercent ?? OKTA_DEFAULT_TOKEN_PERCENT,
    );
    return Number(wait);
  }

  async observe(
    domain: string,
    bucket: string,
    limit: number,
    remaining: number,
    resetInMs: number,
    resetEpoch: number,
    tokenCeiling = false,
  ): Promise<void> {
    await this.#redis.appgovOktaObserve(
      this.key(domain, bucket),
      limit,
      remaining,
      Math.round(resetInMs),
      this.#ttl,
      Math.round(resetEpoch),
      tokenCeiling ? 1 : 0,
    );
  }

  async block(domain: string, bucket: string, waitMs: number): Promise<void> {
    await this.#redis.appgovOktaBlock(this.key(domain, bucket), Math.ceil(waitMs), this.#ttl);
  }
}
