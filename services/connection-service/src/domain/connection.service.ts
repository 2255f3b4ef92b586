import type { TopicId } from '@appgov/contracts';
import { ConflictError, NotFoundError } from '@appgov/errors';
import type { OktaClientFactory } from '@appgov/okta-client';
import type { SecretStore } from '@appgov/secrets';
import type { Clock } from '@appgov/service';
import type { AppLogger } from '@appgov/telemetry';
import type { Kysely } from 'kysely';
import type { Database } from './connection.table.js';
import type { StaleThresholds } from './connection.view.js';
import type { RateLimitShareBounds } from './rate-limit-share.js';

// What every connection use case shares: its dependencies, the caller and the common errors. The
// use cases themselves are in `connection-lifecycle.ts`, `connection-queries.ts`,
// `connection-syncs.ts`, `operator-status.ts` and `tenant-settings.ts`.

/** Everything the connection use cases need; tests inject the clock and random source. */
export interface ConnectionDeps {
  db: Kysely<Database>;
  secrets: SecretStore;
  okta: OktaClientFactory;
  topics: Readonly<Record<TopicId, string>>;
  clock: Clock;
  random: () => number;
  logger: AppLogger;
  settings: {
    allowCustomDomains: boolean;
    syncIntervalSeconds: number;
    jitterRatio: number;
    stale: StaleThresholds;
    /** Bounds of a connection's own rate-limit share (default 0.05–0.5). */
    rateLimitShare?: RateLimitShareBounds;
    /** Finding 11: live connections a tenant may hold (default 100). */
    maxConnectionsPerTenant?: number;
  };
}

/** The caller as the JWT names them. */
export interface Actor {
  tenant: string;
  sub: string;
  email: string | undefined;
}

/** The actor as events name them. */
export const actorOf = (a: Actor) => ({ sub: a.sub, email: a.email ?? a.sub });

/** 409 `confirmation_required` (C8, C9): the code is the one SPEC section 2 names. */
export function confirmationRequired(what: string): ConflictError {
  return new ConflictError('confirmation_required', `${what} needs explicit confirmation (confirm: true).`);
}

export function notFound(): NotFoundError {
  return new NotFoundError('CONNECTION_NOT_FOUND', 'No such connection.');
}

/** A connection id that is not a UUID names no connection: 404 before any query. */
export function requireConnectionId(id: string): void {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) throw notFound();
}
