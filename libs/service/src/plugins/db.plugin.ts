import { pingDb } from '@appgov/db';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Kysely } from 'kysely';

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * The service's kysely handle, untyped: this library serves every schema (like libs/db's relay);
     * services keep their typed handle themselves.
     */
    db: Kysely<any>;
  }
}

/** `appgov-db`: the kysely handle, its `postgres` readiness check, destroyed on close. */
export const dbPlugin = fp<{ db: Kysely<any> }>(
  async (app: FastifyInstance, { db }) => {
    app.decorate('db', db);
    app.addReadinessCheck('postgres', () => pingDb(db));
    app.addHook('onClose', async () => db.destroy());
  },
  { name: 'appgov-db', fastify: '5.x', dependencies: ['appgov-readiness'] },
);
