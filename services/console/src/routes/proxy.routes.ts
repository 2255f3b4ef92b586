import { NotFoundError, UpstreamUnavailableError } from '@appgov/errors';
import { type HttpApp, PROBLEM_CONTENT_TYPE, toProblem } from '@appgov/http';
import replyFrom from '@fastify/reply-from';
import type {} from '@fastify/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { requireSession } from '../plugins/session.plugin.js';
import type { RouteDeps } from './route-deps.js';

/** `/api/<upstream>/...` → the service; the SPA's generated clients use these as base URLs. */
export const UPSTREAMS = ['connection', 'catalog', 'notification'] as const;
export type Upstream = (typeof UPSTREAMS)[number];

/** The services' own body limit (fastify's 1 MiB default); larger bodies stop here. */
const MAX_BODY_BYTES = 1024 * 1024;

/** What is forwarded: the versioned API and the OpenAPI document, nothing else (no /metrics). */
const FORWARDED_PATH = /^\/(v1\/[^?#]*|docs\/json)$/;

// Request headers the services may see: never the browser's cookies or CSRF token.
const REQUEST_HEADERS = [
  'accept',
  'content-type',
  'content-length',
  'idempotency-key',
  'if-none-match',
  'last-event-id',
];

export function upstreamBase(config: RouteDeps['config'], upstream: Upstream): string {
  return {
    connection: config.CONNECTION_SERVICE_URL,
    catalog: config.CATALOG_SERVICE_URL,
    notification: config.NOTIFICATION_SERVICE_URL,
  }[upstream];
}

function sendProblem(request: FastifyRequest, reply: FastifyReply, error: unknown) {
  const { problem } = toProblem(error, request.url.split('?')[0] ?? '');
  return reply.code(problem.status).type(PROBLEM_CONTENT_TYPE).send(problem);
}

/**
 * Forwards `/api/{connection,catalog,notification}/<path>` to that service's `/<path>` with the
 * signed-in user's access token as `Authorization: Bearer`; the services verify it (JWKS) and
 * enforce tenant and roles. Bodies pass through unparsed; answers (problem+json included) come back
 * as the service sent them.
 */
export async function registerProxyRoutes(app: HttpApp, deps: RouteDeps): Promise<void> {
  await app.register(async (scope) => {
    // Bodies pass through as the caller's byte stream (reply-from would re-encode a parsed or
    // buffered JSON body); the services validate them and enforce their own size limits.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
    await scope.register(replyFrom, {
      undici: { headersTimeout: deps.config.UPSTREAM_TIMEOUT_MS, bodyTimeout: 0 },
      // A POST is not retried (it may have taken effect); the services' Idempotency-Key covers that.
      retryMethods: ['GET', 'HEAD', 'OPTIONS'],
      disableRequestLogging: true,
    });
    for (const upstream of UPSTREAMS) {
      const base = upstreamBase(deps.config, upstream);
      scope.all(`/api/${upstream}/*`, { schema: { hide: true } }, async (request, reply) => {
        const session = requireSession(request);
        const [pathPart = '', query] = request.url.slice(`/api/${upstream}`.length).split(/\?(.*)/s);
        if (!FORWARDED_PATH.test(pathPart) || pathPart.includes('..')) {
          return sendProblem(
            request,
            reply,
            new NotFoundError('ROUTE_NOT_FOUND', `No route ${request.method} ${request.url.split('?')[0]}.`),
          );
        }
        if (Number(request.headers['content-length'] ?? 0) > MAX_BODY_BYTES) {
          return sendProblem(request, reply, {
            statusCode: 413,
            code: 'CONSOLE_BODY_TOO_LARGE',
            message: 'The request body is too large.',
          });
        }
        const target = `${base}${pathPart}${query ? `?${query}` : ''}`;
        return reply.from(target, {
          rewriteRequestHeaders: (_req, headers) => {
            const out: Record<string, string | string[] | undefined> = {};
            for (const name of REQUEST_HEADERS) if (headers[name] !== undefined) out[name] = headers[name];
            out.authorization = `Bearer ${session.accessToken}`;
            out['x-request-id'] = request.id;
            return out;
          },
          rewriteHeaders: (headers) => {
            const { 'set-cookie': _dropped, connection: _c, 'keep-alive': _k, ...rest } = headers;
            return rest;
          },
          onError: (r, { error }) => {
            request.log.warn({ upstream, err: { message: error.message } }, 'upstream unavailable');
            return sendProblem(
              request,
              r as unknown as FastifyReply,
              new UpstreamUnavailableError(
                'CONSOLE_UPSTREAM_UNAVAILABLE',
                `${upstream}-service is not answering.`,
              ),
            );
          },
        });
      });
    }
  });
}
