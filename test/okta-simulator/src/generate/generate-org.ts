import type { SignOnMode, UserRecord, UserStatus } from '../model.js';
import { SIGN_ON_MODES } from '../model.js';
import { OrgStore } from '../org-store.js';
import { APP_CATALOG, asciiSlug, DEPARTMENTS, FIRST_NAMES, GROUP_WORDS, LAST_NAMES } from './names.js';
import { type OrgCounts, SIZE_PRESETS, type SizePreset } from './presets.js';
import { createRng, deriveSeed, type Rng } from './prng.js';

export interface GenerateOptions {
  domain: string;
  seed?: number;
  size?: SizePreset;
  /** Overrides the preset's counts. */
  counts?: Partial<OrgCounts>;
  now?: () => number;
}

/** A credential handed to the caller when an org is created. */
export interface IssuedToken {
  value: string;
  kind: 'SSWS' | 'Bearer';
  role: string;
  userId: string | null;
  name: string;
}

export interface GeneratedOrg {
  store: OrgStore;
  tokens: IssuedToken[];
}

const DAY = 86_400_000;
// Generated timestamps hang off a fixed instant, never the wall clock, so a seed always gives the same org.
const T0 = Date.UTC(2025, 0, 1);

const STATUS_WEIGHTS: [UserStatus, number][] = [
  ['ACTIVE', 0.8],
  ['DEPROVISIONED', 0.06],
  ['SUSPENDED', 0.04],
  ['STAGED', 0.04],
  ['PROVISIONED', 0.02],
  ['LOCKED_OUT', 0.02],
  ['PASSWORD_EXPIRED', 0.01],
  ['RECOVERY', 0.01],
];

const MODE_WEIGHTS: [SignOnMode, number][] = [
  ['SAML_2_0', 0.35],
  ['OPENID_CONNECT', 0.2],
  ['AUTO_LOGIN', 0.15],
  ['BOOKMARK', 0.1],
  ['SECURE_PASSWORD_STORE', 0.05],
  ['BROWSER_PLUGIN', 0.05],
  ['BASIC_AUTH', 0.04],
  ['WS_FEDERATION', 0.03],
  ['SAML_1_1', 0.03],
];

export const GRANT_SCOPES = [
  'okta.users.read',
  'okta.users.manage',
  'okta.groups.read',
  'okta.groups.manage',
  'okta.apps.read',
  'okta.apps.manage',
  'okta.logs.read',
  'okta.roles.read',
  'okta.roles.manage',
  'okta.apiTokens.read',
  'okta.orgs.read',
  'okta.appGrants.read',
] as const;

function weighted<T>(rng: Rng, table: [T, number][]): T {
  let r = rng.next();
  for (const [value, w] of table) {
    r -= w;
    if (r < 0) return value;
  }
  return (table[0] as [T, number])[0];
}

/** k distinct indices in [0, n), ascending. */
export function sampleSorted(rng: Rng, n: number, k: number): number[] {
  k = Math.min(k, n);
  if (k * 8 > n) {
    // Selection sampling (Knuth's algorithm S): one pass, already ordered.
    const out: number[] = [];
    for (let i = 0; i < n && out.length < k; i++) if (rng.next() * (n - i) < k - out.length) out.push(i);
    return out;
  }
  const set = new Set<number>();
  while (set.size < k) set.add(Math.floor(rng.next() * n));
  return [...set].sort((a, b) => a - b);
}

const between = (rng: Rng, from: number, to: number): number =>
  from + Math.floor(rng.next() * Math.max(1, to - from));

/** Builds an org deterministically from a seed and a size; the same inputs give the same org, id for id. */
export function generateOrg(options: GenerateOptions): GeneratedOrg {
  const seed = options.seed ?? 1;
  const counts: OrgCounts = { ...SIZE_PRESETS[options.size ?? 'tiny'], ...options.counts };
  const store = new OrgStore(options.domain, createRng(deriveSeed(seed, 'ids')), options.now);
  store.generating = true;
  store.created = T0 - 5 * 365 * DAY;
  const company = store.companyName;

  // ---- users ----
  const rng = createRng(deriveSeed(seed, 'users'));
  const adminCount = Math.min(counts.users, 9);
  for (let i = 0; i < counts.users; i++) {
    const first = rng.pick(FIRST_NAMES);
    const last = rng.pick(LAST_NAMES);
    const created = between(rng, T0 - 4 * 365 * DAY, T0 - 30 * DAY);
    const status: UserStatus =
      i < adminCount ? (i === 5 ? 'DEPROVISIONED' : 'ACTIVE') : weighted(rng, STATUS_WEIGHTS);
    const neverActivated = status === 'STAGED' || status === 'PROVISIONED';
    const activated = neverActivated ? null : created + between(rng, 0, 3 * DAY);
    const lastLogin = neverActivated || rng.chance(0.1) ? null : between(rng, activated ?? created, T0);
    const login = `${asciiSlug(first) || 'user'}.${asciiSlug(last) || 'x'}${i}@${company}.example.com`;
    const lastUpdated = Math.max(lastLogin ?? 0, between(rng, created, T0));
    const user: UserRecord = {
      id: store.ids.next('00u'),
      status,
      created,
      activated,
      statusChanged: status === 'ACTIVE' ? activated : between(rng, created, lastUpdated + 1),
      lastLogin,
      lastUpdated,
      passwordChanged: neverActivated ? null : activated,
      login,
      email: login,
      firstName: first,
      lastName: last,
      department: rng.pick(DEPARTMENTS),
    };
    store.users.push(user);
    store.userById.set(user.id, user);
  }
  const users = store.users;
  const activeUsers = users.filter((u) => u.status === 'ACTIVE');

  // ---- apps ----
  const arng = createRng(deriveSeed(seed, 'apps'));
  for (let i = 0; i < counts.apps; i++) {
    const [name, label] = APP_CATALOG[i % APP_CATALOG.length] as readonly [string, string];
    const round = Math.floor(i / APP_CATALOG.length);
    // Every sign-on mode appears at least once when there are enough apps.
    const mode = i < SIGN_ON_MODES.length ? (SIGN_ON_MODES[i] as SignOnMode) : weighted(arng, MODE_WEIGHTS);
    const created = between(arng, T0 - 3 * 365 * DAY, T0 - 10 * DAY);
    const app = store.addApp(
      {
        label: round === 0 ? label : `${label} (${round + 1})`,
        name: mode === 'OPENID_CONNECT' ? 'oidc_client' : name,
        signOnMode: mode,
        status: i > 1 && arng.chance(0.08) ? 'INACTIVE' : 'ACTIVE',
        features: arng.chance(0.3)
          ? ['PUSH_NEW_USERS', 'PUSH_PROFILE_UPDATES', 'PUSH_USER_DEACTIVATION']
          : [],
      },
      created,
    );
    app.lastUpdated = between(arng, created, T0);
  }

  // ---- groups and members ----
  const grng = createRng(deriveSeed(seed, 'groups'));
  const groupCap = Math.max(3, Math.min(Math.floor(counts.users * 0.3), 1500));
  for (let i = 0; i < counts.groups; i++) {
    const created = between(grng, T0 - 4 * 365 * DAY, T0 - 20 * DAY);
    if (i === 0) {
      store.addGroup(
        { name: 'Everyone', description: 'All users in your organization', type: 'BUILT_IN' },
        created,
      );
      continue;
    }
    const isAppGroup = store.apps.length > 0 && grng.chance(0.15);
    const word = grng.pick(GROUP_WORDS);
    const group = store.addGroup(
      {
        name: isAppGroup ? `${word.toLowerCase().replace(/\s+/g, '-')}-${i}` : `${word} ${i}`,
        description: isAppGroup ? 'Imported from directory' : `${word} team`,
        type: isAppGroup ? 'APP_GROUP' : 'OKTA_GROUP',
        sourceAppId: isAppGroup ? grng.pick(store.apps).id : null,
      },
      created,
    );
    const size = grng.chance(0.05) ? 0 : 1 + Math.floor(grng.next() ** 3 * groupCap);
    store.groupMembers.set(
      group.id,
      sampleSorted(grng, users.length, size).map((ix) => (users[ix] as UserRecord).id),
    );
    group.lastUpdated = between(grng, created, T0);
    group.lastMembershipUpdated = between(grng, created, T0);
  }

  // ---- app assignments: groups and direct ----
  const plainGroups = store.groups.filter((g) => g.type !== 'BUILT_IN');
  const everyone = store.everyone;
  const directCap = Math.min(users.length, 2000);
  store.apps.forEach((app, i) => {
    if (everyone && (i === 1 || arng.chance(0.04))) store.assignAppToGroup(everyone.id, app.id, app.created);
    const groupCount = plainGroups.length === 0 ? 0 : arng.int(0, 3);
    for (let g = 0; g < groupCount; g++)
      store.assignAppToGroup(arng.pick(plainGroups).id, app.id, app.created + DAY);
    const k = Math.floor(arng.next() ** 4 * directCap) + (arng.chance(0.8) ? 1 : 0);
    store.appDirect.set(
      app.id,
      sampleSorted(arng, users.length, k).map((ix) => {
        const created = between(arng, app.created, T0);
        return { userId: (users[ix] as UserRecord).id, created, lastUpdated: created };
      }),
    );
  });

  // ---- admins and roles ----
  const rrng = createRng(deriveSeed(seed, 'roles'));
  const plan: [number, string[]][] = [
    [0, ['SUPER_ADMIN']],
    [1, ['ORG_ADMIN', 'APP_ADMIN']],
    [2, ['APP_ADMIN']],
    [3, ['READ_ONLY_ADMIN']],
    [4, ['USER_ADMIN', 'HELP_DESK_ADMIN']],
    [5, ['SUPER_ADMIN']],
    [6, ['REPORT_ADMIN']],
    [7, ['API_ACCESS_MANAGEMENT_ADMIN']],
    [8, ['GROUP_MEMBERSHIP_ADMIN', 'READ_ONLY_ADMIN']],
  ];
  for (const [ix, roles] of plan) {
    const user = users[ix];
    if (!user) continue;
    for (const r of roles) store.assignRole(user.id, r as never, user.created + DAY);
  }
  const extraAdmins = Math.floor(users.length / 2000);
  for (let i = 0; i < extraAdmins && activeUsers.length > 0; i++) {
    const user = rrng.pick(activeUsers);
    store.assignRole(
      user.id,
      rrng.pick(['APP_ADMIN', 'HELP_DESK_ADMIN', 'READ_ONLY_ADMIN', 'USER_ADMIN'] as const),
      T0,
    );
  }
  if (users.length > 12) {
    // Roles that arrive through a group: its members are admins without a direct assignment.
    const adminGroup = store.addGroup(
      { name: 'Okta Helpdesk Admins', description: 'Help desk staff (role assigned to the group)' },
      T0 - 100 * DAY,
    );
    store.groupMembers.set(
      adminGroup.id,
      sampleSorted(rrng, users.length - 9, 3).map((ix) => (users[ix + 9] as UserRecord).id),
    );
    store.assignGroupRole(adminGroup.id, 'HELP_DESK_ADMIN', T0 - 100 * DAY);
    store.assignGroupRole(adminGroup.id, 'REPORT_ADMIN', T0 - 90 * DAY);
  }

  // ---- OAuth grants ----
  const superAdmin = users[0];
  for (const app of store.apps) {
    if (app.signOnMode !== 'OPENID_CONNECT') continue;
    const scopes = sampleSorted(arng, GRANT_SCOPES.length, arng.int(1, 6)).map(
      (ix) => GRANT_SCOPES[ix] as string,
    );
    for (const scopeId of scopes) {
      const endUser = activeUsers.length > 0 && arng.chance(0.2);
      store.addGrant(
        app.id,
        {
          scopeId,
          source: endUser ? 'END_USER' : 'ADMIN',
          userId: endUser ? arng.pick(activeUsers).id : null,
          createdById: superAdmin?.id ?? '',
        },
        between(arng, app.created, T0),
      );
    }
  }

  // ---- API tokens ----
  const tokens: IssuedToken[] = [];
  const trng = createRng(deriveSeed(seed, 'tokens'));
  const far = Date.UTC(2035, 0, 1);
  const issue = (ix: number, role: string, name: string, expiresAt: number | null, tokenWindow: string) => {
    const owner = users[ix];
    if (!owner) return;
    const t = store.createApiToken(
      { userId: owner.id, role: role as never, name, expiresAt, tokenWindow },
      between(trng, owner.created, T0),
    );
    if (owner.status === 'ACTIVE')
      tokens.push({ value: t.secret, kind: 'SSWS', role, userId: owner.id, name });
  };
  issue(0, 'SUPER_ADMIN', 'Appgov super admin', null, 'P30D');
  issue(1, 'ORG_ADMIN', 'Appgov org admin', far, 'P30D');
  issue(3, 'READ_ONLY_ADMIN', 'Appgov read-only', far, 'P30D');
  issue(5, 'SUPER_ADMIN', 'Old automation (owner deactivated)', far, 'P30D');
  const extraTokens = 2 + Math.floor(store.apps.length / 50);
  for (let i = 0; i < extraTokens; i++) {
    const ix = trng.pick([0, 1, 2, 7]);
    issue(
      ix,
      store.primaryRole(users[ix]?.id ?? '') ?? 'READ_ONLY_ADMIN',
      `Integration ${i + 1}`,
      i % 2 ? far : null,
      trng.pick(['P30D', 'P7D', 'PT5M', 'P90D']),
    );
  }

  store.generating = false;
  store.version++;
  return { store, tokens };
}
