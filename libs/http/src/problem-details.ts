import { STATUS_CODES } from 'node:http';
import {
  AppError,
  ConflictError,
  ForbiddenError,
  InvalidInputError,
  NotFoundError,
  RateLimitedError,
  UnauthorizedError,
  UpstreamUnavailableError,
} from '@appgov/errors';
import { type Static, Type } from '@sinclair/typebox';

/** The media type of every error response. */
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** RFC 9457 problem details as Appgov sends them; `code` is the stable machine-readable part. */
export const ProblemSchema = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    code: Type.String(),
    detail: Type.String(),
    instance: Type.String(),
    errors: Type.Optional(Type.Array(Type.Object({ path: Type.String(), message: Type.String() }))),
    details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  },
  { $id: 'Problem', additionalProperties: true },
);

/** A problem+json body. */
export type Problem = Static<typeof ProblemSchema>;

/** A problem plus what the handler needs beyond the body. */
export interface ProblemResponse {
  problem: Problem;
  retryAfterSeconds?: number;
}

function statusOf(error: AppError): number {
  if (error instanceof NotFoundError) return 404;
  if (error instanceof ConflictError) return 409;
  if (error instanceof InvalidInputError) return error.details?.status === 422 ? 422 : 400;
  if (error instanceof ForbiddenError) return 403;
  if (error instanceof UnauthorizedError) return 401;
  if (error instanceof UpstreamUnavailableError) return 503;
  if (error instanceof RateLimitedError) return 429;
  return 500;
}

function problemType(code: string): string {
  return `https://appgov.dev/problems/${code.toLowerCase().replace(/_/g, '-')}`;
}

function make(status: number, code: string, detail: string, instance: string): Problem {
  return { type: problemType(code), title: STATUS_CODES[status] ?? 'Error', status, code, detail, instance };
}

interface FastifyLikeError {
  statusCode?: number;
  code?: string;
  message?: string;
  validation?: { instancePath?: string; message?: string; params?: Record<string, unknown> }[];
  validationContext?: string;
}

/**
 * Maps any thrown value to problem details: AppErrors by class, fastify validation errors to 400
 * `VALIDATION_FAILED`, other fastify 4xx errors by their status; 5xx never reveal their message.
 */
export function toProblem(error: unknown, instance: string): ProblemResponse {
  if (error instanceof AppError) {
    const status = statusOf(error);
    if (status >= 500) {
      const detail = status === 503 ? 'A dependency is unavailable; try again later.' : 'Internal error.';
      return { problem: make(status, error.code, detail, instance) };
    }
    const problem = make(status, error.code, error.message, instance);
    const { status: _ignored, ...details } = error.details ?? {};
    if (Object.keys(details).length > 0) problem.details = details;
    const response: ProblemResponse = { problem };
    if (error instanceof RateLimitedError && error.retryAfterMs !== undefined) {
      response.retryAfterSeconds = Math.max(1, Math.ceil(error.retryAfterMs / 1000));
    }
    return response;
  }
  const e = (error ?? {}) as FastifyLikeError;
  if (Array.isArray(e.validation)) {
    const problem = make(400, 'VALIDATION_FAILED', 'The request does not match the schema.', instance);
    problem.errors = e.validation.map((v) => {
      const missing = v.params?.missingProperty;
      const base = `${e.validationContext ?? 'body'}${v.instancePath ?? ''}`;
      return {
        path: typeof missing === 'string' ? `${base}/${missing}` : base,
        message: v.message ?? 'invalid',
      };
    });
    return { problem };
  }
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    const code = e.code?.startsWith('FST_')
      ? `HTTP_${STATUS_CODES[e.statusCode]?.toUpperCase().replace(/\W+/g, '_')}`
      : e.code;
    return { problem: make(e.statusCode, code ?? 'BAD_REQUEST', e.message ?? 'Bad request.', instance) };
  }
  return { problem: make(500, 'INTERNAL_ERROR', 'Internal error.', instance) };
}
