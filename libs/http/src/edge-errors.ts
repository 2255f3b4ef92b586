import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PROBLEM_CONTENT_TYPE } from './problem-details.js';

/** What Node's HTTP parser refuses before fastify sees a request, as the status it answers. */
function statusOf(code: string | undefined): { status: number; code: string; detail: string } {
  if (code === 'HPE_HEADER_OVERFLOW') {
    return { status: 431, code: 'HEADERS_TOO_LARGE', detail: 'The request line or headers are too large.' };
  }
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    return { status: 408, code: 'REQUEST_TIMEOUT', detail: 'The request took too long to arrive.' };
  }
  return { status: 400, code: 'MALFORMED_REQUEST', detail: 'The request could not be parsed.' };
}

/**
 * Fastify's clientErrorHandler: answers a request Node's parser refused (431 for an over-long
 * request line or headers, 400 for a malformed one) with problem+json like every other error,
 * where fastify's default writes a plain application/json body the documents do not declare.
 */
export function problemClientErrorHandler(err: Error & { code?: string }, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const { status, code, detail } = statusOf(err.code);
  const body = JSON.stringify({
    type: `https://appgov.dev/problems/${code.toLowerCase().replace(/_/g, '-')}`,
    title: STATUS_CODES[status] ?? 'Error',
    status,
    code,
    detail,
    instance: '',
  });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}

/**
 * Fastify's frameworkErrors: a path parameter beyond maxParamLength (414) or a path that is not
 * valid percent-encoding (400), refused by the router before any route runs, answered as
 * problem+json (fastify's default writes application/json and quotes the whole path).
 */
export function problemFrameworkErrors(
  error: Error & { code?: string; statusCode?: number },
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  const status =
    error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 414 : error.code === 'FST_ERR_BAD_URL' ? 400 : 503;
  const code =
    status === 414
      ? 'PATH_PARAMETER_TOO_LONG'
      : status === 400
        ? 'MALFORMED_URL'
        : 'ROUTE_CONSTRAINT_UNAVAILABLE';
  const detail =
    status === 414
      ? 'A path parameter is longer than any id.'
      : status === 400
        ? 'The path is not valid percent-encoding.'
        : 'The request could not be routed; try again later.';
  void reply
    .code(status)
    .type(PROBLEM_CONTENT_TYPE)
    .send({
      type: `https://appgov.dev/problems/${code.toLowerCase().replace(/_/g, '-')}`,
      title: STATUS_CODES[status] ?? 'Error',
      status,
      code,
      detail,
      instance: (request.url.split('?')[0] ?? '').slice(0, 200),
    });
}
