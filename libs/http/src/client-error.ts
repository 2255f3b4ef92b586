import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
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
