// The disturbances: a dependency or a service killed hard (SIGKILL) and started again.
import type { ServiceName } from '@appgov/e2e';
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

/**
 * Postgres SIGKILLed while the catalog's record consumer has batches to apply, so the outage is met
 * inside its handler every time (a kill at a random moment mostly lands between batches): the catalog
 * is frozen (SIGSTOP) until ingest has published records it has not read, Postgres is killed, the
 * catalog thawed, and Postgres stays down until the catalog's log shows its handler met the outage.
 */
export async function killPostgresUnderCatalog(
  stack: Stack,
  infra: PrivateInfra,
  downMs: number,
  timeoutMs = 60_000,
): Promise<void> {
  const catalog = stack.process('catalog-service');
  const admin = stack.kafka.admin();
  await admin.connect();
  const end = async () =>
    (await admin.fetchTopicOffsets(stack.topics.oktaRecords)).reduce((a, p) => a + Number(p.high), 0);
  try {
    const before = await end();
    const seen = catalog.output().length;
    process.kill(catalog.pid, 'SIGSTOP');
    try {
      const deadline = Date.now() + timeoutMs;
      while ((await end()) <= before) {
        if (Date.now() > deadline)
          throw new Error('ingest published no record batch while the catalog was frozen');
        await sleep(200);
      }
      await infra.kill('postgres');
    } finally {
      process.kill(catalog.pid, 'SIGCONT');
    }
    const deadline = Date.now() + timeoutMs;
    while (!CATALOG_MET_OUTAGE.test(catalog.output().slice(seen))) {
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
