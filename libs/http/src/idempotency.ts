import { createHash } from 'node:crypto';
import { ConflictError, InvalidInputError } from '@appgov/errors';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';

/** The request header carrying the client's idempotency key. */
export const IDEMPOTENCY_HEADER = 'idempotency-key';

interface InFlight {
  state: 'in-flight';
  fingerprint: string;
}
interface Done {
  state: 'done';
  fingerprint: string;
  status: number;
  contentType: string | undefined;
  body: string;
}
/** A response marked `Cache-Control: no-store` (a one-time secret): only that it happened is kept. */
interface DoneNotStored {
  state: 'done-not-stored';
  fingerprint: string;
  status: number;
}

/** How long a stored response is replayed, and how long an unfinished request blocks its key. */
export interface IdempotencyOptions {
  ttlMs?: number;
  inFlightTtlMs?: number;
}

const pending = new WeakMap<FastifyRequest, { key: string; fingerprint: string }>();

function fingerprintOf(request: FastifyRequest): string {
  return createHash('sha256')
    .update(request.method)
    .update('\0')
    .update(request.url)
    .update('\0')
    .update(JSON.stringify(request.body ?? null))
    .digest('hex');
}

/**
 * preHandler for POSTs with an Idempotency-Key: the first request runs and its response is
 * stored per tenant and key; a repeat with the same body replays it, a repeat with another body
 * is 422 `IDEMPOTENCY_KEY_REUSED`, a repeat while the first still runs is 409.
 */
export function idempotencyPreHandler(redis: Redis, keyPrefix: string, options: IdempotencyOptions = {}) {
  const inFlightTtlMs = options.inFlightTtlMs ?? 60_000;
  return async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
    const header = request.headers[IDEMPOTENCY_HEADER];
    if (request.method !== 'POST' || typeof header !== 'string' || header === '') return undefined;
    if (header.length > 255) {
      throw new InvalidInputError(
        'IDEMPOTENCY_KEY_INVALID',
        'Idempotency-Key must be at most 255 characters.',
      );
    }
    const tenant = request.auth?.tenant ?? 'anonymous';
    // Finding 4: per caller, not per tenant, so one admin can never replay another's response.
    const caller = createHash('sha256')
      .update(`${request.auth?.sub ?? ''}\0${header}`)
      .digest('hex');
    const key = `${keyPrefix}idempotency:${tenant}:${caller}`;
    const fingerprint = fingerprintOf(request);
    const marker: InFlight = { state: 'in-flight', fingerprint };
    const claimed = await redis.set(key, JSON.stringify(marker), 'PX', inFlightTtlMs, 'NX');
    if (claimed === 'OK') {
      pending.set(request, { key, fingerprint });
      return undefined;
    }
    const raw = await redis.get(key);
    if (raw === null) {
      // Expired between SET NX and GET: let this request take the key.
      pending.set(request, { key, fingerprint });
      await redis.set(key, JSON.stringify(marker), 'PX', inFlightTtlMs);
      return undefined;
    }
    const stored = JSON.parse(raw) as InFlight | Done | DoneNotStored;
    if (stored.fingerprint !== fingerprint) {
      throw new InvalidInputError(
        'IDEMPOTENCY_KEY_REUSED',
        'This Idempotency-Key was already used with a different request.',
        { details: { status: 422 } },
      );
    }
    if (stored.state === 'in-flight') {
      throw new ConflictError(
        'IDEMPOTENCY_REQUEST_IN_PROGRESS',
        'A request with this Idempotency-Key is still running.',
      );
    }
    if (stored.state === 'done-not-stored') {
      throw new ConflictError(
        'IDEMPOTENCY_RESPONSE_NOT_REPLAYED',
        'A request with this Idempotency-Key already succeeded; its response held a secret shown only once.',
        { details: { originalStatus: stored.status } },
      );
    }
    reply.code(stored.status).header('idempotent-replayed', 'true');
    if (stored.contentType) reply.header('content-type', stored.contentType);
    return reply.send(stored.body);
  };
}

/** onSend hook: stores the response of a claimed key (and frees the key after a 5xx so it can be retried). */
export function idempotencyOnSend(redis: Redis, options: IdempotencyOptions = {}) {
  const ttlMs = options.ttlMs ?? 24 * 60 * 60 * 1000;
  return async (request: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<unknown> => {
    const claim = pending.get(request);
    if (!claim) return payload;
    pending.delete(request);
    if (reply.statusCode >= 500 || (typeof payload !== 'string' && !Buffer.isBuffer(payload))) {
      await redis.del(claim.key);
      return payload;
    }
    const cacheControl = String(reply.getHeader('cache-control') ?? '');
    if (/\bno-store\b/i.test(cacheControl)) {
      const marker: DoneNotStored = {
        state: 'done-not-stored',
        fingerprint: claim.fingerprint,
        status: reply.statusCode,
      };
      await redis.set(claim.key, JSON.stringify(marker), 'PX', ttlMs);
      return payload;
    }
    const contentType = reply.getHeader('content-type');
    const done: Done = {
      state: 'done',
      fingerprint: claim.fingerprint,
      status: reply.statusCode,
      contentType: typeof contentType === 'string' ? contentType : undefined,
      body: payload.toString(),
    };
    await redis.set(claim.key, JSON.stringify(done), 'PX', ttlMs);
    return payload;
  };
}
