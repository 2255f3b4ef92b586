import { randomUUID } from 'node:crypto';
import { createWebhookSecretStoreFromEnv } from '@appgov/secrets';
import { createLogger } from '@appgov/telemetry';
import { uniqueName, waitFor } from '@appgov/testing';
import { type StartedVaultSimulator, startVaultSimulator } from '@appgov/vault-simulator';
import { sql } from 'kysely';
import t, { type Test } from 'tap';
import type { NotificationDb } from '../src/domain/db.js';
import {
  moveLegacyWebhookSecrets,
  secretFingerprint,
  WebhookSecrets,
} from '../src/domain/webhook-secrets.js';
import { verifySignature } from '../src/domain/webhook-signature.js';
import { bearer, events, startReceiver, startService, type TestService } from './fixtures/harness.js';

const PREFIX = 'appgov/test';

async function vaultFor(t: Test) {
  const vault = await startVaultSimulator();
  t.teardown(() => vault.close());
  return {
    vault,
    env: { VAULT_ADDR: vault.url, VAULT_TOKEN: vault.rootToken, VAULT_PATH_PREFIX: PREFIX },
  };
}

/** The live data of a Vault key, or undefined when it (or every version) is gone. */
function vaultEntry(vault: StartedVaultSimulator, path: string) {
  const key = vault.sim.dumpSecrets().find((s) => s.path === path);
  return key?.versions.find((v) => v.version === key.currentVersion && !v.destroyed)?.data ?? undefined;
}

/** Every row of every table of the service's schema, as JSON text. */
async function allRows(db: NotificationDb, schema: string): Promise<string> {
  const tables = await sql<{ table_name: string }>`
    select table_name from information_schema.tables where table_schema = ${schema}`.execute(db);
  const dumps: string[] = [];
  for (const { table_name } of tables.rows) {
    const rows = await sql<{ row: string }>`
      select row_to_json(t)::text as row from ${sql.table(`${schema}.${table_name}`)} t`.execute(db);
    dumps.push(...rows.rows.map((r) => r.row));
  }
  return dumps.join('\n');
}

async function deliveredTo(receiver: Awaited<ReturnType<typeof startReceiver>>, path: string, n = 1) {
  return waitFor(() => {
    const got = receiver.requests.filter((r) => r.path === path && r.status === 200);
    return got.length >= n ? got : undefined;
  });
}

t.test(
  'N3: a webhook secret lives in Vault only, signs deliveries, and is destroyed with the webhook',
  async (t) => {
    const { vault, env } = await vaultFor(t);
    const receiver = await startReceiver(t);
    const ts = await startService(t, undefined, { env });
    const tenant = uniqueName('tenant');
    const admin = await bearer(tenant, ['admin']);
    const created = await ts.service.app.inject({
      method: 'POST',
      url: '/v1/notifications/webhooks',
      headers: admin,
      payload: { url: receiver.url('/signed'), eventTypes: ['*'] },
    });
    t.equal(created.statusCode, 201, 'created');
    const { id, secret } = created.json() as { id: string; secret: string };
    const path = `${PREFIX}/tenants/${tenant}/webhooks/${id}/signing`;
    t.same(vaultEntry(vault, path), { secret }, 'the secret is in Vault at the tenant path');

    // A delivery, so that every table has rows, signed with the secret from Vault.
    await ts.publish([events.completed(tenant, randomUUID())]);
    const [request] = await deliveredTo(receiver, '/signed');
    t.ok(
      verifySignature(secret, String(request!.headers['appgov-signature']), request!.body),
      'the delivery verifies with the secret shown at creation',
    );

    const rows = await allRows(ts.service.db, ts.config.DB_SCHEMA);
    t.ok(rows.includes(id), 'the dump does see the webhook');
    t.notOk(rows.includes(secret), 'the secret is in no Postgres column of any table');
    const hook = await ts.service.db
      .selectFrom('webhooks')
      .select(['secret', 'secret_fingerprint'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    t.same(hook, { secret: null, secret_fingerprint: secretFingerprint(secret) }, 'only the fingerprint');

    const deleted = await ts.service.app.inject({
      method: 'DELETE',
      url: `/v1/notifications/webhooks/${id}`,
      headers: admin,
    });
    t.equal(deleted.statusCode, 204);
    t.notOk(
      vault.sim.dumpSecrets().some((s) => s.path === path),
      'every version and the metadata are destroyed',
    );
    const read = await fetch(`${vault.url}/v1/secret/data/${path}`, {
      headers: { 'x-vault-token': vault.rootToken },
    });
    t.equal(read.status, 404, 'Vault has nothing at the path');
    t.notMatch(ts.logs.join(''), secret, 'the secret is never logged');
  },
);

t.test(
  'N3: with Vault down a webhook is not created (503) and a delivery waits without being charged',
  async (t) => {
    const { vault, env } = await vaultFor(t);
    const receiver = await startReceiver(t);
    const ts = await startService(t, undefined, {
      // A postponed delivery stays unclaimed for 2 s: long enough to look at it undisturbed.
      env: { ...env, WEBHOOK_SECRET_CACHE_MS: '0', WEBHOOK_RETRY_BASE_MS: '2000' },
    });
    const tenant = uniqueName('tenant');
    const admin = await bearer(tenant, ['admin']);
    const create = (path: string) =>
      ts.service.app.inject({
        method: 'POST',
        url: '/v1/notifications/webhooks',
        headers: admin,
        payload: { url: receiver.url(path), eventTypes: ['*'] },
      });
    const ok = await create('/later');
    t.equal(ok.statusCode, 201);

    vault.sim.seal();
    const refused = await create('/never');
    t.equal(refused.statusCode, 503);
    t.equal(refused.json().code, 'VAULT_UNAVAILABLE');
    t.match(refused.headers['content-type'], /application\/problem\+json/);
    const hooks = await ts.service.db
      .selectFrom('webhooks')
      .select('url')
      .where('tenant_id', '=', tenant)
      .execute();
    t.same(
      hooks.map((h) => h.url),
      [receiver.url('/later')],
      'the refused webhook left no row',
    );

    await ts.publish([events.completed(tenant, randomUUID())]);
    await waitFor(() => ts.logs.join('').includes('delivery postponed'), {
      description: 'a postponed delivery',
    });
    const pending = await ts.service.db
      .selectFrom('webhook_deliveries')
      .select(['status', 'attempts'])
      .where('tenant_id', '=', tenant)
      .executeTakeFirstOrThrow();
    t.same(pending, { status: 'pending', attempts: 0 }, 'no attempt charged while the secret is unreadable');
    t.equal(receiver.requests.length, 0, 'nothing sent unsigned');

    vault.sim.unseal();
    const [request] = await deliveredTo(receiver, '/later');
    t.ok(verifySignature(ok.json().secret, String(request!.headers['appgov-signature']), request!.body));
  },
);

t.test('plain-text secrets written before the move go to Vault at start, once, and still sign', async (t) => {
  const { vault, env } = await vaultFor(t);
  const receiver = await startReceiver(t);
  const first: TestService = await startService(t, undefined, { env });
  const tenant = uniqueName('tenant');
  const legacySecret = `whsec_${randomUUID()}`;
  // A row as the code before this change wrote it.
  const { id } = await first.service.db
    .insertInto('webhooks')
    .values({
      tenant_id: tenant,
      url: receiver.url('/legacy'),
      description: null,
      event_types: ['*'],
      format: 'generic',
      secret: legacySecret,
      disabled_reason: null,
      created_by_sub: 'admin-1',
      created_by_email: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await first.stop();

  // The next start of the service (same schema and topics) moves it.
  const second = await startService(t, undefined, {
    env,
    schema: first.config.DB_SCHEMA,
    topicPrefix: first.config.KAFKA_TOPIC_PREFIX,
  });
  const path = `${PREFIX}/tenants/${tenant}/webhooks/${id}/signing`;
  t.same(vaultEntry(vault, path), { secret: legacySecret }, 'moved to Vault');
  const row = await second.service.db
    .selectFrom('webhooks')
    .select(['secret', 'secret_fingerprint'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  t.same(row, { secret: null, secret_fingerprint: secretFingerprint(legacySecret) }, 'column cleared');
  t.notOk((await allRows(second.service.db, second.config.DB_SCHEMA)).includes(legacySecret));

  const again = await moveLegacyWebhookSecrets(
    second.service.db,
    second.service.webhookSecrets,
    createLogger({ name: 'test', level: 'silent' }),
  );
  t.equal(again, 0, 'a second pass has nothing to move');
  t.equal(vault.sim.dumpSecrets().find((s) => s.path === path)?.currentVersion, 1, 'and writes nothing');

  await second.publish([events.completed(tenant, randomUUID())]);
  const [request] = await deliveredTo(receiver, '/legacy');
  t.ok(
    verifySignature(legacySecret, String(request!.headers['appgov-signature']), request!.body),
    'receivers keep verifying with the secret they were given',
  );
});

t.test('a secret read for signing is reused for cacheMs; a destroyed one is forgotten at once', async (t) => {
  const { vault, env } = await vaultFor(t);
  const store = createWebhookSecretStoreFromEnv({
    ...env,
    VAULT_AUTH_METHOD: 'token',
    VAULT_KUBERNETES_ROLE: 'unused',
    VAULT_KUBERNETES_JWT_PATH: '/nonexistent',
    VAULT_KUBERNETES_MOUNT: 'kubernetes',
    VAULT_KV_MOUNT: 'secret',
  });
  let now = 1_000_000;
  const secrets = new WebhookSecrets(store, { cacheMs: 60_000, now: () => now });
  const id = randomUUID();
  await secrets.store('tenant-1', id, 'whsec_cached');
  t.equal(await secrets.signingSecret('tenant-1', id), 'whsec_cached');

  vault.sim.seal();
  t.equal(
    await secrets.signingSecret('tenant-1', id),
    'whsec_cached',
    'served from the cache, Vault not asked',
  );
  now += 60_001;
  await t.rejects(
    secrets.signingSecret('tenant-1', id),
    { code: 'VAULT_UNAVAILABLE' },
    'expired: Vault is asked',
  );
  vault.sim.unseal();
  t.equal(await secrets.signingSecret('tenant-1', id), 'whsec_cached', 'a failed read is not cached');

  await secrets.destroy('tenant-1', id);
  await t.rejects(secrets.signingSecret('tenant-1', id), { code: 'SECRET_NOT_FOUND' });
});
