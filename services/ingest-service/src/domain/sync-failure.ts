import { AppError, isDependencyOutage } from '@appgov/errors';
import { OktaErrorCode } from '@appgov/okta-client';

/** Failure reason codes of sync.failed (contracts SyncFailureReason). */
export type SyncFailureReason =
  | 'invalid_token'
  | 'org_not_found'
  | 'okta_unavailable'
  | 'rate_limited'
  | 'circuit_open'
  | 'cancelled'
  | 'internal';

/** Why a running job was stopped from outside. */
export class JobStop extends Error {
  constructor(readonly kind: 'cancelled' | 'superseded' | 'shutdown' | 'lease_lost') {
    super(`sync stopped: ${kind}`);
    this.name = 'JobStop';
  }
}

/**
 * True when the sync stopped because a dependency was briefly unreachable, not because of the org or
 * the work: Kafka, Postgres or Redis (isDependencyOutage), or Vault not answering in time (the
 * secrets client's VAULT_UNAVAILABLE: refused, reset, timed out, 5xx or sealed). Such a sync pauses
 * and resumes from its checkpoint; it must never end `internal`. Under CPU starvation a Vault read
 * takes longer than its 5 s timeout long before any other call times out (issue 16's bench runs).
 */
export function isTransientOutage(error: unknown): boolean {
  if (isDependencyOutage(error)) return true;
  return error instanceof AppError && error.code === VAULT_UNAVAILABLE;
}

const VAULT_UNAVAILABLE = 'VAULT_UNAVAILABLE';

/** Maps the error that ended a sync to its reason code and a message safe to publish. */
export function failureOf(error: unknown): { reasonCode: SyncFailureReason; message: string } {
  if (error instanceof JobStop) return { reasonCode: 'cancelled', message: 'The sync was cancelled' };
  if (error instanceof AppError) {
    switch (error.code) {
      case OktaErrorCode.InvalidToken:
        return {
          reasonCode: 'invalid_token',
          message: 'Okta rejected the API token (invalid, expired or revoked)',
        };
      case OktaErrorCode.OrgNotFound:
        return { reasonCode: 'org_not_found', message: 'The Okta org does not exist or does not answer' };
      case OktaErrorCode.RateLimited:
        return { reasonCode: 'rate_limited', message: 'Okta kept answering 429 past the retry budget' };
      case OktaErrorCode.CircuitOpen:
        return {
          reasonCode: 'circuit_open',
          message: 'Calls to this Okta org are paused after repeated failures',
        };
      case OktaErrorCode.Unavailable:
        return { reasonCode: 'okta_unavailable', message: 'Okta could not be reached or kept failing' };
      case OktaErrorCode.InvalidClient:
        return {
          reasonCode: 'invalid_token',
          message: 'Okta refused the OAuth service app (client id, key or app no longer valid)',
        };
      case OktaErrorCode.InvalidScope:
        return {
          reasonCode: 'invalid_token',
          message: 'The OAuth service app is no longer granted the scopes it asks for',
        };
      case OktaErrorCode.DpopRequired:
        return { reasonCode: 'invalid_token', message: 'The OAuth service app now requires DPoP' };
      case OktaErrorCode.InvalidKey:
        return { reasonCode: 'invalid_token', message: 'The stored OAuth private key is not usable' };
      case 'SECRET_NOT_FOUND':
        return { reasonCode: 'invalid_token', message: 'No Okta credential is stored for this connection' };
      default:
        return { reasonCode: 'internal', message: `The sync failed (${error.code})` };
    }
  }
  return { reasonCode: 'internal', message: 'The sync failed unexpectedly' };
}
