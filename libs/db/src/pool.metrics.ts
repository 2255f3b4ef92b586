import { defineGauge, type Registry } from '@appgov/telemetry';
import type { Kysely } from 'kysely';
import { poolOf } from './create-db.js';

/**
 * `appgov_db_pool_connections{state}`: the pg pool's clients (total, idle) and the queries waiting
 * for one (waiting), read at scrape time. Waiting above zero for long means the pool is too small
 * or a query holds its client too long.
 */
export function registerPoolMetrics<DB>(registry: Registry, db: Kysely<DB>): void {
  const pool = poolOf(db);
  if (!pool) throw new Error('registerPoolMetrics needs a Kysely instance from createDb');
  defineGauge(registry, {
    name: 'appgov_db_pool_connections',
    help: 'PostgreSQL pool: clients open (total), idle, and queries waiting for a client (waiting)',
    labelNames: ['state'],
    collect() {
      this.set({ state: 'total' }, pool.totalCount);
      this.set({ state: 'idle' }, pool.idleCount);
      this.set({ state: 'waiting' }, pool.waitingCount);
    },
  });
}
