// A connection's own share of each Okta rate-limit bucket (I2): a tenant admin may lower it so
// Appgov leaves more of the org's buckets to other integrations, within bounds the operator sets.
// It travels in every sync.requested event; ingest applies it to the org's budget in Redis, so
// every replica honours it.
import { InvalidInputError, NotFoundError } from '@appgov/errors';
import type { ConnectionDeps } from './connection.service.js';

/** The operator's bounds of a connection's share (CONNECTION_RATE_LIMIT_SHARE_MIN/MAX). */
export interface RateLimitShareBounds {
  min: number;
  max: number;
}

/** Okta lets a token be held to 5% of a bucket at the least; Appgov's default share is 50%. */
export const DEFAULT_SHARE_BOUNDS: RateLimitShareBounds = { min: 0.05, max: 0.5 };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Sets (or, with null, clears) a connection's share; returns the share now in force. */
export async function setRateLimitShare(
  deps: Pick<ConnectionDeps, 'db' | 'settings'>,
  tenant: string,
  id: string,
  share: number | null,
): Promise<{ rateLimitShare: number | null; bounds: RateLimitShareBounds }> {
  const bounds = deps.settings.rateLimitShare ?? DEFAULT_SHARE_BOUNDS;
  if (share !== null && !(share >= bounds.min && share <= bounds.max))
    throw new InvalidInputError(
      'RATE_LIMIT_SHARE_OUT_OF_BOUNDS',
      `The share must be between ${bounds.min} and ${bounds.max} of each rate-limit bucket.`,
    );
  const notFound = () => new NotFoundError('CONNECTION_NOT_FOUND', 'No such connection.');
  if (!UUID.test(id)) throw notFound();
  const updated = await deps.db
    .updateTable('connections')
    .set({ rate_limit_share: share })
    .where('id', '=', id)
    .where('tenant_id', '=', tenant)
    .where('deleted_at', 'is', null)
    .returning('rate_limit_share')
    .executeTakeFirst();
  if (!updated) throw notFound();
  return { rateLimitShare: updated.rate_limit_share, bounds };
}
