import { databaseUrl, type OutboxDatabase, outboxView } from '@appgov/db';
import type { HttpApp } from '@appgov/http';
import {
  type InfrastructureClients,
  type OutboxRelayPluginOptions,
  registerInfrastructure as registerShared,
} from '@appgov/service';
import type { Config } from '../config.js';

/** What connection-service links to: Postgres, Redis, Kafka and the outbox relay (its connection events). */
export async function registerInfrastructure<DB extends OutboxDatabase>(
  app: HttpApp,
  clients: InfrastructureClients<DB>,
  config: Readonly<Config>,
  wrapSend?: OutboxRelayPluginOptions['wrapSend'],
): Promise<void> {
  await registerShared(app, clients, {
    name: 'connection-service',
    kafka: config,
    outbox: {
      db: outboxView(clients.db),
      pollIntervalMs: config.OUTBOX_POLL_MS,
      maxBackoffMs: 10_000,
      listenConnectionString: databaseUrl(config),
      wrapSend,
    },
  });
}
