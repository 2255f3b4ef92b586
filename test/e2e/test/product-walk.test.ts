// The product guide, end to end: the four services run as separate processes against the real
// Postgres, Kafka and Redis and the Okta and Vault simulators, and are driven only through their
// public HTTP APIs and Kafka topics. As in production, each service's migrate.js runs first as the
// migration role, and the services run as the runtime role (no DDL, no BYPASSRLS). The services reach Kafka as in production, over the broker's
// SASL_SSL listener (SCRAM-SHA-512, TLS from the scripts' private CA); the test's own readers use
// the plaintext listener of the same broker.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deleteTopicsWithPrefix } from '@appgov/kafka';
import { startOktaSimulator } from '@appgov/okta-simulator';
import {
  dropSchemasWithPrefix,
  mintJwt,
  saslSslKafkaEnv,
  testEnv,
  uniqueName,
  waitFor,
} from '@appgov/testing';
import { startVaultSimulator } from '@appgov/vault-simulator';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import t from 'tap';
import {
  freeServicePorts,
  type KcatMessage,
  migrateService,
  migrationEnv,
  readTopicWithKcat,
  repoRoot,
  SERVICE_NAMES,
  type ServiceName,
  type ServiceProcess,
  serviceEnv,
  startService,
  startSmtpCatcher,
  waitStackSettled,
} from '../src/index.js';

const { KAFKA_BROKERS } = testEnv();
const prefix = uniqueName('e2e')
  .toLowerCase()
  .replace(/[^a-z0-9]/g, '');
const domain = `${prefix}.okta.com`;
// The stack's topics and schemas go when the file ends (top-level teardowns run after every test's).
t.teardown(async () => {
  await deleteTopicsWithPrefix(KAFKA_BROKERS, `${prefix}.`);
  await dropSchemasWithPrefix(`${prefix}_`);
});
const tenant = `tenant-${prefix}`;
const adminEmail = `admin@${prefix}.example`;

/** Every JSON Schema that libs/contracts publishes, keyed by file name without `.json`. */
function loadPublishedSchemas(): Ajv {
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats.default(ajv);
  const dir = join(repoRoot, 'libs/contracts/schemas');
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
    const schema = JSON.parse(readFileSync(join(dir, file), 'utf8'));
    ajv.addSchema(schema, file.replace(/\.json$/, ''));
  }
  return ajv;
}

t.test('connect, sync, change, rotate, break, recover, delete', async (t) => {
  const okta = await startOktaSimulator({ orgs: [{ domain, size: 'tiny', seed: 7 }] });
  t.teardown(() => okta.close());
  const org = okta.sim.org(domain);
  const vault = await startVaultSimulator();
  t.teardown(() => vault.close());
  const smtp = await startSmtpCatcher();
  t.teardown(() => smtp.close());

  const ports = await freeServicePorts();
  const endpoints = {
    prefix,
    oktaPort: okta.port,
    vaultUrl: vault.url,
    vaultToken: vault.rootToken,
    smtpPort: smtp.smtpPort,
    ports,
    secureKafka: true,
    runtimeRole: true,
  };
  // As the chart does: migrations once, as the migration role; the services run as the runtime role.
  for (const name of SERVICE_NAMES) await migrateService(name, migrationEnv(name, endpoints));
  const kafkaPassword = saslSslKafkaEnv().KAFKA_SASL_PASSWORD as string;
  const procs = {} as Record<ServiceName, ServiceProcess>;
  // Started one after the other: each creates its topics at boot.
  for (const name of SERVICE_NAMES) {
    procs[name] = await startService({
      name,
      port: ports[name],
      env: {
        ...serviceEnv(name, endpoints),
        SYNC_INTERVAL_SECONDS: '3600',
        // The test polls the APIs far faster than a person would.
        RATE_LIMIT_PER_MINUTE: '100000',
        NOTIFY_SMTP_RETRY_BASE_MS: '200',
      },
      readyTimeoutMs: 90_000,
    });
  }
  t.teardown(async () => {
    for (const name of [...SERVICE_NAMES].reverse()) await procs[name].stop();
  });

  const admin = await mintJwt({ sub: 'admin-1', email: adminEmail, tenant, roles: ['admin'] });
  const call = async (method: string, url: string, body?: unknown) => {
    const res = await fetch(url, {
      method,
      headers: {
        authorization: `Bearer ${admin}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
  const connUrl = `http://127.0.0.1:${ports['connection-service']}/v1/integrations/okta/connections`;
  const catalogUrl = `http://127.0.0.1:${ports['catalog-service']}/v1/catalog`;
  const tokens = [org.token];
  const settled = () =>
    waitStackSettled({ prefix, brokers: KAFKA_BROKERS, databaseUrl: testEnv().DATABASE_URL });

  const getConnection = async (id: string) => (await call('GET', `${connUrl}/${id}`)).body;
  const syncHistory = async (id: string) => (await call('GET', `${connUrl}/${id}/syncs`)).body.items as any[];
  const waitSyncs = async (id: string, count: number, outcome: string) =>
    waitFor(
      async () => {
        const done = (await syncHistory(id)).filter(
          (s) => s.outcome === 'completed' || s.outcome === 'failed',
        );
        return done.length >= count && done[0].outcome === outcome ? done : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 500, description: `${count} finished syncs, latest ${outcome}` },
    );
  const allPages = async (path: string) => {
    const items: any[] = [];
    let cursor: string | null = null;
    do {
      const q: string = `${path}${path.includes('?') ? '&' : '?'}limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const page = await call('GET', `${catalogUrl}${q}`);
      if (page.status !== 200) throw new Error(`GET ${q}: ${page.status} ${JSON.stringify(page.body)}`);
      items.push(...page.body.items);
      cursor = page.body.nextCursor;
    } while (cursor);
    return items;
  };
  let lastCatalogDiff = '';
  t.teardown(() => t.comment(`last catalog comparison: ${lastCatalogDiff}`));
  const catalogMatchesOrg = async (connectionId: string) => {
    const snap = org.snapshot();
    const apps = (await allPages(`/apps?connectionId=${connectionId}`)).map((a) => a.id).sort();
    const users = (await allPages('/users')).filter((u) => u.connectionId === connectionId);
    const expectedApps = snap.apps.map((a) => a.id).sort();
    lastCatalogDiff = `apps ${apps.length}/${expectedApps.length}, users ${users.length}/${snap.users.length}`;
    return JSON.stringify(apps) === JSON.stringify(expectedApps) && users.length === snap.users.length;
  };

  // 1. Connect: In progress at once, then Success with last synced set.
  const created = await call('POST', connUrl, {
    domain: `https://${prefix}-admin.okta.com/admin/dashboard`,
    apiToken: org.token,
  });
  t.equal(created.status, 201, 'connection created');
  t.equal(created.body.domain, domain, 'domain normalised');
  t.equal(created.body.status, 'in_progress', 'status In progress right after connecting');
  const id: string = created.body.id;
  const firstSyncId: string = created.body.currentSync.syncId;
  // C6 regression: the status turned success on ingest's sync.completed, before the catalog had
  // applied the sync. Polled closely, the first read of success must find the catalog complete at
  // once (no waiting): every row, the sync as the last applied, and its findings.
  let conn = await waitFor(
    async () => {
      const c = await getConnection(id);
      return c.status === 'success' ? c : undefined;
    },
    { timeoutMs: 180_000, intervalMs: 100, description: 'status success' },
  );
  const summaryAtSuccess = (await call('GET', `${catalogUrl}/connections/${id}/summary`)).body;
  const findingsAtSuccess = (await allPages('/findings')).filter((f) => f.connectionId === id).length;
  const matchedAtSuccess = await catalogMatchesOrg(id);
  t.ok(matchedAtSuccess, `at the first read of success the catalog equals the org (${lastCatalogDiff})`);
  t.equal(summaryAtSuccess.lastAppliedSync?.syncId, firstSyncId, 'the catalog has applied that very sync');
  t.ok(summaryAtSuccess.openFindings > 0, 'its findings are there');
  t.equal(findingsAtSuccess, summaryAtSuccess.openFindings, 'every finding listed');
  t.equal(conn.currentSync, null, 'no current sync once it counts as completed');
  await waitSyncs(id, 1, 'completed');
  t.ok(conn.lastSynced.at, 'last synced set');
  t.equal(conn.stale, false);

  // 2. The catalog equals the org, app-inventory events are out, one "ready" email.
  await waitFor(() => catalogMatchesOrg(id), {
    timeoutMs: 60_000,
    intervalMs: 1000,
    description: 'catalog equals the org',
  });
  t.pass('catalog equals the simulated org');
  const readyMails = await waitFor(
    () => {
      const m = smtp.mails.filter((x) => x.subject.includes(domain) && /ready/i.test(x.subject));
      return m.length > 0 ? m : undefined;
    },
    { timeoutMs: 60_000, description: 'the ready email' },
  );
  // Counted once everything the services were given is consumed: a late duplicate is seen.
  await settled();
  const readyNow = smtp.mails.filter((x) => x.subject.includes(domain) && /ready/i.test(x.subject));
  t.equal(readyNow.length, 1, 'one ready email');
  t.ok(readyMails[0]?.to.includes(adminEmail), 'sent to the admin who connected the org');
  t.match(readyMails[0]?.text ?? '', domain);

  const inventoryTopic = `${prefix}.appgov.app-inventory.v1`;
  const inventoryEvents = async () =>
    (await readTopicWithKcat(KAFKA_BROKERS, inventoryTopic))
      .filter((m): m is KcatMessage & { payload: string } => m.payload !== null)
      .map((m) => JSON.parse(m.payload));
  const firstEvents = await waitFor(
    async () => {
      const evs = await inventoryEvents();
      return evs.some((e) => e.type === 'inventory.snapshot.completed') ? evs : undefined;
    },
    { timeoutMs: 60_000, intervalMs: 1000, description: 'the first inventory snapshot' },
  );
  const discovered = new Set(
    firstEvents.filter((e) => e.type === 'app.discovered').map((e) => e.data.app?.id ?? e.subject),
  );
  t.ok(discovered.size >= org.snapshot().apps.length, 'app.discovered for every app');

  // 3. Change the org and sync now: the change shows in the catalog and as events.
  const newApp = org.addApp({ label: `Ünïcode Expense ${prefix}`, signOnMode: 'SAML_2_0' });
  const someApp = org.snapshot().apps.find((a) => (org.snapshot().grants[a.id] ?? []).length > 0);
  const revoked = someApp ? org.snapshot().grants[someApp.id]?.[0] : undefined;
  if (someApp && revoked) org.revokeGrant(someApp.id, revoked.id);
  const syncNow = await call('POST', `${connUrl}/${id}/sync`);
  t.equal(syncNow.status, 202, 'sync now accepted');
  await waitSyncs(id, 2, 'completed');
  await waitFor(() => catalogMatchesOrg(id), {
    timeoutMs: 60_000,
    intervalMs: 1000,
    description: 'catalog shows the change',
  });
  // The two events are keyed by different apps, so they may sit on different partitions and show up
  // in either order: wait for both before asserting on either.
  const discoveredNew = (evs: any[]) =>
    evs.some((e) => e.type === 'app.discovered' && JSON.stringify(e.data).includes(newApp.id));
  const revokedGrant = (evs: any[]) =>
    !revoked ||
    evs.some((e) => e.type === 'app.grant.revoked' && JSON.stringify(e.data).includes(revoked.id));
  const afterChange = await waitFor(
    async () => {
      const evs = await inventoryEvents();
      return discoveredNew(evs) && revokedGrant(evs) ? evs : undefined;
    },
    { timeoutMs: 60_000, intervalMs: 1000, description: 'app.discovered and app.grant.revoked of sync 2' },
  );
  t.ok(discoveredNew(afterChange), 'app.discovered for the new app');
  if (revoked) t.ok(revokedGrant(afterChange), 'app.grant.revoked for the revoked grant');

  // 4. Update the token (with confirmation): a new sync runs.
  const rotated = org.registerToken({ role: 'SUPER_ADMIN' }).value;
  tokens.push(rotated);
  const noConfirm = await call('PUT', `${connUrl}/${id}/token`, { apiToken: rotated });
  t.equal(noConfirm.status, 409, 'update without confirmation refused');
  t.equal(noConfirm.body.code, 'confirmation_required');
  const updated = await call('PUT', `${connUrl}/${id}/token`, { apiToken: rotated, confirm: true });
  t.equal(updated.status, 200, 'token updated');
  await waitSyncs(id, 3, 'completed');

  // 5. The token dies: Error with a reason, one error email.
  org.revokeToken(rotated);
  await call('POST', `${connUrl}/${id}/sync`);
  conn = await waitFor(
    async () => {
      const c = await getConnection(id);
      return c.status === 'error' ? c : undefined;
    },
    { timeoutMs: 120_000 },
  );
  t.equal(conn.statusReasonCode, 'invalid_token', 'error reason invalid_token');
  const errorMails = await waitFor(
    () => {
      const m = smtp.mails.filter(
        (x) => x.subject.includes(domain) && /error|fail|attention/i.test(x.subject),
      );
      return m.length > 0 ? m : undefined;
    },
    { timeoutMs: 60_000, description: 'the error email' },
  );
  t.ok(errorMails.length >= 1, 'an error email');
  await settled();
  t.equal(
    smtp.mails.filter((x) => x.subject.includes(domain) && /error|fail|attention/i.test(x.subject)).length,
    1,
    'one error email, once everything is consumed',
  );

  // 6. Fix it: recovery.
  const fixed = org.registerToken({ role: 'SUPER_ADMIN' }).value;
  tokens.push(fixed);
  t.equal((await call('PUT', `${connUrl}/${id}/token`, { apiToken: fixed, confirm: true })).status, 200);
  conn = await waitFor(
    async () => {
      const c = await getConnection(id);
      return c.status === 'success' && !c.currentSync ? c : undefined;
    },
    { timeoutMs: 120_000 },
  );
  t.equal(conn.statusReasonCode ?? null, null, 'back to Success, no reason left');
  const isRecovery = (x: { subject: string }) =>
    x.subject.includes(domain) && /recover|back|resolved/i.test(x.subject);
  await waitFor(() => smtp.mails.some(isRecovery), { timeoutMs: 60_000, description: 'recovery email' });
  await settled();
  t.equal(smtp.mails.filter(isRecovery).length, 1, 'one recovery email');

  // 7. Delete (confirm): catalog purged, tombstones, token destroyed.
  t.equal((await call('DELETE', `${connUrl}/${id}`)).status, 409, 'delete without confirmation refused');
  t.equal((await call('DELETE', `${connUrl}/${id}?confirm=true`)).status, 204, 'deleted');
  t.equal((await call('DELETE', `${connUrl}/${id}?confirm=true`)).status, 204, 'delete is idempotent');
  await waitFor(async () => (await allPages(`/apps?connectionId=${id}`)).length === 0, {
    timeoutMs: 60_000,
    description: 'catalog purged',
  });
  t.pass('catalog purged');
  // Tombstones are keyed per app and spread over partitions: wait for all of them, not the first.
  const appCount = org.snapshot().apps.length;
  const state = await waitFor(
    async () => {
      const msgs = await readTopicWithKcat(KAFKA_BROKERS, `${prefix}.appgov.app-inventory-state.v1`);
      return msgs.filter((m) => m.payload === null).length >= appCount ? msgs : undefined;
    },
    { timeoutMs: 60_000, intervalMs: 1000, description: 'a tombstone per app' },
  );
  t.ok(state.filter((m) => m.payload === null).length >= appCount, 'a tombstone per app');
  const secrets = vault.sim.dumpSecrets().filter((s) => s.path.includes(id));
  t.ok(
    secrets.every((s) => s.versions.every((v) => v.destroyed || v.data === null)),
    'token destroyed in Vault',
  );

  // 8. A consumer's view: every app-inventory message validates against the published schemas.
  const ajv = loadPublishedSchemas();
  const all = await readTopicWithKcat(KAFKA_BROKERS, inventoryTopic);
  let invalid = 0;
  for (const m of all) {
    const event = JSON.parse(m.payload ?? 'null');
    const envelope = ajv.getSchema('cloudevent-envelope');
    const data = ajv.getSchema(`${event?.type}.v1`);
    if (!envelope?.(event) || !data?.(event.data)) invalid++;
  }
  t.ok(all.length > 0, `${all.length} app-inventory messages read with kcat`);
  t.equal(invalid, 0, 'every app-inventory message validates against its published JSON Schema');

  // 9. Every service shuts down cleanly on SIGTERM (consumers leave, in-flight work finishes).
  for (const name of [...SERVICE_NAMES].reverse()) {
    const started = Date.now();
    t.equal(await procs[name].stop(30_000), 0, `${name} exits 0 on SIGTERM (${Date.now() - started} ms)`);
  }

  // 10. No secret ever reached a log line.
  for (const name of SERVICE_NAMES) {
    const out = procs[name].output();
    for (const token of tokens) t.notOk(out.includes(token), `${name} logs never contain an Okta token`);
    t.notOk(out.includes(vault.rootToken), `${name} logs never contain the Vault token`);
    t.notOk(out.includes(kafkaPassword), `${name} logs never contain the Kafka SASL password`);
  }
});
