import { randomUUID } from 'node:crypto';
import { waitFor } from '@appgov/testing';
import { sql } from 'kysely';
import t from 'tap';
import { handle } from '../src/consumers/sync-status.consumer.js';
import { scheduleDueSyncs } from '../src/domain/sync-scheduler.js';
import { startHarness } from './fixtures/harness.js';

const base = '/v1/integrations/okta/connections';

t.test('connection-service against Postgres, Kafka, Redis and the simulators', async (t) => {
  const h = await startHarness(t);
  const acme = h.okta.sim.org('acme.okta.com');
  const globex = h.okta.sim.org('globex.okta.com');
  const acmeToken = acme.token;
  const secretsUsed = new Set<string>([acmeToken]);
  let acmeId = '';

  await t.test(
    'add with a valid token: 201, token in Vault only, created + sync.requested on Kafka',
    async (t) => {
      const res = await h.request('POST', base, h.tokens.adminA, {
        domain: 'https://acme-admin.okta.com/admin/dashboard',
        apiToken: acmeToken,
      });
      t.equal(res.status, 201, res.raw);
      acmeId = res.json.id;
      t.equal(res.json.domain, 'acme.okta.com');
      t.equal(res.json.status, 'in_progress');
      t.equal(res.json.token.last4, acmeToken.slice(-4));
      t.match(res.json.token.fingerprint, /^[0-9a-f]{16}$/);
      t.same(res.json.firstConnected.by, { sub: 'alice', email: 'alice@a.example' });
      t.equal(res.json.firstConnected.at, h.clock.now.toISOString());
      t.same(res.json.lastSynced, { at: null, durationMs: null });
      t.equal(res.json.adminRole, 'SUPER_ADMIN');
      t.equal(res.json.currentSync.state, 'requested');
      t.equal(res.json.currentSync.trigger, 'initial');
      t.equal(res.json.stale, false);

      const stored = h.vault.sim.dumpSecrets().filter((s) => s.path.includes(acmeId));
      t.equal(stored.length, 1, 'one Vault key for the connection');
      t.match(stored[0]?.path, `tenants/${h.tenantA}/connections/${acmeId}/okta`);
      t.equal(stored[0]?.versions.at(-1)?.data?.token, acmeToken, 'Vault holds the token');

      const [created] = await h.waitForEvents(acmeId, 'connection.created', 1);
      const [requested] = await h.waitForEvents(acmeId, 'sync.requested', 1);
      t.equal(created?.topic, h.rt.deps.topics.connections);
      t.equal(created?.value.data.domain, 'acme.okta.com');
      t.same(created?.value.data.createdBy, { sub: 'alice', email: 'alice@a.example' });
      t.equal(requested?.topic, h.rt.deps.topics.syncRequests);
      t.equal(requested?.value.data.trigger, 'initial');
      t.equal(requested?.value.data.syncId, res.json.currentSync.syncId);
    },
  );

  await t.test('duplicate domain per tenant → 409; another tenant may connect the same org', async (t) => {
    const dup = await h.request('POST', base, h.tokens.adminA, { domain: 'acme', apiToken: acmeToken });
    t.equal(dup.status, 409);
    t.equal(dup.json.code, 'CONNECTION_DUPLICATE_DOMAIN');
    const other = await h.request('POST', base, h.tokens.adminB, {
      domain: 'acme.okta.com',
      apiToken: acmeToken,
    });
    t.equal(other.status, 201);
  });

  await t.test('bad domain, invalid token, unknown org: distinct problem+json errors', async (t) => {
    const bad = await h.request('POST', base, h.tokens.adminA, {
      domain: 'https://u:p@10.0.0.1/',
      apiToken: acmeToken,
    });
    t.equal(bad.status, 400);
    t.equal(bad.json.code, 'CONNECTION_INVALID_DOMAIN');
    t.match(bad.json.detail, /yourorg\.okta\.com/);
    const invalid = await h.request('POST', base, h.tokens.adminA, {
      domain: 'globex',
      apiToken: 'not-a-real-token-0000',
    });
    t.equal(invalid.status, 422);
    t.equal(invalid.json.code, 'OKTA_INVALID_TOKEN');
    const unknown = await h.request('POST', base, h.tokens.adminA, {
      domain: 'nosuchorg',
      apiToken: acmeToken,
    });
    t.equal(unknown.status, 422);
    t.equal(unknown.json.code, 'OKTA_ORG_NOT_FOUND');
    t.not(invalid.json.detail, unknown.json.detail);
  });

  await t.test('Okta unreachable → 503 OKTA_UNAVAILABLE; then the open circuit fails fast', async (t) => {
    const flakyToken = h.okta.sim.org('flaky.okta.com').token;
    secretsUsed.add(flakyToken);
    const down = await h.request('POST', base, h.tokens.adminA, { domain: 'flaky', apiToken: flakyToken });
    t.equal(down.status, 503);
    t.equal(down.json.code, 'OKTA_UNAVAILABLE');
    let last = down;
    for (let i = 0; i < 5 && last.json.code !== 'OKTA_CIRCUIT_OPEN'; i++) {
      last = await h.request('POST', base, h.tokens.adminA, { domain: 'flaky', apiToken: flakyToken });
    }
    t.equal(last.json.code, 'OKTA_CIRCUIT_OPEN');
    const before = h.okta.sim.org('flaky.okta.com').requestCounts();
    const started = performance.now();
    const fast = await h.request('POST', base, h.tokens.adminA, { domain: 'flaky', apiToken: flakyToken });
    const ms = performance.now() - started;
    t.equal(fast.status, 503);
    t.equal(fast.json.code, 'OKTA_CIRCUIT_OPEN');
    t.not(fast.json.detail, down.json.detail, 'distinct message');
    // Fast because no call is made (asserted), not by a wall-clock bound a loaded machine may miss.
    t.same(h.okta.sim.org('flaky.okta.com').requestCounts(), before, 'no call reached Okta: fails fast');
    t.comment(`circuit-open answer in ${ms.toFixed(1)} ms`);
  });

  await t.test(
    'update token: 409 without confirmation; new Vault version, cancel + new sync; other org refused',
    async (t) => {
      const noConfirm = await h.request('PUT', `${base}/${acmeId}/token`, h.tokens.adminA, {
        apiToken: acmeToken,
      });
      t.equal(noConfirm.status, 409);
      t.equal(noConfirm.json.code, 'confirmation_required');
      const before = (await h.request('GET', `${base}/${acmeId}`, h.tokens.adminA)).json;
      const oldSync = before.currentSync.syncId;

      const foreign = await h.request('PUT', `${base}/${acmeId}/token`, h.tokens.adminA, {
        apiToken: globex.token,
        confirm: true,
      });
      secretsUsed.add(globex.token);
      t.equal(foreign.status, 422, 'a token of another org is refused');
      t.equal(foreign.json.code, 'OKTA_INVALID_TOKEN');

      const fresh = acme.registerToken({ role: 'READ_ONLY_ADMIN' }).value;
      secretsUsed.add(fresh);
      h.clock.now = new Date(h.clock.now.getTime() + 60_000);
      const ok = await h.request('PUT', `${base}/${acmeId}/token`, h.tokens.adminA, {
        apiToken: fresh,
        confirm: true,
      });
      t.equal(ok.status, 200, ok.raw);
      t.equal(ok.json.token.last4, fresh.slice(-4));
      t.not(ok.json.token.fingerprint, before.token.fingerprint);
      t.not(
        ok.json.adminRole,
        'SUPER_ADMIN',
        'the lesser role is recorded (null when it may not read roles)',
      );
      t.ok(ok.json.permissionWarnings.length > 0, 'least-privilege warning');
      t.equal(ok.json.currentSync.trigger, 'token-updated');
      t.not(ok.json.currentSync.syncId, oldSync);

      const secret = h.vault.sim.dumpSecrets().find((s) => s.path.includes(acmeId));
      t.equal(secret?.currentVersion, 2, 'a new Vault version');
      t.equal(secret?.versions.at(-1)?.data?.token, fresh);

      const [cancel] = await h.waitForEvents(acmeId, 'sync.cancel-requested', 1);
      t.same(cancel?.value.data, { syncId: oldSync, reason: 'token-updated' });
      const requested = await h.waitForEvents(acmeId, 'sync.requested', 2);
      t.equal(requested[1]?.value.data.trigger, 'token-updated');
      await h.waitForEvents(acmeId, 'connection.token-updated', 1);
      const post = await h.request('POST', `${base}/${acmeId}/token`, h.tokens.adminA, { apiToken: fresh });
      t.equal(post.status, 409, 'POST alias needs confirmation too');
      const history = (await h.request('GET', `${base}/${acmeId}/syncs`, h.tokens.viewerA)).json.items;
      t.equal(history.find((r: { syncId: string }) => r.syncId === oldSync)?.outcome, 'cancelled');
    },
  );

  await t.test(
    'status from sync-status events: C6 states, out of order and duplicated; C7 stale',
    async (t) => {
      const deps = { db: h.rt.db, logger: h.rt.logger };
      const view = async () => (await h.request('GET', `${base}/${acmeId}`, h.tokens.viewerA)).json;
      const s1 = (await view()).currentSync.syncId as string;
      const ev = (type: string, data: Record<string, unknown>) =>
        ({
          id: randomUUID(),
          source: '/appgov/ingest-service',
          type,
          specversion: '1.0',
          time: new Date().toISOString(),
          datacontenttype: 'application/json',
          dataschema: `urn:appgov:event:${type}:v1`,
          tenantid: h.tenantA,
          connectionid: acmeId,
          data,
        }) as never;
      const t0 = h.clock.now;
      const at = (s: number) => new Date(t0.getTime() + s * 1000).toISOString();
      const started = ev('sync.started', { syncId: s1, trigger: 'token-updated', startedAt: at(1) });
      await handle(deps, started);
      let v = await view();
      t.equal(v.status, 'in_progress', 'no completion yet');
      t.equal(v.currentSync.state, 'running');
      const completed = ev('sync.completed', {
        syncId: s1,
        startedAt: at(1),
        finishedAt: at(31),
        durationMs: 30_000,
        counts: { users: 10, apps: 3 },
        warnings: [{ dataset: 'api-tokens', code: 'OKTA_FORBIDDEN', message: 'skipped' }],
        skippedDatasets: ['api-tokens'],
      });
      await handle(deps, completed);
      await handle(deps, completed); // duplicate
      await handle(deps, started); // late started
      v = await view();
      // C6: ingest finished, the catalog has not applied it yet: not completed.
      t.equal(v.status, 'in_progress', 'ingest done, catalog not yet: still in progress');
      t.equal(v.currentSync?.syncId, s1, 'still the current sync');
      t.equal(v.lastSynced.at, null, 'not synced yet');
      const applied = (syncId: string, s: number) =>
        ev('catalog.applied', { syncId, counts: { users: 10 }, appliedAt: at(s) });
      await handle(deps, applied(s1, 32));
      await handle(deps, applied(s1, 32)); // duplicate
      v = await view();
      t.equal(v.status, 'success');
      t.equal(v.currentSync, null);
      t.same(v.lastSynced, { at: at(31), durationMs: 30_000 });

      // A re-sync runs: shown as currentSync, status unchanged.
      h.clock.now = new Date(t0.getTime() + 3600_000);
      const now1 = await h.request('POST', `${base}/${acmeId}/sync`, h.tokens.adminA);
      t.equal(now1.status, 202);
      const s2 = now1.json.syncId as string;
      const again = await h.request('POST', `${base}/${acmeId}/sync`, h.tokens.adminA);
      t.equal(again.status, 409);
      t.equal(again.json.code, 'SYNC_ALREADY_RUNNING');
      await handle(deps, ev('sync.started', { syncId: s2, trigger: 'manual', startedAt: at(3601) }));
      v = await view();
      t.equal(v.status, 'success');
      t.equal(v.currentSync.syncId, s2);
      // It fails: error with reason and message.
      const failed = ev('sync.failed', {
        syncId: s2,
        reasonCode: 'invalid_token',
        message: 'E0000011',
        startedAt: at(3601),
        failedAt: at(3605),
      });
      await handle(deps, failed);
      v = await view();
      t.equal(v.status, 'error');
      t.equal(v.statusReasonCode, 'invalid_token');
      t.match(v.statusMessage, /Update the token/);
      t.same(v.lastSynced, { at: at(31), durationMs: 30_000 }, 'last success kept');
      // A late completion of the older sync s1 (duplicate) never overrides the newer outcome.
      await handle(deps, completed);
      t.equal((await view()).status, 'error');

      // A cancelled sync leaves the status unchanged.
      h.clock.now = new Date(t0.getTime() + 7200_000);
      const s3 = (await h.request('POST', `${base}/${acmeId}/sync`, h.tokens.adminA)).json.syncId as string;
      await handle(
        deps,
        ev('sync.failed', { syncId: s3, reasonCode: 'cancelled', message: 'cancelled', failedAt: at(7201) }),
      );
      v = await view();
      t.equal(v.status, 'error');
      t.equal(v.currentSync, null);

      // Out of order: completed of s4 arrives before its started.
      const s4 = (await h.request('POST', `${base}/${acmeId}/sync`, h.tokens.adminA)).json.syncId as string;
      await handle(
        deps,
        ev('sync.completed', {
          syncId: s4,
          startedAt: at(7202),
          finishedAt: at(7262),
          durationMs: 60_000,
          counts: {},
          warnings: [],
          skippedDatasets: [],
        }),
      );
      await handle(deps, ev('sync.started', { syncId: s4, trigger: 'manual', startedAt: at(7202) }));
      v = await view();
      t.equal(v.status, 'error', 'a re-sync ingest finished keeps the status until the catalog applied it');
      t.equal(v.currentSync?.syncId, s4, 'and stays the current sync');
      await handle(deps, applied(s4, 7263));
      v = await view();
      t.equal(v.status, 'success');
      t.equal(v.currentSync, null);
      t.same(v.lastSynced, { at: at(7262), durationMs: 60_000 });
      t.equal(v.stale, false);

      // C7: last success older than 3 × 6 h is stale (injected clock).
      h.clock.now = new Date(t0.getTime() + (7262 + 18 * 3600 + 1) * 1000);
      v = await view();
      t.equal(v.stale, true);
      t.equal(v.staleReason, 'last_success_too_old');
      // A running sync older than 1 h is stale too.
      h.clock.now = new Date(t0.getTime() + 8000 * 1000);
      const s5 = (await h.request('POST', `${base}/${acmeId}/sync`, h.tokens.adminA)).json.syncId as string;
      await handle(
        deps,
        ev('sync.started', { syncId: s5, trigger: 'manual', startedAt: new Date(h.clock.now).toISOString() }),
      );
      t.equal((await view()).stale, false);
      h.clock.now = new Date(h.clock.now.getTime() + 3601_000);
      v = await view();
      t.equal(v.stale, true);
      t.equal(v.staleReason, 'sync_running_too_long');

      const history = (await h.request('GET', `${base}/${acmeId}/syncs`, h.tokens.viewerA)).json.items;
      const run1 = history.find((r: { syncId: string }) => r.syncId === s1);
      t.equal(run1.outcome, 'completed');
      t.same(run1.counts, { users: 10, apps: 3 });
      t.equal(run1.warnings.length, 1);
      t.equal(history.find((r: { syncId: string }) => r.syncId === s2).errorCode, 'invalid_token');
    },
  );

  await t.test(
    'a cancelled sync we never recorded, not current: recorded, nothing else changes (was an empty UPDATE)',
    async (t) => {
      const deps = { db: h.rt.db, logger: h.rt.logger };
      const view = async () => (await h.request('GET', `${base}/${acmeId}`, h.tokens.viewerA)).json;
      const before = await view();
      const syncId = randomUUID();
      const failedAt = new Date().toISOString();
      await handle(deps, {
        id: randomUUID(),
        source: '/appgov/ingest-service',
        type: 'sync.failed',
        specversion: '1.0',
        time: failedAt,
        datacontenttype: 'application/json',
        dataschema: 'urn:appgov:event:sync.failed:v1',
        tenantid: h.tenantA,
        connectionid: acmeId,
        data: { syncId, reasonCode: 'cancelled', message: 'cancelled', failedAt },
      } as never);
      const after = await view();
      t.equal(after.status, before.status, 'status unchanged');
      t.same(after.currentSync, before.currentSync, 'current sync unchanged');
      const history = (await h.request('GET', `${base}/${acmeId}/syncs`, h.tokens.viewerA)).json.items;
      t.equal(history.find((r: { syncId: string }) => r.syncId === syncId)?.outcome, 'cancelled');
    },
  );

  await t.test('the consumer applies sync-status events from Kafka', async (t) => {
    const current = (await h.request('GET', `${base}/${acmeId}`, h.tokens.viewerA)).json.currentSync.syncId;
    const iso = new Date().toISOString();
    await h.rt.producer.connect();
    await h.rt.producer.publish(
      h.rt.deps.topics.syncStatus,
      [
        {
          id: randomUUID(),
          source: '/appgov/ingest-service',
          type: 'sync.completed',
          specversion: '1.0',
          time: iso,
          datacontenttype: 'application/json',
          dataschema: 'urn:appgov:event:sync.completed:v1',
          tenantid: h.tenantA,
          connectionid: acmeId,
          data: {
            syncId: current,
            startedAt: iso,
            finishedAt: iso,
            durationMs: 5,
            counts: {},
            warnings: [],
            skippedDatasets: [],
          },
        },
        {
          id: randomUUID(),
          source: '/appgov/catalog-service',
          type: 'catalog.applied',
          specversion: '1.0',
          time: iso,
          datacontenttype: 'application/json',
          dataschema: 'urn:appgov:event:catalog.applied:v1',
          tenantid: h.tenantA,
          connectionid: acmeId,
          data: { syncId: current, counts: {}, appliedAt: iso },
        },
      ],
      { key: acmeId },
    );
    // Wait for this sync's own outcome: an earlier subtest's event can clear currentSync first.
    await waitFor(
      async () => {
        const items = (await h.request('GET', `${base}/${acmeId}/syncs`, h.tokens.viewerA)).json.items;
        return items.find((r: { syncId: string }) => r.syncId === current)?.outcome === 'completed';
      },
      { timeoutMs: 30_000, description: 'the consumer to record the completed sync' },
    );
    const view = (await h.request('GET', `${base}/${acmeId}`, h.tokens.viewerA)).json;
    t.equal(view.currentSync, null, 'no sync running any more');
    t.equal(view.status, 'success', 'the connection shows the completed sync');
    t.same(view.lastSynced, { at: iso, durationMs: 5 }, 'last synced: the event finishedAt and duration');
  });

  await t.test('providers summary names the connection with the oldest last sync or N/A', async (t) => {
    const res = await h.request('GET', '/v1/integrations/providers', h.tokens.viewerA);
    t.equal(res.status, 200);
    const okta = res.json.items[0];
    t.equal(okta.provider, 'okta');
    t.equal(okta.connectedDomains, 1);
    t.equal(okta.oldestLastSynced.domain, 'acme.okta.com');
    const b = await h.request('GET', '/v1/integrations/providers', h.tokens.adminB);
    t.equal(b.json.items[0].oldestLastSynced.display, 'N/A', 'never synced shows N/A');
  });

  await t.test('tenant isolation and roles', async (t) => {
    t.equal((await h.request('GET', `${base}/${acmeId}`, h.tokens.adminB)).status, 404);
    t.equal((await h.request('GET', `${base}/${acmeId}/syncs`, h.tokens.adminB)).status, 404);
    t.equal((await h.request('POST', `${base}/${acmeId}/sync`, h.tokens.adminB)).status, 404);
    t.equal(
      (
        await h.request('PUT', `${base}/${acmeId}/token`, h.tokens.adminB, {
          apiToken: acmeToken,
          confirm: true,
        })
      ).status,
      404,
    );
    t.equal((await h.request('DELETE', `${base}/${acmeId}?confirm=true`, h.tokens.adminB)).status, 404);
    const listB = (await h.request('GET', base, h.tokens.adminB)).json.items;
    t.notOk(listB.some((c: { id: string }) => c.id === acmeId));
    t.equal((await h.request('GET', base, h.tokens.viewerA)).status, 200, 'viewers read');
    const viewerWrite = await h.request('POST', `${base}/${acmeId}/sync`, h.tokens.viewerA);
    t.equal(viewerWrite.status, 403);
    t.equal(viewerWrite.json.code, 'AUTH_FORBIDDEN');
    t.equal((await h.request('DELETE', `${base}/${acmeId}?confirm=true`, h.tokens.viewerA)).status, 403);
    t.equal(
      (await h.request('POST', base, h.tokens.viewerA, { domain: 'globex', apiToken: globex.token })).status,
      403,
    );
    t.equal(
      (await h.request('GET', '/v1/operator/connections', h.tokens.adminA)).status,
      403,
      'admins are not operators',
    );
    t.equal((await h.request('GET', base, h.tokens.operator)).status, 403, 'operators read no tenant data');
    const unauth = await h.rt.app.inject({ method: 'GET', url: base });
    t.equal(unauth.statusCode, 401);

    const op = await h.request('GET', '/v1/operator/connections?limit=1000', h.tokens.operator);
    t.equal(op.status, 200);
    const mine = op.json.items.filter(
      (c: { tenantId: string }) => c.tenantId === h.tenantA || c.tenantId === h.tenantB,
    );
    t.equal(mine.length, 2, 'both tenants');
    t.notMatch(op.raw, /fingerprint|last4|token"/, 'no token fields');
    const opSyncs = await h.request('GET', `/v1/operator/connections/${acmeId}/syncs`, h.tokens.operator);
    t.equal(opSyncs.status, 200);
    t.ok(opSyncs.json.items.length >= 4);
  });

  await t.test(
    'scheduler: due connections get one scheduled sync, running ones are skipped, replicas do not double',
    async (t) => {
      // acme has a running sync (s5 above) → skipped; tenant B's acme has its initial request pending.
      const b = (await h.request('GET', base, h.tokens.adminB)).json.items[0];
      await h.rt.db
        .updateTable('sync_runs')
        .set({ outcome: 'completed' })
        .where('sync_id', '=', b.currentSync.syncId)
        .execute();
      await h.rt.db
        .updateTable('connections')
        .set({ current_sync_id: null })
        .where('id', '=', b.id)
        .execute();
      h.clock.now = new Date(h.clock.now.getTime() + 7 * 3600_000);
      // b's initial sync.requested was never waited for: counted before it arrives, it would pass for
      // the scheduled one below.
      await h.waitCaughtUp();
      const before = h.eventsFor(b.id, 'sync.requested').length;
      const acmeBefore = (
        await h.rt.db.selectFrom('sync_runs').select('sync_id').where('connection_id', '=', acmeId).execute()
      ).length;
      // Three replicas race on the same rows.
      const counts = await Promise.all([1, 2, 3].map(() => scheduleDueSyncs(h.rt.deps, 50)));
      const bRuns = await h.rt.db
        .selectFrom('sync_runs')
        .selectAll()
        .where('connection_id', '=', b.id)
        .where('trigger', '=', 'schedule')
        .execute();
      t.equal(bRuns.length, 1, `exactly one scheduled sync (rounds: ${counts.join(',')})`);
      const acmeAfter = (
        await h.rt.db.selectFrom('sync_runs').select('sync_id').where('connection_id', '=', acmeId).execute()
      ).length;
      t.ok(acmeAfter <= acmeBefore + 1, 'the running sync of acme is stale (>1 h) and may be replaced once');
      await h.waitForEvents(b.id, 'sync.requested', before + 1);
      const row = await h.rt.db
        .selectFrom('connections')
        .select('next_sync_at')
        .where('id', '=', b.id)
        .executeTakeFirstOrThrow();
      t.equal(
        row.next_sync_at?.getTime(),
        h.clock.now.getTime() + 6 * 3600_000,
        'next = now + interval (jitter 0 at random 0.5)',
      );
      const put = await h.request('PUT', '/v1/integrations/settings', h.tokens.adminB, {
        syncIntervalSeconds: 3600,
      });
      t.equal(put.status, 200);
      h.clock.now = new Date(h.clock.now.getTime() + 6 * 3600_000 + 1000);
      await h.rt.db
        .updateTable('sync_runs')
        .set({ outcome: 'completed' })
        .where('connection_id', '=', b.id)
        .execute();
      await scheduleDueSyncs(h.rt.deps, 50);
      const row2 = await h.rt.db
        .selectFrom('connections')
        .select('next_sync_at')
        .where('id', '=', b.id)
        .executeTakeFirstOrThrow();
      t.equal(row2.next_sync_at?.getTime(), h.clock.now.getTime() + 3600_000, 'per-tenant interval override');
    },
  );

  await t.test(
    'Kafka down while adding: 201, events published once Kafka is back, none lost or duplicated',
    async (t) => {
      h.gate.down = true;
      const failuresBefore = h.gate.failures;
      const res = await h.request('POST', base, h.tokens.adminA, {
        domain: 'globex',
        apiToken: globex.token,
      });
      t.equal(res.status, 201, res.raw);
      const id = res.json.id as string;
      await waitFor(() => h.gate.failures > failuresBefore + 1, {
        timeoutMs: 30_000,
        description: 'the relay to fail twice',
      });
      const unsent = await h.rt.db.selectFrom('outbox').select('id').where('sent_at', 'is', null).execute();
      t.ok(unsent.length >= 2, 'events wait in the outbox');
      t.equal(h.eventsFor(id).length, 0, 'nothing on Kafka yet');
      h.gate.down = false;
      await h.waitForEvents(id, 'connection.created', 1);
      await h.waitForEvents(id, 'sync.requested', 1);
      // Outbox drained and every published message read: a duplicate would be in `seen` by now.
      await h.waitCaughtUp();
      const all = h.eventsFor(id);
      t.equal(all.filter((m) => m.value.type === 'connection.created').length, 1);
      t.equal(all.filter((m) => m.value.type === 'sync.requested').length, 1);
      t.equal(new Set(all.map((m) => m.value.id)).size, all.length, 'no duplicates');
      const left = await h.rt.db.selectFrom('outbox').select('id').where('sent_at', 'is', null).execute();
      t.equal(left.length, 0, 'outbox drained');
      t.match(h.gate.lastError, /ECONNREFUSED/, 'the relay met a refused connection');
      t.comment(`relay failures while down: ${h.gate.failures - failuresBefore} (${h.gate.lastError})`);
    },
  );

  await t.test('delete: confirmation, Vault destroyed, connection.deleted, idempotent', async (t) => {
    const noConfirm = await h.request('DELETE', `${base}/${acmeId}`, h.tokens.adminA);
    t.equal(noConfirm.status, 409);
    t.equal(noConfirm.json.code, 'confirmation_required');
    const stored = h.vault.sim.dumpSecrets().find((s) => s.path.includes(acmeId));
    t.ok(
      stored?.versions.some((v) => v.data !== null),
      'the token is in Vault before the delete',
    );
    const destroys = () =>
      Object.entries(h.vault.sim.requestCounts())
        .filter(([k]) => k.includes('/destroy/') && k.includes(acmeId))
        .reduce((n, [, c]) => n + c, 0);
    const destroysBefore = destroys();
    const del = await h.request('DELETE', `${base}/${acmeId}?confirm=true`, h.tokens.adminA);
    t.equal(del.status, 204);
    t.equal(destroys() - destroysBefore, 1, 'its versions were destroyed (one KV v2 destroy)');
    t.equal(
      h.vault.sim.dumpSecrets().find((s) => s.path.includes(acmeId)),
      undefined,
      'then its metadata deleted: nothing left in Vault',
    );
    const again = await h.request('DELETE', `${base}/${acmeId}?confirm=true`, h.tokens.adminA);
    t.equal(again.status, 204, 'repeated delete answers the same');
    t.equal((await h.request('GET', `${base}/${acmeId}`, h.tokens.adminA)).status, 404);
    const [deleted] = await h.waitForEvents(acmeId, 'connection.deleted', 1);
    t.equal(deleted?.value.data.domain, 'acme.okta.com');
    const cancels = await h.waitForEvents(acmeId, 'sync.cancel-requested', 2);
    t.ok(cancels.some((c) => c.value.data.reason === 'connection-deleted'));
    await h.waitCaughtUp();
    t.equal(h.eventsFor(acmeId, 'connection.deleted').length, 1, 'emitted once');
    // The domain can be connected again.
    const re = await h.request('POST', base, h.tokens.adminA, { domain: 'acme', apiToken: acmeToken });
    t.equal(re.status, 201);
  });

  await t.test('Idempotency-Key on POST replays the first answer', async (t) => {
    const list = (await h.request('GET', base, h.tokens.adminA)).json.items;
    const conn = list.find((c: { domain: string }) => c.domain === 'acme.okta.com');
    const iso = new Date(h.clock.now).toISOString();
    await handle({ db: h.rt.db, logger: h.rt.logger }, {
      id: randomUUID(),
      source: '/appgov/ingest-service',
      type: 'sync.completed',
      specversion: '1.0',
      time: iso,
      datacontenttype: 'application/json',
      dataschema: 'urn:appgov:event:sync.completed:v1',
      tenantid: h.tenantA,
      connectionid: conn.id,
      data: {
        syncId: conn.currentSync.syncId,
        startedAt: iso,
        finishedAt: iso,
        durationMs: 1,
        counts: {},
        warnings: [],
        skippedDatasets: [],
      },
    } as never);
    await handle({ db: h.rt.db, logger: h.rt.logger }, {
      id: randomUUID(),
      source: '/appgov/catalog-service',
      type: 'catalog.applied',
      specversion: '1.0',
      time: iso,
      datacontenttype: 'application/json',
      dataschema: 'urn:appgov:event:catalog.applied:v1',
      tenantid: h.tenantA,
      connectionid: conn.id,
      data: { syncId: conn.currentSync.syncId, counts: {}, appliedAt: iso },
    } as never);
    const send = (key?: string) =>
      h.rt.app.inject({
        method: 'POST',
        url: `${base}/${conn.id}/sync`,
        headers: { authorization: `Bearer ${h.tokens.adminA}`, ...(key ? { 'idempotency-key': key } : {}) },
      });
    const first = await send('sync-now-1');
    t.equal(first.statusCode, 202, first.body);
    const replay = await send('sync-now-1');
    t.equal(replay.statusCode, 202, 'replayed, not 409');
    t.equal(JSON.parse(replay.body).syncId, JSON.parse(first.body).syncId);
    t.equal((await send()).statusCode, 409, 'a new request without the key is refused while the sync runs');
    // Every sync.requested published so far has been read: the replay and the 409 added none.
    await h.waitCaughtUp();
    const requested: string[] = h
      .eventsFor(conn.id, 'sync.requested')
      .map((m) => String(m.value.data.syncId));
    t.equal(
      requested.filter((id: string) => id === JSON.parse(first.body).syncId).length,
      1,
      'one event for the sync',
    );
    t.equal(new Set(requested).size, requested.length, 'no sync requested twice');
  });

  await t.test('health, readiness, metrics and OpenAPI', async (t) => {
    t.equal((await h.rt.app.inject({ url: '/healthz' })).statusCode, 200);
    const ready = await h.rt.app.inject({ url: '/readyz' });
    t.equal(ready.statusCode, 200, ready.body);
    t.match(JSON.parse(ready.body).checks, { postgres: 'ok', redis: 'ok', kafka: 'ok' });
    t.match((await h.rt.app.inject({ url: '/metrics' })).body, /appgov_http_request_duration_seconds/);
    const doc = JSON.parse((await h.rt.app.inject({ url: '/docs/json' })).body);
    for (const p of [
      '/v1/integrations/providers',
      '/v1/integrations/okta/connections',
      '/v1/integrations/okta/connections/{id}',
      '/v1/integrations/okta/connections/{id}/token',
      '/v1/integrations/okta/connections/{id}/sync',
      '/v1/integrations/okta/connections/{id}/syncs',
      '/v1/operator/connections',
    ]) {
      t.ok(doc.paths[p], p);
    }
  });

  await t.test('C3: no token in any Postgres row, response, log line or Kafka message', async (t) => {
    const tables = ['connections', 'sync_runs', 'tenant_settings', 'outbox'];
    let dbText = '';
    for (const table of tables) {
      const { rows } = await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(h.rt.db);
      dbText += JSON.stringify(rows);
    }
    t.ok(dbText.length > 1000, 'the dump has content');
    t.ok(h.logs.length > 10, `captured ${h.logs.length} log lines`);
    t.ok(h.seen.length > 10, `captured ${h.seen.length} Kafka messages`);
    const logs = h.logs.join('\n');
    const kafka = h.seen.map((m) => m.raw).join('\n');
    const responses = h.responses.join('\n');
    for (const secret of secretsUsed) {
      const prefix = secret.slice(0, 12);
      t.notOk(dbText.includes(secret) || dbText.includes(prefix), 'not in Postgres');
      t.notOk(logs.includes(secret) || logs.includes(prefix), 'not in logs');
      t.notOk(kafka.includes(secret) || kafka.includes(prefix), 'not in Kafka');
      t.notOk(responses.includes(secret) || responses.includes(prefix), 'not in responses');
    }
  });
});
