import { pingDb } from '@appgov/db';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Kysely } from 'kysely';

/**
 * What the skeleton needs of a service's kysely handle: a way to run `select 1` and to close it.
 * Services keep their typed `Kysely<Database>` themselves; this library serves every schema.
 */
export type DbHandle = Pick<Kysely<unknown>, 'getExecutor' | 'destroy'>;

declare module 'fastify' {
  interface FastifyInstance {
    db: DbHandle;
  }
}

/** `appgov-db`: the kysely handle, its `postgres` readiness check, destroyed on close. */
export const dbPlugin = fp<{ db: DbHandle }>(
  async (app: FastifyInstance, { db }) => {
    app.decorate('db', db);
    app.addReadinessCheck('postgres', () => pingDb(db));
    app.addHook('onClose', async () => db.destroy());
  },
  { name: 'appgov-db', fastify: '5.x', dependencies: ['appgov-readiness'] },
);
