import { ForbiddenError, UnauthorizedError } from '@appgov/errors';
import type { FastifyRequest } from 'fastify';
import { createRemoteJWKSet, type JWTPayload, type JWTVerifyGetKey, jwtVerify } from 'jose';

/** The caller, from a verified bearer JWT. */
export interface AuthContext {
  sub: string;
  email: string | undefined;
  tenant: string;
  roles: string[];
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set when the request carried a valid bearer token; `null` otherwise. */
    auth: AuthContext | null;
  }
}

/** How tokens are verified: an HS256 secret (development) or a JWKS URL (RS256, production). */
export interface AuthOptions {
  hs256Secret?: string | undefined;
  jwksUrl?: string | undefined;
  issuer?: string | undefined;
  audience?: string | undefined;
}

/** Roles Appgov knows; `admin` includes everything `viewer` may do, `operator` is cross-tenant. */
export type Role = 'viewer' | 'admin' | 'operator';

/** Verifies a compact JWT and returns the caller; throws UnauthorizedError. */
export type TokenVerifier = (token: string) => Promise<AuthContext>;

/** Builds the verifier for {@link AuthOptions}; with neither secret nor JWKS every token is refused. */
export function createTokenVerifier(options: AuthOptions): TokenVerifier {
  // Finding 6: in production (JWKS) a token minted for another application of the same identity
  // provider must not be accepted, so issuer and audience are required there.
  if (options.jwksUrl && !options.issuer) throw new Error('JWT_ISSUER is required with JWT_JWKS_URL');
  if (options.jwksUrl && !options.audience) throw new Error('JWT_AUDIENCE is required with JWT_JWKS_URL');
  const common = {
    ...(options.issuer ? { issuer: options.issuer } : {}),
    ...(options.audience ? { audience: options.audience } : {}),
    // A token without exp would never expire.
    requiredClaims: ['exp'],
  };
  let verify: (token: string) => Promise<JWTPayload>;
  if (options.jwksUrl) {
    const jwks: JWTVerifyGetKey = createRemoteJWKSet(new URL(options.jwksUrl));
    verify = async (token) => (await jwtVerify(token, jwks, { ...common, algorithms: ['RS256'] })).payload;
  } else if (options.hs256Secret) {
    const key = new TextEncoder().encode(options.hs256Secret);
    verify = async (token) => (await jwtVerify(token, key, { ...common, algorithms: ['HS256'] })).payload;
  } else {
    verify = async () => {
      throw new Error('no token verification configured');
    };
  }
  return async (token) => {
    let payload: JWTPayload;
    try {
      payload = await verify(token);
    } catch (error) {
      throw new UnauthorizedError('AUTH_INVALID_TOKEN', 'The bearer token is invalid or expired.', {
        cause: error,
      });
    }
    const { sub, tenant, email, roles } = payload as JWTPayload & Record<string, unknown>;
    if (typeof sub !== 'string' || typeof tenant !== 'string' || tenant === '') {
      throw new UnauthorizedError('AUTH_INVALID_TOKEN', 'The bearer token lacks sub or tenant.');
    }
    return {
      sub,
      tenant,
      email: typeof email === 'string' ? email : undefined,
      roles: Array.isArray(roles) ? roles.filter((r): r is string => typeof r === 'string') : [],
    };
  };
}

/** The token of an `Authorization: Bearer <jwt>` header, if any. */
export function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match) throw new UnauthorizedError('AUTH_INVALID_TOKEN', 'Authorization must be a Bearer token.');
  return match[1];
}

/** True when the caller holds `role` (admins hold `viewer` too). */
export function hasRole(auth: AuthContext, role: Role): boolean {
  if (auth.roles.includes(role)) return true;
  return role === 'viewer' && auth.roles.includes('admin');
}

/** preHandler: 401 `AUTH_REQUIRED` unless the request carried a valid token. */
export async function requireAuth(request: FastifyRequest): Promise<void> {
  if (!request.auth) throw new UnauthorizedError('AUTH_REQUIRED', 'A bearer token is required.');
}

/** preHandler: like {@link requireAuth}, then 403 `AUTH_FORBIDDEN` unless the caller holds one of `roles`. */
export function requireRole(...roles: Role[]): (request: FastifyRequest) => Promise<void> {
  return async (request) => {
    await requireAuth(request);
    const auth = request.auth as AuthContext;
    if (!roles.some((role) => hasRole(auth, role))) {
      throw new ForbiddenError('AUTH_FORBIDDEN', `This needs the ${roles.join(' or ')} role.`);
    }
  };
}
