/** The `JWT_*` variables every service reads (`serviceConfigProperties`). */
export interface JwtConfig {
  JWT_HS256_SECRET?: string | undefined;
  JWT_JWKS_URL?: string | undefined;
  JWT_ISSUER?: string | undefined;
  JWT_AUDIENCE?: string | undefined;
}

/** How `buildHttpApp` verifies bearer tokens, from a service's config (the one mapping). */
export function authOptions(config: JwtConfig) {
  return {
    hs256Secret: config.JWT_HS256_SECRET,
    jwksUrl: config.JWT_JWKS_URL,
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
  };
}
