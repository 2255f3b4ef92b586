// The nine datasets with the fewest calls (I4): admins through /iam/assignees/users and roles only
// for them; members and apps per group; users and grants per app; the largest page sizes (the
// client's defaults). Datasets in one chain run in order; chains run side by side, so each
// rate-limit bucket (users, other, groups, apps) is kept busy at once and the sync's length is
// set by its slowest bucket, not by the sum of them.
import type { Dataset } from '@appgov/contracts';
import type { OktaClient, OktaPage } from '@appgov/okta-client';
import {
  toApiTokenRecord,
  toAppGrantRecord,
  toAppRecord,
  toAppUserRecord,
  toGroupAppRecord,
  toGroupMemberRecord,
  toGroupRecord,
  toUserRecord,
  toUserRoleRecord,
} from './record-mappers.js';

/** Kinds of parent a per-parent dataset walks. */
export type ParentKind = 'group' | 'app' | 'admin';

type Fresh = (
  client: OktaClient,
  parentId: string | undefined,
  signal: AbortSignal,
) => AsyncIterable<OktaPage<any>>;

/** How one dataset is read. */
export interface DatasetPlan {
  dataset: Dataset;
  /** Pages of the listing (of one parent, for per-parent datasets). */
  list: Fresh;
  map: (raw: any, parentId: string | undefined) => unknown;
  /** Walk these parents (recorded earlier in the sync). */
  parents?: ParentKind;
  /** The ids of this dataset's records become parents of this kind. */
  emits?: ParentKind;
  /** The parents are listed first by this listing (user-roles: the admin assignees). */
  parentListing?: Fresh;
  /** Skipped when this dataset was skipped (its parents are unknown). */
  dependsOn?: Dataset;
}

const enc = encodeURIComponent;
const EVERY_USER_FILTER = 'lastUpdated gt "1970-01-01T00:00:00.000Z"';

export const DATASET_PLANS: Record<Dataset, DatasetPlan> = {
  users: {
    dataset: 'users',
    // A filtered listing includes DEPROVISIONED users, which a plain one omits (Okta docs); the
    // catalog needs them for "deactivated users still assigned to apps".
    list: (c, _p, signal) => c.listUsers({ signal, query: { filter: EVERY_USER_FILTER } }),
    map: (u) => toUserRecord(u),
  },
  'user-roles': {
    dataset: 'user-roles',
    parentListing: (c, _p, signal) => c.listAdminAssignees({ signal }),
    parents: 'admin',
    list: (c, id, signal) => c.pages(`/api/v1/users/${enc(id as string)}/roles`, undefined, { signal }),
    map: (r, id) => toUserRoleRecord(id as string, r),
  },
  'api-tokens': {
    dataset: 'api-tokens',
    list: (c, _p, signal) => c.listApiTokens({ signal }),
    map: (t) => toApiTokenRecord(t),
  },
  groups: {
    dataset: 'groups',
    list: (c, _p, signal) => c.listGroups({ signal }),
    map: (g) => toGroupRecord(g),
    emits: 'group',
  },
  'group-members': {
    dataset: 'group-members',
    parents: 'group',
    dependsOn: 'groups',
    list: (c, id, signal) => c.listGroupMembers(id as string, { signal }),
    map: (u, id) => toGroupMemberRecord(id as string, u),
  },
  'group-apps': {
    dataset: 'group-apps',
    parents: 'group',
    dependsOn: 'groups',
    list: (c, id, signal) => c.listGroupApps(id as string, { signal }),
    map: (a, id) => toGroupAppRecord(id as string, a),
  },
  apps: {
    dataset: 'apps',
    list: (c, _p, signal) => c.listApps({ signal }),
    map: (a) => toAppRecord(a),
    emits: 'app',
  },
  'app-users': {
    dataset: 'app-users',
    parents: 'app',
    dependsOn: 'apps',
    list: (c, id, signal) => c.listAppUsers(id as string, { signal }),
    map: (u, id) => toAppUserRecord(id as string, u),
  },
  'app-grants': {
    dataset: 'app-grants',
    parents: 'app',
    dependsOn: 'apps',
    list: (c, id, signal) => c.pages(`/api/v1/apps/${enc(id as string)}/grants`, undefined, { signal }),
    map: (g, id) => toAppGrantRecord(id as string, g),
  },
};

/** Chains of datasets: in order within a chain, chains in parallel (one per busy bucket). */
export const DATASET_CHAINS: Dataset[][] = [
  ['apps', 'app-users', 'app-grants'],
  ['groups', 'group-members', 'group-apps'],
  ['users'],
  ['user-roles', 'api-tokens'],
];
