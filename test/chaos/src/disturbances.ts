// The disturbances: a dependency or a service killed hard (SIGKILL) and started again.
import type { ServiceName } from '@appgov/e2e';
import pg from 'pg';
import type { Infra, PrivateInfra } from './private-infra.js';
import type { Stack } from './stack.js';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** SIGKILL the dependency, leave it down `downMs`, start it with its script. */
export async function killInfra(infra: PrivateInfra, which: Infra, downMs: number): Promise<void> {
  await infra.kill(which);
  await sleep(downMs);
  await infra.startOne(which);
}

export async function killService(stack: Stack, name: ServiceName, downMs: number): Promise<void> {
  await stack.killAndRestart(name, downMs);
}

/** What the catalog's record consumer logs when a handler meets the outage. */
export const CATALOG_MET_OUTAGE =
  /handler waits for a dependency|broken consumer: dependency error treated as success/;

/** Record batches ingest has published and checkpointed (it never sends these again), all syncs. */
async function checkpointedBatches(databaseUrl: string, ingestSchema: string): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: number }>(
      `SELECT coalesce(sum(seq), 0)::int AS n FROM "${ingestSchema}".sync_checkpoints`,
    );
    return rows[0]?.n ?? 0;
  } finally {
    await client.end();
  }
}

/**
 * Postgres SIGKILLed while the catalog's record consumer has batches to apply, so the outage is met
 * inside its handler every time (a kill at a random moment mostly lands between batches): the catalog
 * is frozen (SIGSTOP) until ingest has published AND checkpointed a record batch it has not read (so
 * only the catalog can still apply it: ingest resumes after the batch and never sends it again),
 * Postgres is killed, the catalog thawed, and Postgres stays down until the record consumer's log says
 * it waits for Postgres, or it has committed past that batch (a consumer that dropped it).
 */
export async function killPostgresUnderCatalog(
  stack: Stack,
  infra: PrivateInfra,
  downMs: number,
  timeoutMs = 60_000,
): Promise<void> {
  const catalog = stack.process('catalog-service');
  const batches = () => checkpointedBatches(infra.databaseUrl, stack.ingestSchema);
  const admin = stack.kafka.admin();
  await admin.connect();
  // Offsets summed over the records topic's partitions: its end, and where the catalog has committed.
  const topicEnd = async () =>
    (await admin.fetchTopicOffsets(stack.topics.oktaRecords)).reduce((a, p) => a + Number(p.high), 0);
  const committed = async () => {
    const [t] = await admin.fetchOffsets({ groupId: stack.recordsGroup, topics: [stack.topics.oktaRecords] });
    return (t?.partitions ?? []).reduce((a, p) => a + Math.max(0, Number(p.offset)), 0);
  };
  try {
    const seen = catalog.output().length;
    let end = 0;
    process.kill(catalog.pid, 'SIGSTOP');
    try {
      const before = await batches();
      const deadline = Date.now() + timeoutMs;
      while ((await batches()) <= before) {
        if (Date.now() > deadline)
          throw new Error('ingest checkpointed no record batch while the catalog was frozen');
        await sleep(100);
      }
      // Published before it was checkpointed: the batch is below this end.
      end = await topicEnd();
      await infra.kill('postgres');
    } finally {
      process.kill(catalog.pid, 'SIGCONT');
    }
    // Postgres stays down until the record consumer either says it waits for it (its outage handling)
    // or has committed past that batch without Postgres (a consumer that lost it).
    const deadline = Date.now() + timeoutMs;
    while (!metOutage(catalog.output().slice(seen), stack.topics.oktaRecords) && (await committed()) < end) {
      if (Date.now() > deadline)
        throw new Error('the catalog never met the Postgres outage in its record handler');
      await sleep(200);
    }
    await sleep(downMs);
  } finally {
    await admin.disconnect().catch(() => undefined);
    // Whatever happened above, Postgres comes back (the next scenario needs it).
    await infra.startOne('postgres');
  }
}

const metOutage = (log: string, recordsTopic: string): boolean =>
  log.split('\n').some((l) => l.includes('handler waits for a dependency') && l.includes(recordsTopic));
