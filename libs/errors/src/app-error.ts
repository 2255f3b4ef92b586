/** Options shared by every AppError. */
export interface AppErrorOptions {
  cause?: unknown;
  /** Whether repeating the same operation later may succeed (drives retries, breakers and DLQ). */
  retryable?: boolean;
  /** Extra fields that are safe to log and to show (never secrets). */
  details?: Record<string, unknown>;
}

/**
 * Base of every error the project raises on purpose. `code` is stable forever once published;
 * fields are enumerable so pino logs them whole.
 */
export class AppError extends Error {
  readonly code: string;
  readonly retryable: boolean;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: string, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retryable = options.retryable ?? false;
    this.details = options.details;
  }

  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      retryable: this.retryable,
      details: this.details,
    };
  }
}

/** The thing asked for does not exist (or belongs to another tenant). */
export class NotFoundError extends AppError {
  constructor(code: string, message: string, options: AppErrorOptions = {}) {
    super(code, message, { ...options, retryable: false });
  }
}

/** The request conflicts with the current state (duplicate, running sync, missing confirmation). */
export class ConflictError extends AppError {
  constructor(code: string, message: string, options: AppErrorOptions = {}) {
    super(code, message, { ...options, retryable: false });
  }
}

/** The caller sent something that can never succeed as it is. */
export class InvalidInputError extends AppError {
  constructor(code: string, message: string, options: AppErrorOptions = {}) {
    super(code, message, { ...options, retryable: false });
  }
}

/** The caller is not allowed to do this. */
export class ForbiddenError extends AppError {
  constructor(code: string, message: string, options: AppErrorOptions = {}) {
    super(code, message, { ...options, retryable: false });
  }
}

/** The caller could not be authenticated. */
export class UnauthorizedError extends AppError {
  constructor(code: string, message: string, options: AppErrorOptions = {}) {
    super(code, message, { ...options, retryable: false });
  }
}

/** A dependency (Okta, Vault, Kafka, Postgres) did not answer usefully; usually worth retrying. */
export class UpstreamUnavailableError extends AppError {
  constructor(code: string, message: string, options: AppErrorOptions = {}) {
    super(code, message, { retryable: true, ...options });
  }
}

/** The caller or we are over a rate limit. */
export class RateLimitedError extends AppError {
  readonly retryAfterMs: number | undefined;
  constructor(code: string, message: string, options: AppErrorOptions & { retryAfterMs?: number } = {}) {
    super(code, message, { retryable: true, ...options });
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** True when an error says repeating the operation may help; unknown errors count as retryable. */
export function isRetryable(error: unknown): boolean {
  if (error instanceof AppError) return error.retryable;
  return true;
}

/** A message for logs and DLQ records that never throws. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
