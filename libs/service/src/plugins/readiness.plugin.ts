import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

/** A readiness check: resolves when the dependency answers. */
export type ReadinessCheck = () => Promise<unknown>;

declare module 'fastify' {
  interface FastifyInstance {
    /** Adds the `/readyz` check of one dependency (each infrastructure plugin adds its own). */
    addReadinessCheck(name: string, check: ReadinessCheck): void;
    /**
     * Ends the `started` check: called as the last step of a service's `start()`. Processes listen
     * before they start, so `/readyz` can say what a start waits for.
     */
    markStarted(): void;
  }
}

/** Options of {@link readinessPlugin}: the record `/readyz` runs (the one given to `buildHttpApp`). */
export interface ReadinessPluginOptions {
  checks: Record<string, ReadinessCheck>;
}

/** `appgov-readiness`: one `/readyz` check per dependency, registered by the plugin that owns it. */
export const readinessPlugin = fp<ReadinessPluginOptions>(
  async (app: FastifyInstance, options) => {
    app.decorate('addReadinessCheck', (name: string, check: ReadinessCheck) => {
      if (options.checks[name]) throw new Error(`readiness check ${name} is registered twice`);
      options.checks[name] = check;
    });
    let started = false;
    app.decorate('markStarted', () => {
      started = true;
    });
    app.addReadinessCheck('started', async () => {
      if (!started) throw Object.assign(new Error('starting'), { expose: true });
    });
  },
  { name: 'appgov-readiness', fastify: '5.x' },
);
