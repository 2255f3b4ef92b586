import { randomBytes } from 'node:crypto';
import { enqueueOutbox, QUARANTINE_HEADER, withTransaction } from '@appgov/db';
import { waitFor } from '@appgov/testing';
import t from 'tap';
import { startHarness } from './fixtures/harness.js';

t.test(
  'an outbox row Kafka refuses for good (too large) blocks the relay forever (finding 10)',
  async (t) => {
    const h = await startHarness(t);
    // 2 MiB of incompressible data: above the broker's default max.message.bytes (1 MiB).
    await withTransaction(h.rt.db as any, async (trx) => {
      await enqueueOutbox(trx as any, [
        {
          topic: h.rt.deps.topics.connections,
          key: 'too-large',
          value: { blob: randomBytes(2 << 20).toString('base64') },
        },
      ]);
    });
    const acme = h.okta.sim.org('acme.okta.com');
    const res = await h.request('POST', '/v1/integrations/okta/connections', h.tokens.adminA, {
      domain: 'acme.okta.com',
      apiToken: acme.token,
    });
    t.equal(res.status, 201, res.raw);
    // The rows behind the refused one still go out.
    await h.waitForEvents(res.json.id, 'connection.created', 1);
    const quarantined = await waitFor(
      async () => {
        const rows = await (h.rt.db as any)
          .selectFrom('outbox')
          .select(['id', 'key', 'headers', 'sent_at'])
          .where('key', '=', 'too-large')
          .execute();
        return rows[0]?.sent_at ? rows[0] : undefined;
      },
      { description: 'the too-large row set aside' },
    );
    t.equal(quarantined.headers[QUARANTINE_HEADER], 'MESSAGE_TOO_LARGE');
    const metrics = await h.rt.registry.metrics();
    t.match(metrics, /appgov_outbox_quarantined_total\{[^}]*reason="MESSAGE_TOO_LARGE"[^}]*\} 1/);
    t.ok(
      h.logs.some((l) => l.includes('quarantined')),
      'logged at error',
    );
  },
);
