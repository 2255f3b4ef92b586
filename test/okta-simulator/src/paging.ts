import { upperBound } from './sorted.js';

/** Per-endpoint default and maximum `limit`, as Okta documents them (okta/README.md). */
export const PAGE_SIZES = {
  users: { def: 200, max: 200 },
  assignees: { def: 100, max: 100 },
  groups: { def: 200, max: 10_000 },
  groupUsers: { def: 1000, max: 1000 },
  groupApps: { def: 20, max: 20 },
  apps: { def: 20, max: 200 },
  appUsers: { def: 50, max: 500 },
  apiTokens: { def: 20, max: 200 },
  logs: { def: 100, max: 1000 },
} as const;

export type PagedDataset = keyof typeof PAGE_SIZES;

/** Okta caps an over-large limit silently at the maximum; a missing or invalid one gets the default. */
export function parseLimit(raw: string | null, dataset: PagedDataset): number {
  const { def, max } = PAGE_SIZES[dataset];
  const n = raw === null ? Number.NaN : Number.parseInt(raw, 10);
  if (!Number.isFinite(n) || n < 1) return def;
  return Math.min(n, max);
}

// Cursors are opaque to clients (base64url of the last id served), never an offset in clear.
export const encodeCursor = (lastId: string): string => Buffer.from(lastId, 'utf8').toString('base64url');

export function decodeCursor(raw: string | null): string | null | undefined {
  if (raw === null || raw === '') return null;
  const decoded = Buffer.from(raw, 'base64url').toString('utf8');
  return /^[0-9A-Za-z]{4,40}$/.test(decoded) ? decoded : undefined;
}

export interface Page<T> {
  items: T[];
  /** Cursor for the next page, or null on the last page. */
  next: string | null;
}

/** One page of an id-sorted array: items after the cursor id, `limit` of them. */
export function pageOf<T>(
  items: readonly T[],
  keyOf: (t: T) => string,
  after: string | null,
  limit: number,
): Page<T> {
  const start = after === null ? 0 : upperBound(items, after, keyOf);
  const slice = items.slice(start, start + limit);
  const last = slice[slice.length - 1];
  const hasMore = start + limit < items.length;
  return { items: slice as T[], next: hasMore && last !== undefined ? encodeCursor(keyOf(last)) : null };
}

/** The absolute URL of the next page: the request URL with `after` replaced and `limit` made explicit. */
export function nextUrl(selfUrl: URL, cursor: string, limit: number): string {
  const u = new URL(selfUrl.href);
  u.searchParams.set('after', cursor);
  u.searchParams.set('limit', String(limit));
  return u.href;
}

/** Okta sends `self` and `next` as two separate Link header values. */
export function linkHeaders(selfUrl: URL, next: string | null): string[] {
  const out = [`<${selfUrl.href}>; rel="self"`];
  if (next !== null) out.push(`<${next}>; rel="next"`);
  return out;
}

/** Like `pageOf`, skipping items that fail `keep`; `next` only when another kept item exists. */
export function pageWhere<T>(
  items: readonly T[],
  keyOf: (t: T) => string,
  after: string | null,
  limit: number,
  keep: (t: T) => boolean,
): Page<T> {
  const out: T[] = [];
  let i = after === null ? 0 : upperBound(items, after, keyOf);
  for (; i < items.length && out.length < limit; i++) if (keep(items[i] as T)) out.push(items[i] as T);
  let more = false;
  for (; i < items.length; i++) {
    if (keep(items[i] as T)) {
      more = true;
      break;
    }
  }
  const last = out[out.length - 1];
  return { items: out, next: more && last !== undefined ? encodeCursor(keyOf(last)) : null };
}
