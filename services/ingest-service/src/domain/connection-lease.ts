// One sync per connection across replicas (I6): a Redis key per connection set with NX and a TTL,
// renewed while the sync runs and deleted on release only by its holder. A worker that dies stops
// renewing, so the lease expires and another replica may resume the sync.
import type { Redis } from 'ioredis';

const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;

/** Per-connection leases in Redis. */
export class ConnectionLeases {
  readonly #redis: Redis;
  readonly #prefix: string;
  readonly #ttlMs: number;

  constructor(redis: Redis, options: { keyPrefix: string; ttlMs: number }) {
    this.#redis = redis;
    this.#prefix = options.keyPrefix;
    this.#ttlMs = options.ttlMs;
  }

  get ttlMs(): number {
    return this.#ttlMs;
  }

  key(connectionId: string): string {
    return `${this.#prefix}:ingest:lease:${connectionId}`;
  }

  /** Takes the lease if nobody holds it; `holder` identifies this worker and sync. */
  async acquire(connectionId: string, holder: string): Promise<boolean> {
    const ok = await this.#redis.set(this.key(connectionId), holder, 'PX', this.#ttlMs, 'NX');
    return ok === 'OK';
  }

  /** Extends the lease; false when it expired or another worker holds it now. */
  async renew(connectionId: string, holder: string): Promise<boolean> {
    const n = await this.#redis.eval(RENEW, 1, this.key(connectionId), holder, String(this.#ttlMs));
    return Number(n) === 1;
  }

  async release(connectionId: string, holder: string): Promise<void> {
    await this.#redis.eval(RELEASE, 1, this.key(connectionId), holder);
  }

  /** Who holds the lease (operators, tests). */
  holder(connectionId: string): Promise<string | null> {
    return this.#redis.get(this.key(connectionId));
  }
}
