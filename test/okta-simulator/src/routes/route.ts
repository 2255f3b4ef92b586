import type { OktaErrorCode } from '../errors.js';
import type { AuthToken } from '../model.js';
import type { OrgStore } from '../org-store.js';

export interface ApiContext {
  store: OrgStore;
  /** The absolute request URL, built from the client's Host header. */
  url: URL;
  /** `http://{Host}`: the origin every href and Link header points to. */
  base: string;
  auth: AuthToken;
  params: string[];
}

export type ApiResult =
  | { status: 200; body: unknown; links?: string[]; paged?: boolean }
  | { error: OktaErrorCode; summary?: string };

export interface Route {
  /** Endpoint template used for request counts, e.g. `GET /api/v1/apps/{id}/users`. */
  template: string;
  pattern: RegExp;
  /** Needs a super or org admin: role assignments, grants and API tokens (okta/README.md, least privilege). */
  privileged?: boolean;
  /** The OAuth scope an access token needs here (okta/README.md, "Scope (OAuth)"); `.manage` also grants it. */
  scope: string;
  handler: (ctx: ApiContext) => ApiResult;
}

export const notFound = (): ApiResult => ({ error: 'E0000007' });
export const ok = (body: unknown, links?: string[]): ApiResult =>
  links ? { status: 200, body, links, paged: true } : { status: 200, body };
