import type { CookieSerializeOptions } from '@fastify/cookie';

/** The console's cookies; `__Host-` (Secure, path /, no Domain) whenever cookies are Secure. */
export interface CookieNames {
  session: string;
  /** The CSRF token, readable by the SPA, sent back as the `x-csrf-token` header. */
  csrf: string;
  /** Binds a login's `state` to the browser that started it (login CSRF). */
  login: string;
}

export function cookieNames(secure: boolean): CookieNames {
  const p = secure ? '__Host-' : '';
  return { session: `${p}appgov_session`, csrf: `${p}appgov_csrf`, login: `${p}appgov_login` };
}

/** Cookie attributes: httpOnly unless the SPA must read it (the CSRF token). */
export function cookieOptions(
  secure: boolean,
  sameSite: 'lax' | 'strict',
  maxAgeSeconds: number,
  httpOnly = true,
): CookieSerializeOptions {
  return { path: '/', httpOnly, secure, sameSite, maxAge: Math.max(0, Math.floor(maxAgeSeconds)) };
}
