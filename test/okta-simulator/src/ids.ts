import type { Rng } from './generate/prng.js';

// ASCII order of this alphabet equals its numeric order, so fixed-width ids sort by creation sequence,
// which lets every listing page by "first id greater than the cursor" with a binary search.
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Okta-looking 20-character ids (`00u…`, `00g…`, `0oa…`) whose order is their creation order. */
export class IdFactory {
  private sequence = 0;
  constructor(private readonly rng: Rng) {}

  next(prefix: string): string {
    let n = ++this.sequence;
    let seq = '';
    for (let i = 0; i < 8; i++) {
      seq = ALPHABET[n % 62] + seq;
      n = Math.floor(n / 62);
    }
    let tail = '';
    for (let i = 0; i < 20 - prefix.length - 8; i++) tail += ALPHABET[Math.floor(this.rng.next() * 62)];
    return prefix + seq + tail;
  }

  /** A random secret such as an SSWS token value. */
  secret(length: number): string {
    let s = '';
    for (let i = 0; i < length; i++) s += ALPHABET[Math.floor(this.rng.next() * 62)];
    return s;
  }
}
