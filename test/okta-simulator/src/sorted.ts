// Helpers for arrays kept sorted by id: every listing pages with "first id greater than the cursor".

/** Index of the first element whose key is greater than `key`. */
export function upperBound<T>(items: readonly T[], key: string, keyOf: (item: T) => string): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keyOf(items[mid] as T) <= key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the element with `key`, or -1. */
export function indexOfKey<T>(items: readonly T[], key: string, keyOf: (item: T) => string): number {
  const i = upperBound(items, key, keyOf) - 1;
  return i >= 0 && keyOf(items[i] as T) === key ? i : -1;
}

/** Inserts keeping order; returns false when the key is already present. */
export function insertSorted<T>(items: T[], item: T, keyOf: (item: T) => string): boolean {
  const key = keyOf(item);
  const i = upperBound(items, key, keyOf);
  if (i > 0 && keyOf(items[i - 1] as T) === key) return false;
  items.splice(i, 0, item);
  return true;
}

/** Removes the element with `key`; returns it or undefined. */
export function removeSorted<T>(items: T[], key: string, keyOf: (item: T) => string): T | undefined {
  const i = indexOfKey(items, key, keyOf);
  return i < 0 ? undefined : items.splice(i, 1)[0];
}

export const selfKey = (s: string): string => s;
export const idKey = (r: { id: string }): string => r.id;
