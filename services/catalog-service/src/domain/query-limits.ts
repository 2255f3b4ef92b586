// Finding 9 (SPEC S2): one tenant's slow queries must not hold the catalog's pool for everyone.
// Every query-API transaction gets a statement timeout, and a pool that stays saturated beyond the
// acquire timeout answers 503 instead of queueing requests without bound.
import { UpstreamUnavailableError } from '@appgov/errors';
import type { Kysely } from 'kysely';

/** Default statement timeout of a query-API transaction. */
export const DEFAULT_QUERY_TIMEOUT_MS = 5000;

const timeouts = new WeakMap<Kysely<any>, number>();

/** Sets the statement timeout of the query-API transactions run on `db`. */
export function setQueryTimeout(db: Kysely<any>, ms: number): void {
  timeouts.set(db, ms);
}

/** The statement timeout of the query-API transactions run on `db`, in ms. */
export function queryTimeoutOf(db: Kysely<any>): number {
  return timeouts.get(db) ?? DEFAULT_QUERY_TIMEOUT_MS;
}

/** Maps a statement timeout (57014) or a pool acquire timeout to a 503 with a stable code. */
export function mapQueryLimitError(error: unknown): unknown {
  const e = error as { code?: unknown; message?: unknown } | null;
  if (e?.code === '57014') {
    return new UpstreamUnavailableError('CATALOG_QUERY_TIMEOUT', 'The query took too long; narrow it down.', {
      cause: error,
    });
  }
  if (typeof e?.message === 'string' && /timeout exceeded when trying to connect/i.test(e.message)) {
    return new UpstreamUnavailableError('CATALOG_BUSY', 'The catalog is busy; try again shortly.', {
      cause: error,
    });
  }
  return error;
}
