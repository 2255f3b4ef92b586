// The one API client: an openapi-fetch client per service, typed by the generated paths
// (scripts/openapi.mjs), through the console's /api/<service> forwarding. State-changing calls carry
// the session's CSRF token.
import createClient, { type Middleware } from 'openapi-fetch';
import type { paths as CatalogPaths } from './catalog';
import type { paths as ConnectionPaths } from './connection';
import type { paths as ConsolePaths } from './console';
import type { paths as NotificationPaths } from './notification';

let csrfToken = '';
export function setCsrfToken(token: string): void {
  csrfToken = token;
}

const csrf: Middleware = {
  onRequest({ request }) {
    if (request.method !== 'GET' && request.method !== 'HEAD') request.headers.set('x-csrf-token', csrfToken);
    return request;
  },
};

function client<Paths extends {}>(service: string | null) {
  const base = service ? `/api/${service}` : '';
  const c = createClient<Paths>({ baseUrl: `${window.location.origin}${base}` });
  c.use(csrf);
  return c;
}

/** The console's own routes (/api/me, /auth/logout). */
export const consoleApi = client<ConsolePaths>(null);
export const connectionApi = client<ConnectionPaths>('connection');
export const catalogApi = client<CatalogPaths>('catalog');
export const notificationApi = client<NotificationPaths>('notification');

/** An error answer (application/problem+json) as the service sent it. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly fieldErrors: { path: string; message: string }[] = [],
  ) {
    super(detail || code);
  }
}

interface Problem {
  code?: string;
  detail?: string;
  title?: string;
  errors?: { path: string; message: string }[];
}

/** The data of a successful answer; throws ApiError otherwise (a 401 sends the person to sign in). */
export function unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.error === undefined && result.response.ok) return result.data as T;
  if (result.response.status === 401) {
    // The session ended (it lasts as long as its access token): sign in again, back to this screen.
    signIn();
    throw new ApiError(401, 'CONSOLE_SESSION_ENDED', 'Your session has ended; signing you in again…');
  }
  const p = (result.error ?? {}) as Problem;
  throw new ApiError(result.response.status, p.code ?? 'UNKNOWN', p.detail ?? p.title ?? '', p.errors ?? []);
}

export function signIn(): void {
  const returnTo = window.location.pathname + window.location.search;
  window.location.assign(`/auth/login?returnTo=${encodeURIComponent(returnTo)}`);
}
