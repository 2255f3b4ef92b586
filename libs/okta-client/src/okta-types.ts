// Raw Okta Management API shapes (only the fields Appgov reads; Okta sends more). Until
// @appgov/contracts owns the record types these stay local and deliberately loose.

/** Link object as Okta sends it inside `_links`. */
export interface OktaHref {
  href: string;
}

/** GET /api/v1/users item. */
export interface OktaUser {
  id: string;
  status: string;
  created?: string | null;
  activated?: string | null;
  statusChanged?: string | null;
  lastLogin?: string | null;
  lastUpdated?: string | null;
  passwordChanged?: string | null;
  type?: { id: string } | null;
  profile?: { login?: string; email?: string; firstName?: string | null; lastName?: string | null } & Record<
    string,
    unknown
  >;
  [key: string]: unknown;
}

/** GET /api/v1/iam/assignees/users item. */
export interface OktaRoleAssignedUser {
  id: string;
  orn?: string;
  _links?: Record<string, OktaHref>;
}

/** GET /api/v1/iam/assignees/users body: pages through `_links.next.href`, not the Link header. */
export interface OktaRoleAssignedUsersBody {
  value: OktaRoleAssignedUser[];
  _links?: { next?: OktaHref; self?: OktaHref };
}

/** GET /api/v1/users/{id}/roles item. */
export interface OktaRole {
  id: string;
  type: string;
  label?: string;
  status?: string;
  assignmentType?: 'USER' | 'GROUP' | 'CLIENT' | string;
  created?: string;
  lastUpdated?: string;
  [key: string]: unknown;
}

/** GET /api/v1/groups item. */
export interface OktaGroup {
  id: string;
  type: string;
  profile?: { name?: string; description?: string | null } & Record<string, unknown>;
  created?: string;
  lastUpdated?: string;
  lastMembershipUpdated?: string;
  [key: string]: unknown;
}

/** GET /api/v1/apps item (also the items of /groups/{id}/apps). */
export interface OktaApp {
  id: string;
  name: string;
  label: string;
  status: string;
  signOnMode?: string;
  created?: string;
  lastUpdated?: string;
  features?: string[];
  credentials?: Record<string, unknown>;
  settings?: Record<string, unknown>;
  [key: string]: unknown;
}

/** GET /api/v1/apps/{id}/users item. */
export interface OktaAppUser {
  id: string;
  scope?: 'USER' | 'GROUP' | string;
  status?: string;
  credentials?: { userName?: string } & Record<string, unknown>;
  lastUpdated?: string;
  [key: string]: unknown;
}

/** GET /api/v1/apps/{id}/grants item. */
export interface OktaGrant {
  id: string;
  status?: 'ACTIVE' | 'REVOKED' | string;
  issuer?: string;
  clientId?: string;
  scopeId?: string;
  source?: 'ADMIN' | 'END_USER' | string;
  userId?: string;
  created?: string;
  createdBy?: { id?: string; type?: string };
  [key: string]: unknown;
}

/** GET /api/v1/api-tokens item. */
export interface OktaApiToken {
  id: string;
  name?: string;
  userId?: string;
  clientName?: string;
  created?: string;
  expiresAt?: string;
  lastUpdated?: string;
  tokenWindow?: string;
  network?: { connection?: string } & Record<string, unknown>;
  [key: string]: unknown;
}

/** GET /api/v1/org. */
export interface OktaOrgSetting {
  id: string;
  subdomain?: string;
  companyName?: string;
  status?: string;
  [key: string]: unknown;
}

/** Okta's error body; only `errorCode` is stable. */
export interface OktaErrorBody {
  errorCode?: string;
  errorSummary?: string;
  errorLink?: string;
  errorId?: string;
  errorCauses?: { errorSummary?: string }[];
}
