import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type OktaErrorCode, oktaError } from './errors.js';
import { sleep } from './faults.js';
import type { AuthToken } from './model.js';
import { scopeGranted } from './oauth.js';
import { bucketOf } from './rate-limit.js';
import { matchRoute } from './routes/index.js';
import type { OktaSimulator } from './simulator.js';

const PRIVILEGED_ROLES = new Set(['SUPER_ADMIN', 'ORG_ADMIN']);

function send(res: ServerResponse, status: number, body: unknown, links?: string[]): void {
  if (res.destroyed) return;
  const json = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json');
  res.setHeader('X-Okta-Request-Id', randomBytes(12).toString('base64url'));
  // An array makes node write one `Link` header line per value, as Okta does.
  if (links && links.length > 0) res.setHeader('Link', links);
  res.end(json);
}

function sendError(res: ServerResponse, code: OktaErrorCode, summary?: string): void {
  const e = oktaError(code, summary);
  if (code === 'E0000011' && !res.hasHeader('WWW-Authenticate'))
    res.setHeader('WWW-Authenticate', 'SSWS realm="Okta"');
  send(res, e.status, e.body);
}

/** Okta's Bearer challenge (support.okta.com, "insufficient_scope Error when Making a Request to ... Management Endpoint"). */
function bearerChallenge(base: string, error: string, description: string, extra = ''): string {
  return `Bearer authorization_uri="${base}/oauth2/v1/authorize", realm="${base}"${extra}, error="${error}", error_description="${description}"`;
}

function rateHeaders(res: ServerResponse, limit: number, remaining: number, reset: number): void {
  res.setHeader('X-Rate-Limit-Limit', String(limit));
  res.setHeader('X-Rate-Limit-Remaining', String(remaining));
  res.setHeader('X-Rate-Limit-Reset', String(reset));
}

/** `SSWS <token>` or `Bearer <token>`; the raw value also keys the per-token rate-limit share. */
function presentedToken(req: IncomingMessage): { scheme: string; value: string } | undefined {
  const m = /^(SSWS|Bearer)\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  return m ? { scheme: (m[1] as string).toUpperCase(), value: m[2] as string } : undefined;
}

/** Serves one `/api/v1` request: org by Host, concurrency, faults, rate limit, auth, route. */
export async function handleApi(
  sim: OktaSimulator,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const hostHeader = req.headers.host ?? '127.0.0.1';
  const { hostname, handle } = sim.orgForHost(hostHeader);
  if (!handle) return sendError(res, 'E0000007', `Not found: Resource not found: ${hostname} (Org)`);
  const org = handle.runtime;
  const method = req.method ?? 'GET';
  const url = new URL(req.url ?? '/', `http://${hostHeader}`);
  const path = url.pathname;
  const match = method === 'GET' ? matchRoute(path) : undefined;
  const endpoint = match ? match.route.template : `${method} ${path}`;
  org.count(endpoint);
  const at = Date.now();
  res.once('close', () => {
    const num = (name: string) => {
      const v = res.getHeader(name);
      return v === undefined ? undefined : Number(v);
    };
    const reset = num('X-Rate-Limit-Reset');
    const limit = num('X-Rate-Limit-Limit');
    org.logRequest({
      at,
      doneAt: Date.now(),
      endpoint,
      bucket: bucketOf(method, path),
      status: res.headersSent ? res.statusCode : 0,
      ...(reset === undefined ? {} : { reset }),
      ...(limit === undefined ? {} : { limit }),
    });
  });

  if (org.inFlight >= org.limiter.concurrency) {
    org.countLimited(true);
    rateHeaders(res, 0, 0, Math.ceil(Date.now() / 1000) + 1);
    return sendError(res, 'E0000047');
  }
  org.inFlight++;
  res.once('close', () => {
    org.inFlight--;
  });

  const faults = org.faults;
  if (faults.resetRate && org.faultRng.next() < faults.resetRate) {
    req.socket.destroy();
    return;
  }
  if (faults.stormUntil && Date.now() < faults.stormUntil) {
    org.countLimited(false);
    const bucket = bucketOf(method, path);
    rateHeaders(res, org.limiter.ceilingOf(bucket), 0, Math.ceil(faults.stormUntil / 1000));
    return sendError(res, 'E0000047');
  }
  if (faults.latencyMs) await sleep(faults.latencyMs);
  if (faults.errorRate && org.faultRng.next() < faults.errorRate) return sendError(res, 'E0000009');

  const token = presentedToken(req);
  const decision = org.limiter.take(bucketOf(method, path), token?.value ?? '');
  rateHeaders(res, decision.limit, decision.remaining, decision.reset);
  if (!decision.allowed) {
    org.countLimited(false);
    return sendError(res, 'E0000047');
  }

  const auth: AuthToken | undefined = token ? org.store.authenticate(token.value) : undefined;
  const base = `http://${hostHeader}`;
  if (!auth || auth.kind.toUpperCase() !== token?.scheme) {
    if (token?.scheme === 'BEARER') {
      res.setHeader(
        'WWW-Authenticate',
        bearerChallenge(base, 'invalid_token', 'The access token is invalid.'),
      );
    }
    return sendError(res, 'E0000011');
  }
  if (!match) return sendError(res, 'E0000007', `Not found: Resource not found: ${path}`);
  // Issued access tokens carry scopes; a missing one is a 403 before any role check.
  if (auth.scopes && !scopeGranted(auth.scopes, match.route.scope)) {
    const scope = match.route.scope;
    res.setHeader(
      'WWW-Authenticate',
      bearerChallenge(
        base,
        'insufficient_scope',
        'The access token provided does not contain the required scopes.',
        `, scope="${scope}"`,
      ) + `, resource="${path}"`,
    );
    return sendError(res, 'E0000006');
  }
  if (match.route.privileged && !PRIVILEGED_ROLES.has(auth.role)) return sendError(res, 'E0000006');

  const result = match.route.handler({
    store: org.store,
    url,
    base,
    auth,
    params: match.params,
  });
  if ('error' in result) return sendError(res, result.error, result.summary);
  if (result.paged && faults.slowPageMs) await sleep(faults.slowPageMs);
  send(res, result.status, result.body, result.links);
}

export { send, sendError };
