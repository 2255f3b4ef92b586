import type { HttpApp } from '@appgov/http';
import { type InfrastructureClients, registerInfrastructure as registerShared } from '@appgov/service';
import type { Config } from '../config.js';

/** What notification-service links to: Postgres, Redis and Kafka (it consumes only: no outbox). */
export async function registerInfrastructure<DB>(
  app: HttpApp,
  clients: InfrastructureClients<DB>,
  config: Readonly<Config>,
): Promise<void> {
  await registerShared(app, clients, { name: 'notification-service', kafka: config });
}
