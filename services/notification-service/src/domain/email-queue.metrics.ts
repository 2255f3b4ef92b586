import { defineGauge, type Registry } from '@appgov/telemetry';
import { sql } from 'kysely';
import type { NotificationDb } from './db.js';

/**
 * Email queue depth (N5), read from the database at scrape time, so every replica reports the same
 * numbers: rows per status (pending waits for SMTP, failed gave up) and the age of the oldest
 * pending row (mail that should have gone out and did not).
 */
export function registerEmailQueueMetrics(registry: Registry, db: NotificationDb): void {
  let cached:
    | { at: number; read: Promise<{ pending: number; failed: number; oldestAge: number }> }
    | undefined;
  const read = () => {
    const now = Date.now();
    if (!cached || now - cached.at > 1000) {
      cached = {
        at: now,
        read: sql<{ pending: string; failed: string; oldest_age: number | null }>`
          select count(*) filter (where status = 'pending') as pending,
                 count(*) filter (where status = 'failed') as failed,
                 extract(epoch from now() - min(created_at) filter (where status = 'pending'))::float8 as oldest_age
          from email_queue`
          .execute(db)
          .then(({ rows }) => ({
            pending: Number(rows[0]?.pending ?? 0),
            failed: Number(rows[0]?.failed ?? 0),
            oldestAge: Number(rows[0]?.oldest_age ?? 0),
          })),
      };
    }
    // A database error leaves the previous values (a failing /metrics would hide everything else).
    return cached.read.catch(() => {
      cached = undefined;
      return undefined;
    });
  };
  defineGauge(registry, {
    name: 'appgov_email_queue_messages',
    help: 'Emails in the queue by status: pending (waiting for SMTP or a retry) and failed (gave up)',
    labelNames: ['status'],
    async collect() {
      const q = await read();
      if (!q) return;
      this.set({ status: 'pending' }, q.pending);
      this.set({ status: 'failed' }, q.failed);
    },
  });
  defineGauge(registry, {
    name: 'appgov_email_queue_oldest_pending_seconds',
    help: 'Age of the oldest pending email (0 when none waits)',
    async collect() {
      const q = await read();
      if (q) this.set(q.oldestAge);
    },
  });
}
