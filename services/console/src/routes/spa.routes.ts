import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type HttpApp, PROBLEM_CONTENT_TYPE, toProblem } from '@appgov/http';
import fastifyStatic from '@fastify/static';
import type {} from '@fastify/swagger';
import type { FastifyReply } from 'fastify';

const PLACEHOLDER = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Appgov</title></head>
<body><main><h1>Appgov console</h1><p>The web app is not built yet (services/console/web/dist).</p>
<p><a href="/auth/login">Sign in</a></p></main></body></html>`;

// The SPA's own files only ('self'); no CDN at run time (U5).
const CSP =
  "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; connect-src 'self'; " +
  "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

/**
 * Serves the built single-page app from `distDir` (hashed assets cached for a year, index.html never)
 * and answers every other GET outside `/api` and `/auth` with index.html, so client-side routes load.
 * Without a build it serves a placeholder page.
 */
export async function registerSpaRoutes(app: HttpApp, distDir: string): Promise<void> {
  const built = existsSync(join(distDir, 'index.html'));
  app.addHook('onSend', async (request, reply, payload) => {
    const path = request.url.split('?')[0] ?? '';
    if (!path.startsWith('/api/')) {
      reply.header('content-security-policy', CSP);
      reply.header('x-frame-options', 'DENY');
    }
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'same-origin');
    return payload;
  });
  if (built) {
    await app.register(fastifyStatic, {
      root: distDir,
      wildcard: false,
      index: false,
      setHeaders: (reply: FastifyReply, file: string) => {
        reply.header(
          'cache-control',
          file.includes(`${join(distDir, 'assets')}`) ? 'public, max-age=31536000, immutable' : 'no-cache',
        );
      },
    });
  }
  const sendIndex = async (reply: FastifyReply) => {
    if (!built)
      return reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(PLACEHOLDER);
    return reply.header('cache-control', 'no-cache').sendFile('index.html');
  };
  app.get('/', { schema: { hide: true } }, (_request, reply) => sendIndex(reply));
  // Client-side routes: any other GET for a page (static routes and /api, /auth win over `/*`).
  app.get('/*', { schema: { hide: true } }, (request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    const isPage =
      !path.startsWith('/api/') &&
      !path.startsWith('/auth/') &&
      !/\.[a-z0-9]+$/i.test(path) &&
      (request.headers.accept ?? '').includes('text/html');
    if (isPage) return sendIndex(reply);
    const { problem } = toProblem(
      { statusCode: 404, code: 'ROUTE_NOT_FOUND', message: `No route ${request.method} ${path}.` },
      path,
    );
    return reply.code(404).type(PROBLEM_CONTENT_TYPE).send(problem);
  });
}
