import { permissionDenied } from './vault-errors.js';

/** The capabilities a Vault ACL policy grants on a path. */
export type Capability = 'create' | 'read' | 'update' | 'patch' | 'delete' | 'list' | 'sudo' | 'deny';

/** One `path "..." { capabilities = [...] }` block; paths are API paths without `/v1/`. */
export interface PolicyRule {
  path: string;
  capabilities: Capability[];
}

/** Vault's built-in `default` policy (the part a client uses): a token may look itself up and renew. */
export const DEFAULT_POLICY: PolicyRule[] = [
  { path: 'auth/token/lookup-self', capabilities: ['read'] },
  { path: 'auth/token/renew-self', capabilities: ['update'] },
  { path: 'auth/token/revoke-self', capabilities: ['update'] },
  { path: 'sys/capabilities-self', capabilities: ['update'] },
];

/**
 * Whether `pattern` matches `path`: a trailing `*` is a prefix match and `+` matches exactly one
 * segment, as in Vault policy syntax.
 */
export function matchesPath(pattern: string, path: string): boolean {
  const prefix = pattern.endsWith('*');
  const body = prefix ? pattern.slice(0, -1) : pattern;
  if (!body.includes('+')) return prefix ? path.startsWith(body) : path === body;
  const patternParts = body.split('/');
  const pathParts = path.split('/');
  for (let i = 0; i < patternParts.length; i++) {
    const p = patternParts[i]!;
    const s = pathParts[i];
    if (s === undefined) return false;
    if (i === patternParts.length - 1 && prefix) return s.startsWith(p);
    if (p === '+') continue;
    if (p !== s) return false;
  }
  return prefix || pathParts.length === patternParts.length;
}

/**
 * Vault uses the most specific matching path (not a union over all matches); rules with the same
 * path from different policies are merged. Specificity here is an approximation of Vault's
 * ordering: exact beats glob, fewer `+` and a longer literal prefix win.
 */
function specificity(pattern: string): number {
  const exact = pattern.endsWith('*') ? 0 : 1;
  const plus = (pattern.match(/\+/g) ?? []).length;
  return exact * 1_000_000 - plus * 1000 + pattern.length;
}

/** Capabilities the given policies grant on `path`; `root` grants everything. */
export function capabilitiesFor(
  rulesByPolicy: ReadonlyArray<readonly PolicyRule[]>,
  path: string,
): Set<Capability> {
  let best: PolicyRule[] = [];
  let bestScore = Number.NEGATIVE_INFINITY;
  for (const rules of rulesByPolicy) {
    for (const rule of rules) {
      if (!matchesPath(rule.path, path)) continue;
      const score = specificity(rule.path);
      if (score > bestScore) {
        best = [rule];
        bestScore = score;
      } else if (score === bestScore) {
        best.push(rule);
      }
    }
  }
  const caps = new Set<Capability>(best.flatMap((r) => r.capabilities));
  if (caps.has('deny')) return new Set(['deny']);
  return caps;
}

/** Throws Vault's 403 unless one of `needed` is granted. */
export function requireCapability(granted: Set<Capability>, needed: Capability): void {
  if (!granted.has(needed)) throw permissionDenied();
}
