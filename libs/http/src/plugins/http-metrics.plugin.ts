import { defineHistogram, type Registry } from '@appgov/telemetry';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * `appgov-http-metrics`: `appgov_http_request_duration_seconds` by route template (never the raw
 * URL: bounded cardinality), method and status.
 */
export const httpMetricsPlugin = fp<{ registry: Registry }>(
  async (app: FastifyInstance, { registry }) => {
    const duration = defineHistogram(registry, {
      name: 'appgov_http_request_duration_seconds',
      help: 'HTTP request duration by route template, method and status',
      labelNames: ['route', 'method', 'status'],
      buckets: DURATION_BUCKETS,
    });
    app.addHook('onResponse', async (request, reply) => {
      duration.observe(
        {
          route: request.routeOptions.url ?? 'unmatched',
          method: request.method,
          status: String(reply.statusCode),
        },
        reply.elapsedTime / 1000,
      );
    });
  },
  { name: 'appgov-http-metrics', fastify: '5.x' },
);
