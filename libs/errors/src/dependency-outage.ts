import { AppError } from './app-error.js';

// Socket and Postgres codes that mean "the dependency went away", not "this input is wrong":
// 57P01-03 admin shutdown / crash shutdown / cannot connect now, 53300 too many connections,
// class 08 connection exceptions.
const GONE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  '57P01',
  '57P02',
  '57P03',
  '53300',
]);

/**
 * True when an error says that Kafka, Postgres or Redis is unreachable (SPEC §11), not that the work
 * itself is wrong: such work waits for the dependency instead of failing or going to a DLQ. AppErrors
 * never count (the project's own classification wins; an Okta outage is an AppError); plain errors
 * are recognised by the clients' names and codes (kafkajs, node-postgres, ioredis), through `cause`.
 */
export function isDependencyOutage(error: unknown): boolean {
  let e: unknown = error;
  for (let depth = 0; depth < 5 && e instanceof Error; depth++) {
    if (e instanceof AppError) return false;
    const { name, message } = e;
    const code = (e as { code?: unknown }).code;
    // kafkajs: retries used up, the broker unreachable, or a retriable protocol error.
    if (name === 'KafkaJSNumberOfRetriesExceeded' || name === 'KafkaJSConnectionError') return true;
    if (name.startsWith('KafkaJS') && (e as { retriable?: unknown }).retriable === true) return true;
    if (typeof code === 'string' && (GONE_CODES.has(code) || /^08[0-9A-Z]{3}$/.test(code))) return true;
    // node-postgres: the socket closed under a query, the pool could not connect in time, or a
    // client that lost its connection is used again (a ROLLBACK after Postgres went away).
    if (
      /^Connection terminated/.test(message) ||
      /^timeout exceeded when trying to connect/.test(message) ||
      /has encountered a connection error and is not queryable/.test(message)
    )
      return true;
    // ioredis: the connection dropped, or commands queued while offline ran out of retries.
    if (name === 'MaxRetriesPerRequestError' || message === 'Connection is closed.') return true;
    e = (e as { cause?: unknown }).cause ?? (e as { originalError?: unknown }).originalError;
  }
  return false;
}
