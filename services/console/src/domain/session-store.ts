import { createHash, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';

/** Who signed in, as the SPA sees it (`/api/me`). */
export interface SessionUser {
  sub: string;
  email: string | null;
  name: string | null;
  tenant: string;
  roles: string[];
}

/** A server-side session: the user, the access token forwarded to the services and its CSRF token. */
export interface Session {
  user: SessionUser;
  accessToken: string;
  /** Epoch ms; the session ends then (with the access token when there is no refresh token). */
  expiresAt: number;
  /** Epoch ms when the access token expires; refreshed before then when a refresh token is held.
   * Absent in sessions stored before refresh existed: expiresAt stands for it. */
  accessTokenExpiresAt?: number;
  /** Exchanged for a new access token before the current one expires (never leaves the server). */
  refreshToken?: string | null;
  /** For RP-initiated logout (`id_token_hint`). */
  idToken: string | null;
  csrfToken: string;
}

/** What the login redirect remembers until the callback (keyed by `state`). */
export interface LoginState {
  codeVerifier: string;
  nonce: string;
  returnTo: string;
}

/** An unguessable token (256 bits, base64url). */
export const randomToken = () => randomBytes(32).toString('base64url');

// Keys hold a hash of the cookie value, so a Redis dump does not hand out live sessions.
const digest = (value: string) => createHash('sha256').update(value).digest('base64url');

/** Sessions and login states in Redis, each with its own TTL. */
export class SessionStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private sessionKey(id: string) {
    return `${this.prefix}session:${digest(id)}`;
  }

  /** Stores a new session for `ttlMs` and returns its id (the cookie value). */
  async create(session: Session, ttlMs: number): Promise<string> {
    const id = randomToken();
    await this.redis.set(this.sessionKey(id), JSON.stringify(session), 'PX', Math.max(1, Math.floor(ttlMs)));
    return id;
  }

  /** Replaces a session's content (after a token refresh), keeping it until `ttlMs` from now. */
  async update(id: string, session: Session, ttlMs: number): Promise<void> {
    await this.redis.set(this.sessionKey(id), JSON.stringify(session), 'PX', Math.max(1, Math.floor(ttlMs)));
  }

  async get(id: string): Promise<Session | null> {
    const raw = await this.redis.get(this.sessionKey(id));
    return raw ? (JSON.parse(raw) as Session) : null;
  }

  async destroy(id: string): Promise<void> {
    await this.redis.del(this.sessionKey(id));
  }

  async saveLogin(state: string, login: LoginState, ttlMs: number): Promise<void> {
    await this.redis.set(`${this.prefix}login:${digest(state)}`, JSON.stringify(login), 'PX', ttlMs);
  }

  /** Returns and deletes a login state: each authorization response is used once. */
  async takeLogin(state: string): Promise<LoginState | null> {
    const raw = await this.redis.getdel(`${this.prefix}login:${digest(state)}`);
    return raw ? (JSON.parse(raw) as LoginState) : null;
  }
}
