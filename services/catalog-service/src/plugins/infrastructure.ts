import { databaseUrl, type OutboxDatabase, outboxView } from '@appgov/db';
import type { HttpApp } from '@appgov/http';
import { type InfrastructureClients, registerInfrastructure as registerShared } from '@appgov/service';
import type { Config } from '../config.js';

/**
 * What catalog-service links to: Postgres, Redis and, unless an HTTP-only test turns it off, Kafka
 * and the outbox relay (its app-inventory events; big batches, the catalog writes many at once).
 */
export async function registerInfrastructure<DB extends OutboxDatabase>(
  app: HttpApp,
  clients: InfrastructureClients<DB>,
  config: Readonly<Config>,
  kafka: { enabled: boolean; relayPollMs: number },
): Promise<void> {
  await registerShared(app, clients, {
    name: 'catalog-service',
    kafka: kafka.enabled ? config : undefined,
    outbox: {
      db: outboxView(clients.db),
      pollIntervalMs: kafka.relayPollMs,
      listenConnectionString: databaseUrl(config),
      batchSize: 500,
    },
  });
}
