// The org authorization server's token endpoint for OAuth 2.0 service apps ("OAuth for Okta"):
// client_credentials with a private_key_jwt client assertion, as
// developer.okta.com/docs/guides/implement-oauth-for-okta-serviceapp describes it. Only the org
// authorization server (/oauth2/v1/token) mints tokens with okta.* scopes.
import { createPublicKey, type JsonWebKey, verify } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { oktaError } from './errors.js';
import { sleep } from './faults.js';
import type { ServiceAppRecord } from './model.js';
import type { OrgRuntime } from './org.js';
import type { OktaSimulator } from './simulator.js';

export const TOKEN_PATH = '/oauth2/v1/token';
const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
/** Okta: the assertion's exp may be at most one hour ahead; a little clock skew is tolerated. */
const MAX_ASSERTION_LIFETIME_S = 3600;
const CLOCK_SKEW_S = 60;

const ALGORITHMS: Record<string, { hash: string; kty: 'RSA' | 'EC'; crv?: string }> = {
  RS256: { hash: 'sha256', kty: 'RSA' },
  RS384: { hash: 'sha384', kty: 'RSA' },
  RS512: { hash: 'sha512', kty: 'RSA' },
  ES256: { hash: 'sha256', kty: 'EC', crv: 'P-256' },
  ES384: { hash: 'sha384', kty: 'EC', crv: 'P-384' },
  ES512: { hash: 'sha512', kty: 'EC', crv: 'P-521' },
};

/** Counters of the token endpoint per org (kept apart from the /api/v1 request counts). */
export interface OAuthStats {
  tokenRequests: number;
  issued: number;
  /** Refusals by OAuth error code (invalid_client, invalid_scope, ...). */
  errors: Record<string, number>;
}

class OAuthFailure extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly description: string,
  ) {
    super(description);
  }
}

const invalidClient = (description: string) => new OAuthFailure(401, 'invalid_client', description);

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.destroyed) return;
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json');
  // RFC 6749 section 5.1: token responses must not be cached.
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Pragma', 'no-cache');
  res.end(JSON.stringify(body));
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams | undefined> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const type = String(req.headers['content-type'] ?? '').toLowerCase();
  if (!type.startsWith('application/x-www-form-urlencoded')) return undefined;
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function decodePart(part: string | undefined): Record<string, unknown> {
  if (!part) throw invalidClient('The client_assertion token is malformed.');
  try {
    const v = JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as unknown;
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {}
  throw invalidClient('The client_assertion token is malformed.');
}

function keyMatches(jwk: JsonWebKey, alg: { kty: string; crv?: string }): boolean {
  return jwk.kty === alg.kty && (alg.crv === undefined || jwk.crv === alg.crv);
}

/** Checks the private_key_jwt assertion (signature, iss/sub/aud/exp/jti) and returns its service app. */
function authenticateClient(
  org: OrgRuntime,
  form: URLSearchParams,
  acceptedAudiences: string[],
): ServiceAppRecord {
  const assertion = form.get('client_assertion');
  if (form.get('client_assertion_type') !== JWT_BEARER || !assertion) {
    throw invalidClient(
      'Client authentication failed. Either the client or the client credentials are invalid.',
    );
  }
  const parts = assertion.split('.');
  if (parts.length !== 3) throw invalidClient('The client_assertion token is malformed.');
  const header = decodePart(parts[0]);
  const claims = decodePart(parts[1]);
  const alg = ALGORITHMS[String(header.alg)];
  if (!alg)
    throw invalidClient(`The client_assertion signature algorithm '${String(header.alg)}' is not supported.`);

  const iss = claims.iss;
  if (typeof iss !== 'string' || iss !== claims.sub) {
    throw invalidClient("The 'iss' and 'sub' claims of the client_assertion must both be the client_id.");
  }
  const formClientId = form.get('client_id');
  if (formClientId !== null && formClientId !== iss) {
    throw invalidClient("The client_id parameter does not match the client_assertion's issuer.");
  }
  const app = org.store.serviceApps.get(iss);
  if (app?.status !== 'ACTIVE') throw invalidClient("Invalid value for 'client_id' parameter.");

  const aud = claims.aud;
  const auds = Array.isArray(aud) ? aud : [aud];
  if (!auds.some((a) => typeof a === 'string' && acceptedAudiences.includes(a))) {
    throw invalidClient(
      'The audience claim for client_assertion must be the endpoint invoked for the request.',
    );
  }
  const now = Math.floor(org.store.now() / 1000);
  const exp = claims.exp;
  if (typeof exp !== 'number' || exp <= now - CLOCK_SKEW_S) {
    throw invalidClient('The client_assertion token is expired.');
  }
  if (exp > now + MAX_ASSERTION_LIFETIME_S + CLOCK_SKEW_S) {
    throw invalidClient('The client_assertion token has an expiration too far into the future.');
  }

  const kid = typeof header.kid === 'string' ? header.kid : undefined;
  const candidates = app.keys.filter((k) => keyMatches(k, alg) && (kid === undefined || k.kid === kid));
  if (candidates.length === 0) {
    throw invalidClient(
      'The client_assertion signature is invalid: no registered key matches its kid and alg.',
    );
  }
  const signed = Buffer.from(`${parts[0]}.${parts[1]}`);
  const signature = Buffer.from(parts[2] as string, 'base64url');
  const valid = candidates.some((jwk) =>
    verify(
      alg.hash,
      signed,
      { key: createPublicKey({ key: jwk, format: 'jwk' }), dsaEncoding: 'ieee-p1363' },
      signature,
    ),
  );
  if (!valid) throw invalidClient('The client_assertion signature is invalid.');

  // jti is optional for Okta; when sent, a second use of the same assertion is a replay.
  if (claims.jti !== undefined) {
    if (typeof claims.jti !== 'string' || claims.jti === '')
      throw invalidClient('The client_assertion jti is invalid.');
    if (!org.store.consumeJti(app.clientId, claims.jti, exp * 1000)) {
      throw invalidClient('The client_assertion token has already been used (jti replay).');
    }
  }
  return app;
}

/** `okta.users.read` is granted by itself or by `okta.users.manage`. */
export function scopeGranted(granted: readonly string[], scope: string): boolean {
  if (granted.includes(scope)) return true;
  return scope.endsWith('.read') && granted.includes(`${scope.slice(0, -'.read'.length)}.manage`);
}

function grantScopes(app: ServiceAppRecord, raw: string | null): string[] {
  const requested = [...new Set((raw ?? '').split(' ').filter(Boolean))];
  if (requested.length === 0) {
    throw new OAuthFailure(
      400,
      'invalid_scope',
      "The authorization server resource does not have any configured default scopes, 'scope' must be provided.",
    );
  }
  const refused = requested.filter((s) => !scopeGranted(app.scopes, s));
  if (refused.length > 0) {
    throw new OAuthFailure(
      400,
      'invalid_scope',
      `The following scopes are not allowed: ${refused.map((s) => `'${s}'`).join(', ')}`,
    );
  }
  return requested;
}

/** Serves POST /oauth2/v1/token of the org named by the Host header. */
export async function handleToken(
  sim: OktaSimulator,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const hostHeader = req.headers.host ?? '127.0.0.1';
  const { hostname, handle } = sim.orgForHost(hostHeader);
  if (!handle) {
    req.resume();
    const e = oktaError('E0000007', `Not found: Resource not found: ${hostname} (Org)`);
    return sendJson(res, e.status, e.body);
  }
  const org = handle.runtime;
  org.oauth.tokenRequests++;
  const faults = org.faults;
  if (faults.resetRate && org.faultRng.next() < faults.resetRate) {
    req.socket.destroy();
    return;
  }
  if (faults.latencyMs) await sleep(faults.latencyMs);
  const forced = org.takeTokenFailure();
  if (forced !== undefined || (faults.errorRate && org.faultRng.next() < faults.errorRate)) {
    req.resume();
    const e = oktaError('E0000009');
    return sendJson(res, forced ?? e.status, e.body);
  }
  try {
    const form = await readForm(req);
    if (req.method !== 'POST')
      throw new OAuthFailure(405, 'invalid_request', 'The token endpoint accepts POST only.');
    if (!form) {
      throw new OAuthFailure(
        400,
        'invalid_request',
        'The request must be application/x-www-form-urlencoded.',
      );
    }
    const grantType = form.get('grant_type');
    if (grantType !== 'client_credentials') {
      throw new OAuthFailure(
        400,
        'unsupported_grant_type',
        `The grant type '${grantType ?? ''}' is not supported.`,
      );
    }
    // The client signs the URL it calls: in production https://{domain}/oauth2/v1/token; the
    // simulator also accepts the http://{Host} it was actually reached at.
    const audiences = [`https://${hostname}${TOKEN_PATH}`, `http://${hostHeader}${TOKEN_PATH}`];
    const app = authenticateClient(org, form, audiences);
    if (app.dpopRequired && !req.headers.dpop) {
      throw new OAuthFailure(400, 'invalid_dpop_proof', 'The DPoP proof JWT header is missing.');
    }
    if (req.headers.dpop) {
      throw new OAuthFailure(400, 'invalid_dpop_proof', 'The simulator does not implement DPoP.');
    }
    const scopes = grantScopes(app, form.get('scope'));
    const token = org.store.issueAccessToken(app, scopes);
    org.oauth.issued++;
    sendJson(res, 200, {
      token_type: 'Bearer',
      expires_in: app.tokenTtlSeconds,
      access_token: token.value,
      scope: scopes.join(' '),
    });
  } catch (error) {
    if (!(error instanceof OAuthFailure)) throw error;
    org.oauth.errors[error.error] = (org.oauth.errors[error.error] ?? 0) + 1;
    sendJson(res, error.status, { error: error.error, error_description: error.description });
  }
}
