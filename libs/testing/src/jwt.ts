import { SignJWT } from 'jose';

/** The HS256 secret development and tests sign tokens with (never used in production). */
export const DEV_JWT_SECRET = 'appgov-dev-jwt-secret-change-me-0123456789';

/** The claims Appgov's APIs read. */
export interface TestClaims {
  sub: string;
  email: string;
  tenant: string;
  roles: string[];
}

/** Options of {@link mintJwt}. */
export interface MintJwtOptions {
  issuer?: string;
  audience?: string;
  /** Lifetime such as `'1h'` or seconds since the epoch; negative values mint an expired token. */
  expiresIn?: string | number;
}

/** Signs an HS256 bearer token carrying `sub`, `email`, `tenant` and `roles`. */
export async function mintJwt(
  claims: TestClaims,
  secret: string = DEV_JWT_SECRET,
  options: MintJwtOptions = {},
): Promise<string> {
  let jwt = new SignJWT({ email: claims.email, tenant: claims.tenant, roles: claims.roles })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(claims.sub)
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? '1h');
  if (options.issuer) jwt = jwt.setIssuer(options.issuer);
  if (options.audience) jwt = jwt.setAudience(options.audience);
  return jwt.sign(new TextEncoder().encode(secret));
}
