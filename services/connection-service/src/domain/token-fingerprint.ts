import { createHash } from 'node:crypto';

/** Non-reversible identifier of a token for display and events (C3): 16 hex chars of its SHA-256. */
export function tokenFingerprint(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex').slice(0, 16);
}

/** The last four characters, the only part of a token ever shown (C3). */
export function tokenLast4(token: string): string {
  return token.length <= 8 ? '' : token.slice(-4);
}

/** `••••••••abcd`. */
export function maskToken(last4: string): string {
  return `••••••••${last4}`;
}
