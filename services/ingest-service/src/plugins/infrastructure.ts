import { databaseUrl, type OutboxDatabase, outboxView } from '@appgov/db';
import type { HttpApp } from '@appgov/http';
import { type InfrastructureClients, registerInfrastructure as registerShared } from '@appgov/service';
import type { Config } from '../config.js';

/** What ingest-service links to: Postgres, Redis, Kafka and the outbox relay (sync status events). */
export async function registerInfrastructure<DB extends OutboxDatabase>(
  app: HttpApp,
  clients: InfrastructureClients<DB>,
  config: Readonly<Config>,
): Promise<void> {
  await registerShared(app, clients, {
    name: 'ingest-service',
    kafka: config,
    outbox: {
      db: outboxView(clients.db),
      pollIntervalMs: config.OUTBOX_POLL_MS,
      listenConnectionString: databaseUrl(config),
    },
  });
}
