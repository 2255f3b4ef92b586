import { trace } from '@opentelemetry/api';
import { type Logger, type LoggerOptions, pino } from 'pino';
import { isSecretKey, REDACTED, redactDeep, redactSecrets } from './redact.js';

const TOP_LEVEL_SECRET_PATHS = [
  'token',
  'apiToken',
  'oktaToken',
  'accessToken',
  'refreshToken',
  'vaultToken',
  'password',
  'secret',
  'clientSecret',
  'privateKey',
  'apiKey',
  'authorization',
  'cookie',
  '["x-vault-token"]',
];

/** Options of {@link createLogger}. */
export interface CreateLoggerOptions {
  /** Service or component name, logged as `name`. */
  name: string;
  /** pino level; defaults to `LOG_LEVEL` or `info`. */
  level?: string;
  /** Where lines go (tests pass a stream to read them); defaults to stdout. */
  destination?: NodeJS.WritableStream;
  /** Extra fields bound to every line. */
  base?: Record<string, unknown>;
}

/** The project's logger type (pino). */
export type AppLogger = Logger;

/**
 * A pino JSON logger whose output never carries secrets: values of secret-bearing keys are
 * replaced at any depth and `SSWS`/`Bearer` credentials are masked inside every line; lines carry
 * `trace_id`/`span_id` when a span is active.
 */
export function createLogger(options: CreateLoggerOptions): AppLogger {
  const config: LoggerOptions = {
    name: options.name,
    level: options.level ?? process.env.LOG_LEVEL ?? 'info',
    base: { ...(options.base ?? {}) },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: {
      level: (label) => ({ level: label }),
      bindings: (bindings) => redactDeep(bindings) as Record<string, unknown>,
      log: (object) => redactDeep(object) as Record<string, unknown>,
    },
    // pino skips the bindings formatter for children, so child bindings are masked here: every
    // top-level value is deep-redacted ('*' hides the key name), and common secret keys are named.
    redact: {
      paths: ['*', ...TOP_LEVEL_SECRET_PATHS],
      censor: (value, path) => {
        const key = path[path.length - 1];
        return typeof key === 'string' && isSecretKey(key) ? REDACTED : redactDeep(value);
      },
    },
    mixin() {
      const ctx = trace.getActiveSpan()?.spanContext();
      if (!ctx || !trace.isSpanContextValid(ctx)) return {};
      return { trace_id: ctx.traceId, span_id: ctx.spanId };
    },
    // Last line of defence: credentials in messages, error stacks or serialized requests.
    hooks: { streamWrite: (line) => redactSecrets(line) },
  };
  return options.destination ? pino(config, options.destination as pino.DestinationStream) : pino(config);
}
