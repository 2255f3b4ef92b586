// One sync of the simulated org through a stack, optionally disturbed partway, read back for comparison.
import type { CaughtMail } from '@appgov/e2e';
import type { OrgHandle } from '@appgov/okta-simulator';
import { mintJwt } from '@appgov/testing';
import {
  type CatalogContent,
  catalogContent,
  type InventoryEvent,
  inventoryEvents,
  readTopic,
} from './compare.js';
import { settled } from './settle.js';
import type { Stack } from './stack.js';

export interface SyncRunView {
  syncId: string;
  trigger: string;
  outcome: string;
  errorCode: string | null;
  errorMessage: string | null;
}

export interface Disturbance {
  name: string;
  /** Started once this returns true (it sees the Okta calls made so far and the time since the POST). */
  when: (p: { calls: number; elapsedMs: number }) => boolean;
  run: () => Promise<void>;
}

export interface SyncResult {
  name: string;
  connectionId: string;
  outcome: string;
  startedAt: number;
  disturbedAt?: number;
  recoveredAt?: number;
  appliedAt?: number;
  callsAtDisturbance?: number;
  totalCalls: number;
  syncNow: number;
  history: SyncRunView[];
  catalog?: CatalogContent;
  events: InventoryEvent[];
  dlq: number;
  dlqSample: string[];
  /** "Domain ready" emails to this scenario's admin. */
  mails: number;
  crashes: Stack['crashes'];
  summaryCounts: Record<string, number>;
  /** The disturbance itself failed (it never landed, or the piece did not come back). */
  disturbanceError?: string;
}

export interface SyncOptions {
  name: string;
  stack: Stack;
  org: OrgHandle;
  domain: string;
  databaseUrl: string;
  /** A distinct tenant per scenario: one org connected once per tenant. */
  tenant: string;
  mails: () => CaughtMail[];
  disturbance?: Disturbance;
  /** Give up this long after the disturbance is over (or after the POST, undisturbed). */
  timeoutMs: number;
  /** Ingest says completed but the catalog has not applied it for this long: stop waiting (or sync now). */
  unappliedMs: number;
  /** "Sync now" presses allowed after a failed or unapplied sync (the bench's operator; 0 in the suite). */
  maxSyncNow?: number;
  log?: (line: string) => void;
}

type ApiAnswer = { status: number; body: Record<string, any> | undefined };
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const secs = (ms: number) => (ms / 1000).toFixed(1);

export async function runSync(o: SyncOptions): Promise<SyncResult> {
  const log = o.log ?? console.log;
  const email = `${o.tenant}@chaos.example`;
  const jwt = await mintJwt({ sub: `${o.tenant}-admin`, email, tenant: o.tenant, roles: ['admin'] });
  // Ingest's job list (operators only) tells when ingest finished a sync the connection still shows
  // in progress (C6: it completes once the catalog has applied it).
  const operatorJwt = await mintJwt({
    sub: `${o.tenant}-op`,
    email: `op-${email}`,
    tenant: `${o.tenant}-ops`,
    roles: ['operator'],
  });
  const api = async (
    url: string,
    init: { method?: string; body?: unknown; token?: string } = {},
  ): Promise<ApiAnswer> => {
    try {
      const res = await fetch(url, {
        method: init.method ?? 'GET',
        headers: {
          authorization: `Bearer ${init.token ?? jwt}`,
          ...(init.body ? { 'content-type': 'application/json' } : {}),
        },
        ...(init.body ? { body: JSON.stringify(init.body) } : {}),
      });
      const text = await res.text();
      return { status: res.status, body: text ? (JSON.parse(text) as Record<string, any>) : undefined };
    } catch {
      return { status: 0, body: undefined };
    }
  };
  const connUrl = `${o.stack.urls['connection-service']}/v1/integrations/okta/connections`;
  const crashesBefore = o.stack.crashes.length;
  o.org.resetRequestCounts();
  const startedAt = Date.now();
  const created = await api(connUrl, { method: 'POST', body: { domain: o.domain, apiToken: o.org.token } });
  if (created.status !== 201)
    throw new Error(`connect answered ${created.status}: ${JSON.stringify(created.body)}`);
  const connectionId = created.body?.id as string;
  log(`  ${o.name}: connected ${o.domain} as ${connectionId} (tenant ${o.tenant})`);
  const r: SyncResult = {
    name: o.name,
    connectionId,
    outcome: 'timeout',
    startedAt,
    totalCalls: 0,
    syncNow: 0,
    history: [],
    events: [],
    dlq: 0,
    dlqSample: [],
    mails: 0,
    crashes: [],
    summaryCounts: {},
  };
  const d = o.disturbance;
  let disturbing: Promise<void> | undefined;
  const disturb = async (dist: Disturbance) => {
    r.disturbedAt = Date.now();
    r.callsAtDisturbance = o.org.requestCounts().total;
    log(
      `  ${secs(r.disturbedAt - startedAt)} s: ${r.callsAtDisturbance} Okta calls done; disturbing ${dist.name}`,
    );
    try {
      await dist.run();
    } catch (error) {
      r.disturbanceError = String(error).slice(0, 500);
      log(`  ! ${dist.name}: ${r.disturbanceError}`);
    }
    r.recoveredAt = Date.now();
    log(`  ${secs(r.recoveredAt - startedAt)} s: ${dist.name} back`);
  };

  let deadline = startedAt + o.timeoutMs;
  let completedUnapplied: number | undefined;
  for (;;) {
    const calls = o.org.requestCounts().total;
    if (d && !disturbing && d.when({ calls, elapsedMs: Date.now() - startedAt })) {
      disturbing = disturb(d);
      deadline = Number.POSITIVE_INFINITY;
      void disturbing.then(() => {
        deadline = Date.now() + o.timeoutMs;
      });
    }
    const summary = await api(
      `${o.stack.urls['catalog-service']}/v1/catalog/connections/${connectionId}/summary`,
    );
    const history = await api(`${connUrl}/${connectionId}/syncs?limit=20`);
    if (history.status === 200) r.history = (history.body?.items ?? []) as SyncRunView[];
    const applied =
      summary.status === 200 ? (summary.body?.lastAppliedSync as { syncId: string } | null) : null;
    // Complete: the catalog applied a sync after the disturbance is over (or, undisturbed, at all).
    if (applied && (!d || r.recoveredAt)) {
      r.appliedAt = Date.now();
      r.summaryCounts = (summary.body?.counts ?? {}) as Record<string, number>;
      const first = r.history[r.history.length - 1];
      r.outcome =
        first?.syncId === applied.syncId
          ? d
            ? 'same sync completed'
            : 'completed'
          : `new sync ${r.history.find((h) => h.syncId === applied.syncId)?.trigger ?? '?'} completed`;
      break;
    }
    if (applied && d && !disturbing) {
      r.outcome = 'completed before the disturbance point';
      r.appliedAt = Date.now();
      break;
    }
    // Ingest says completed but the catalog never applied it (it refuses to sweep a sync with missing
    // batches): the admin sees a successful sync and an incomplete catalog.
    const latest = r.history[0];
    const jobs = latest
      ? await api(`${o.stack.urls['ingest-service']}/v1/ingest/jobs?state=done&limit=50`, {
          token: operatorJwt,
        })
      : undefined;
    const ingestDone = ((jobs?.body?.items ?? []) as { syncId: string }[]).some(
      (j) => j.syncId === latest?.syncId,
    );
    if ((latest?.outcome === 'completed' || ingestDone) && !applied) completedUnapplied ??= Date.now();
    else completedUnapplied = undefined;
    const unappliedTooLong =
      completedUnapplied !== undefined && Date.now() - completedUnapplied > o.unappliedMs;
    const failed = latest && (latest.outcome === 'failed' || latest.outcome === 'cancelled');
    if ((!d || r.recoveredAt) && (failed || unappliedTooLong)) {
      if (r.syncNow >= (o.maxSyncNow ?? 0)) {
        r.outcome = failed
          ? `sync ${latest.outcome} (${latest.errorCode})`
          : 'completed by ingest, never applied';
        break;
      }
      completedUnapplied = undefined;
      const s = await api(`${connUrl}/${connectionId}/sync`, { method: 'POST' });
      log(
        `  ${secs(Date.now() - startedAt)} s: sync ${latest?.syncId.slice(0, 8)} ${latest?.outcome}; "sync now" answered ${s.status}`,
      );
      if (s.status === 202) r.syncNow++;
    }
    if (Date.now() > deadline) break;
    await sleep(500);
  }
  await disturbing;
  r.totalCalls = o.org.requestCounts().total;
  log(`  ${secs((r.appliedAt ?? Date.now()) - startedAt)} s: ${r.outcome}`);

  // Read once everything the sync caused has been consumed: every consumer group of the stack at the
  // end of its topics, and (when applied) the catalog's snapshot marker published.
  const hasSnapshot = async () => {
    r.events = await inventoryEvents(o.stack.kafka, o.stack.topics.appInventory, connectionId);
    return r.events.some((e) => e.type === 'inventory.snapshot.completed');
  };
  await settled(o.stack, r.appliedAt ? hasSnapshot : async () => true, 60_000).catch((e: unknown) =>
    log(`  ! not settled: ${String(e)}`),
  );
  r.events = await inventoryEvents(o.stack.kafka, o.stack.topics.appInventory, connectionId);
  const h = await api(`${connUrl}/${connectionId}/syncs?limit=20`);
  if (h.status === 200) r.history = (h.body?.items ?? []) as SyncRunView[];
  r.catalog = await catalogContent(o.databaseUrl, o.stack.catalogSchema, connectionId);
  r.mails = o.mails().filter((m) => m.to.includes(email) && m.subject.includes('is ready for review')).length;
  const dlq = (await readTopic(o.stack.kafka, o.stack.topics.dlq)).filter((v) =>
    v.toString('utf8').includes(connectionId),
  );
  r.dlq = dlq.length;
  r.dlqSample = dlq.slice(0, 3).map((v) => {
    const x = JSON.parse(v.toString('utf8')) as Record<string, any>;
    return `${x.originTopic} ${x.eventType} ${x.groupId} ${x.reason}: ${JSON.stringify(x.attempts?.at(-1) ?? {}).slice(0, 200)}`;
  });
  r.crashes = o.stack.crashes.slice(crashesBefore);
  return r;
}
