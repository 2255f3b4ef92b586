// Catalog apply and query benchmark (SPEC 11: ≥ 50k rows/s applied; app queries p99 < 50 ms at ~1M rows).
// `node test/bench/dist/src/catalog-apply.js [--group-members N] [--app-users N] [--iterations N]`
// Records of the simulator's large preset (100k users, 5k groups, 1k apps) are applied through the
// catalog's own okta-records handler (one transaction per chunk of 200 batch events, as the consumer
// does) into a fresh schema of the local Postgres; then the main queries run as the API runs them.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import {
  catalogMigrations,
  connectionSummary,
  getApp,
  handleOktaRecords,
  listApps,
  listUsers,
  withTenant,
} from '@appgov/catalog-service';
import { recordsOf, syncEvents } from '@appgov/catalog-service/test-fixtures';
import { type AnyCloudEvent, topicNames } from '@appgov/contracts';
import { createDb, migrateToLatest } from '@appgov/db';
import { OktaSimulator } from '@appgov/okta-simulator';
import { testEnv, uniqueName } from '@appgov/testing';
import pg from 'pg';

const { values } = parseArgs({
  options: {
    'group-members': { type: 'string', default: '500000' },
    'app-users': { type: 'string', default: '400000' },
    iterations: { type: 'string', default: '300' },
    keep: { type: 'boolean', default: false },
  },
});

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

async function main() {
  const schema = uniqueName('catalog_bench');
  const db = createDb<any>({ connectionString: testEnv().DATABASE_URL, schema, max: 4 });
  await migrateToLatest(db, catalogMigrations, schema);
  const org = new OktaSimulator().createOrg({ domain: 'bench-large.okta.com', seed: 1, size: 'large' });
  const records = recordsOf(org.store, {
    'group-members': Number(values['group-members']),
    'app-users': Number(values['app-users']),
  });
  const total = Object.values(records).reduce((n, list) => n + list.length, 0);
  const tenantId = 'bench-tenant';
  const connectionId = randomUUID();
  const deps = {
    db,
    topics: topicNames({ prefix: 'bench.' }),
    clock: { now: () => new Date() },
    rules: { superAdminThreshold: 3 },
  };
  const origin = {
    topic: 'bench',
    partition: 0,
    offset: '0',
    key: null,
    headers: {},
    traceparent: undefined,
  };
  const apply = async (events: AnyCloudEvent[]) => {
    for (let i = 0; i < events.length; i += 200) {
      await handleOktaRecords(
        deps,
        events.slice(i, i + 200).map((event) => ({ event, origin })),
      );
    }
  };
  const counts = Object.fromEntries(Object.entries(records).map(([k, v]) => [k, v.length]));
  console.log(`records per dataset: ${JSON.stringify(counts)} (total ${total})`);

  for (const label of [
    'first sync (inserts)',
    'second sync (all unchanged: upsert + sweep)',
    'third sync (all unchanged again: steady state)',
  ]) {
    const events = syncEvents(records, { tenantId, connectionId });
    const t0 = performance.now();
    await apply(events);
    const seconds = (performance.now() - t0) / 1000;
    console.log(`${label}: ${total} rows in ${seconds.toFixed(1)} s = ${Math.round(total / seconds)} rows/s`);
  }

  const iterations = Number(values.iterations);
  const appIds = records.apps.map((a) => a.id);
  const { nextCursor } = await withTenant(db, tenantId, (trx) => listApps(trx, { limit: 50 }));
  const queries: Record<string, (i: number) => Promise<unknown>> = {
    'apps: first page by label': () => withTenant(db, tenantId, (trx) => listApps(trx, { limit: 50 })),
    'apps: second page (cursor)': () =>
      withTenant(db, tenantId, (trx) => listApps(trx, { limit: 50, cursor: nextCursor ?? undefined })),
    'apps: by userCount desc': () =>
      withTenant(db, tenantId, (trx) => listApps(trx, { limit: 50, sort: 'userCount', order: 'desc' })),
    'apps: q search': () => withTenant(db, tenantId, (trx) => listApps(trx, { limit: 50, q: 'app' })),
    'apps: risk filter': () => withTenant(db, tenantId, (trx) => listApps(trx, { limit: 50, risk: true })),
    'app detail (grants, users, groups)': (i) =>
      withTenant(db, tenantId, (trx) => getApp(trx, connectionId, appIds[i % appIds.length]!)),
    'users: first page': () => withTenant(db, tenantId, (trx) => listUsers(trx, { limit: 50 })),
    'connection summary (counts)': () =>
      withTenant(db, tenantId, (trx) => connectionSummary(trx, connectionId)),
  };
  for (const [name, run] of Object.entries(queries)) {
    const times: number[] = [];
    for (let i = 0; i < iterations; i++) {
      const t0 = performance.now();
      await run(i);
      times.push(performance.now() - t0);
    }
    console.log(
      `${name}: p50 ${pct(times, 50).toFixed(1)} ms, p99 ${pct(times, 99).toFixed(1)} ms (n=${iterations})`,
    );
  }
  if (!values.keep) {
    await db.destroy();
    const client = new pg.Client({ connectionString: testEnv().DATABASE_URL });
    await client.connect();
    await client.query(`drop schema "${schema}" cascade`);
    await client.end();
  } else {
    console.log(`kept schema ${schema}`);
    await db.destroy();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
