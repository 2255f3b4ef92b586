// KAFKA_MANAGE_TOPICS=false (topics owned by a platform team): every service starts listening but
// stays unready, naming the missing topics, and creates none; once the topics exist it becomes ready.

import { topicSpecs } from '@appgov/contracts';
import { createDefaultTopics, createKafka, deleteTopicsWithPrefix, verifyTopics } from '@appgov/kafka';
import { dropSchemasWithPrefix, testEnv, uniqueName, waitFor } from '@appgov/testing';
import { startVaultSimulator } from '@appgov/vault-simulator';
import t from 'tap';
import {
  freeServicePorts,
  migrateService,
  migrationEnv,
  SERVICE_NAMES,
  type ServiceProcess,
  serviceEnv,
  startService,
  startSmtpCatcher,
} from '../src/index.js';

const { KAFKA_BROKERS } = testEnv();
const prefix = uniqueName('e2etopics')
  .toLowerCase()
  .replace(/[^a-z0-9]/g, '');
t.teardown(async () => {
  await deleteTopicsWithPrefix(KAFKA_BROKERS, `${prefix}.`);
  await dropSchemasWithPrefix(`${prefix}_`);
});

const readyz = async (proc: ServiceProcess) => {
  const res = await fetch(`${proc.url}/readyz`);
  return { status: res.status, body: (await res.json()) as { reasons?: Record<string, string> } };
};

t.test('missing topics keep every service unready, naming them; present topics let it start', async (t) => {
  const vault = await startVaultSimulator();
  t.teardown(() => vault.close());
  const smtp = await startSmtpCatcher();
  t.teardown(() => smtp.close());
  const ports = await freeServicePorts();
  const endpoints = {
    runtimeRole: true,
    prefix,
    oktaPort: 1,
    vaultUrl: vault.url,
    vaultToken: vault.rootToken,
    smtpPort: smtp.smtpPort,
    ports,
  };
  for (const name of SERVICE_NAMES) await migrateService(name, migrationEnv(name, endpoints));
  const procs = await Promise.all(
    SERVICE_NAMES.map((name) =>
      startService({
        name,
        port: ports[name],
        env: { ...serviceEnv(name, endpoints), KAFKA_MANAGE_TOPICS: 'false' },
        untilListening: true,
        readyTimeoutMs: 90_000,
      }),
    ),
  );
  t.teardown(async () => {
    for (const proc of procs) await proc.stop();
  });

  const specs = topicSpecs({ prefix: `${prefix}.` });
  for (const proc of procs) {
    const unready = await waitFor(
      async () => {
        const r = await readyz(proc);
        return r.status === 503 && r.body.reasons?.topics?.includes('is missing') ? r : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 250, description: `${proc.name} names its missing topics` },
    );
    t.match(
      unready.body.reasons?.topics,
      `topic ${prefix}.appgov.dlq.v1 is missing`,
      `${proc.name}: /readyz 503 names the missing topics`,
    );
    t.match(proc.output(), /Kafka topics not ready/, `${proc.name} logs what is missing`);
  }
  const admin = createKafka({ clientId: 'topic-management-test', brokers: KAFKA_BROKERS }).admin();
  await admin.connect();
  t.teardown(() => admin.disconnect());
  const created = (await admin.listTopics()).filter((name) => name.startsWith(`${prefix}.`));
  t.same(created, [], 'no service created a topic');

  // The platform team creates them (as the chart's Strimzi KafkaTopic resources would).
  await createDefaultTopics({ KAFKA_BROKERS }, `${prefix}.`);
  t.same(await verifyTopics(admin, specs), []);
  for (const proc of procs) {
    const ready = await waitFor(async () => ((await readyz(proc)).status === 200 ? true : undefined), {
      timeoutMs: 60_000,
      intervalMs: 250,
      description: `${proc.name} ready`,
    });
    t.ok(ready, `${proc.name} becomes ready once its topics exist`);
  }
});
