// Finding 11: delivery logs were never pruned. Finished deliveries older than the retention go
// (their attempts with them); recent ones and pending ones, however old, stay.
import { randomUUID } from 'node:crypto';
import { uniqueName } from '@appgov/testing';
import t from 'tap';
import { loadConfig } from '../src/config.js';
import { pruneDeliveryLog } from '../src/domain/webhook.repository.js';
import { bearer, startReceiver, startService } from './fixtures/harness.js';

t.test('delivery logs never pruned (finding 11)', async (t) => {
  t.equal(
    loadConfig({ JWT_HS256_SECRET: 'x'.repeat(32), DATABASE_URL: 'postgres://x@127.0.0.1/x' })
      .WEBHOOK_DELIVERY_RETENTION_DAYS,
    30,
  );
  const receiver = await startReceiver(t);
  const ts = await startService(t, undefined);
  const tenant = uniqueName('tenant');
  const admin = await bearer(tenant, ['admin'], 'p-admin', 'p@customer.example');
  const hook = await ts.service.app.inject({
    method: 'POST',
    url: '/v1/notifications/webhooks',
    headers: admin,
    payload: { url: receiver.url('/p'), eventTypes: ['sync.completed'] },
  });
  t.equal(hook.statusCode, 201, hook.body);
  const webhookId = hook.json().id as string;
  const db = ts.service.db;
  const day = 86_400_000;
  const now = Date.now();
  const rows = {
    oldDelivered: { status: 'delivered' as const, completed_at: new Date(now - 40 * day) },
    oldFailed: { status: 'failed' as const, completed_at: new Date(now - 31 * day) },
    recentDelivered: { status: 'delivered' as const, completed_at: new Date(now - 2 * day) },
    oldPending: { status: 'pending' as const, completed_at: null },
  };
  const ids: Record<string, string> = {};
  for (const [name, r] of Object.entries(rows)) {
    const id = randomUUID();
    ids[name] = id;
    await db
      .insertInto('webhook_deliveries')
      .values({
        id,
        webhook_id: webhookId,
        tenant_id: tenant,
        event_id: randomUUID(),
        event_type: 'sync.completed',
        body: '{}',
        status: r.status,
        next_attempt_at: new Date(now + 365 * day),
        created_at: new Date(now - 45 * day),
        completed_at: r.completed_at,
      })
      .execute();
    await db
      .insertInto('webhook_attempts')
      .values({
        delivery_id: id,
        attempt: 1,
        at: new Date(now - 45 * day),
        status_code: 200,
        error: null,
        latency_ms: 5,
      } as never)
      .execute();
  }
  const pruned = await pruneDeliveryLog(db, new Date(now - 30 * day));
  t.equal(pruned, 2, 'the two finished deliveries past the retention');
  const left = await db
    .selectFrom('webhook_deliveries')
    .select('id')
    .where('webhook_id', '=', webhookId)
    .execute();
  t.same(left.map((r) => r.id).sort(), [ids.recentDelivered, ids.oldPending].sort());
  const attempts = await db
    .selectFrom('webhook_attempts')
    .select('delivery_id')
    .where('delivery_id', 'in', Object.values(ids))
    .execute();
  t.equal(attempts.length, 2, 'their attempts went with them');
});
