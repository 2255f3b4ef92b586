// Okta meters each endpoint family in its own rate-limit bucket (../shared/okta/README.md,
// "Buckets"). The pacer budgets per bucket, so the mapping must match Okta's, not our datasets.

/** The rate-limit buckets Appgov's calls fall into. */
export type OktaBucket = 'apps' | 'groups' | 'users' | 'logs' | 'other';

/** Every bucket, for metrics and iteration. */
export const OKTA_BUCKETS: readonly OktaBucket[] = ['apps', 'groups', 'users', 'logs', 'other'];

/**
 * The bucket of a request: every /api/v1/apps* path together (incl. /apps/{id}/users and
 * /grants); /api/v1/groups* except GET /groups/{id}; the GET /api/v1/users list only;
 * /api/v1/logs; everything else (iam, api-tokens, org, users/me, user roles).
 */
export function classifyBucket(path: string, method = 'GET'): OktaBucket {
  const p = normalisePath(path);
  if (p === '/api/v1/apps' || p.startsWith('/api/v1/apps/')) return 'apps';
  if (p === '/api/v1/groups') return 'groups';
  if (p.startsWith('/api/v1/groups/')) {
    // GET /groups/{id} alone has its own (larger) bucket in Okta's table.
    const rest = p.slice('/api/v1/groups/'.length);
    return rest.includes('/') ? 'groups' : 'other';
  }
  if (p === '/api/v1/users' && method.toUpperCase() === 'GET') return 'users';
  if (p === '/api/v1/logs' || p.startsWith('/api/v1/logs/')) return 'logs';
  return 'other';
}

function normalisePath(path: string): string {
  let p = path;
  if (/^https?:\/\//i.test(p)) p = new URL(p).pathname;
  const q = p.search(/[?#]/);
  if (q >= 0) p = p.slice(0, q);
  p = p.toLowerCase();
  while (p.length > 1 && p.endsWith('/')) p = p.slice(0, -1);
  return p;
}
