import type { Registry } from '@appgov/telemetry';
import type { FastifyInstance } from 'fastify';

/** What `/readyz` runs. */
export interface HealthOptions {
  registry: Registry;
  readiness: Record<string, () => Promise<unknown>>;
  timeoutMs: number;
}

async function withTimeout(check: () => Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** `/healthz` (the process answers), `/readyz` (every dependency answers in time), `/metrics`. */
export function registerHealthRoutes(
  app: FastifyInstance<any, any, any, any, any>,
  options: HealthOptions,
): void {
  app.get('/healthz', { schema: { hide: true }, logLevel: 'warn' }, async () => ({ status: 'ok' }));

  app.get('/readyz', { schema: { hide: true }, logLevel: 'warn' }, async (request, reply) => {
    const names = Object.keys(options.readiness);
    const results = await Promise.allSettled(
      names.map((name) => withTimeout(options.readiness[name] as () => Promise<unknown>, options.timeoutMs)),
    );
    const checks: Record<string, string> = {};
    const failing: string[] = [];
    // Only errors marked `expose` (e.g. which Kafka topics are missing) say why; others may hold
    // connection details.
    const reasons: Record<string, string> = {};
    results.forEach((result, i) => {
      const name = names[i] as string;
      checks[name] = result.status === 'fulfilled' ? 'ok' : 'failed';
      if (result.status === 'rejected') {
        failing.push(name);
        if ((result.reason as { expose?: unknown } | null)?.expose === true) {
          reasons[name] = String((result.reason as Error).message);
        }
        request.log.warn({ check: name, err: result.reason }, 'readiness check failed');
      }
    });
    if (failing.length > 0) {
      const body = { status: 'unavailable', failing, checks };
      return reply.code(503).send(Object.keys(reasons).length > 0 ? { ...body, reasons } : body);
    }
    return { status: 'ok', checks };
  });

  app.get('/metrics', { schema: { hide: true }, logLevel: 'warn' }, async (_request, reply) => {
    const body = await options.registry.metrics();
    return reply.type(options.registry.contentType).send(body);
  });
}
