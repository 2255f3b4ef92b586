import { randomBytes } from 'node:crypto';

/** A name no other test run uses: `<prefix>_<time>_<random>` in lower case (safe for topics, groups, schemas). */
export function uniqueName(prefix: string): string {
  const clean = prefix.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  return `${clean}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
}
