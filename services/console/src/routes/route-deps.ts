import type { Clock } from '@appgov/service';
import type { Config } from '../config.js';
import type { CookieNames } from '../domain/cookies.js';
import type { OidcLogin } from '../domain/oidc-login.js';
import type { SessionStore } from '../domain/session-store.js';

/** What the console's routes need. */
export interface RouteDeps {
  config: Readonly<Config>;
  clock: Clock;
  store: SessionStore;
  login: OidcLogin;
  cookies: CookieNames;
}
