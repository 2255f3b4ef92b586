// Finding 2: per-org state (breaker, pacer, metric series) is kept for a bounded number of orgs.
// Anyone may submit any domain for validation, so without a bound every domain ever submitted
// stayed in memory for the life of the process.

/** What the registry needs of one org's state. */
export interface RegisteredOrg {
  /** Epoch ms of the last call through the org's breaker (or of its creation). */
  lastUsedAt(): number;
  /** False while the breaker is open or half-open: that state is kept, whatever the bound. */
  evictable(): boolean;
  /** Frees timers and metric series. */
  dispose(): void;
}

/** Bounds of {@link OrgRegistry}. */
export interface OrgRegistryOptions {
  /** Orgs kept beyond which idle ones are dropped (default 1000). */
  maxOrgs: number;
  /** An org unused for this long may be dropped (default 10 min); a running sync is never idle that long. */
  idleMs: number;
}

/** Defaults of {@link OrgRegistryOptions}. */
export const DEFAULT_ORG_REGISTRY: OrgRegistryOptions = { maxOrgs: 1000, idleMs: 10 * 60_000 };

/** A map of org state, least recently used first, that drops idle closed orgs over its bound. */
export class OrgRegistry<T extends RegisteredOrg> {
  readonly #orgs = new Map<string, T>();
  readonly #options: OrgRegistryOptions;
  readonly #now: () => number;

  constructor(options: Partial<OrgRegistryOptions> = {}, now: () => number = Date.now) {
    this.#options = { ...DEFAULT_ORG_REGISTRY, ...options };
    this.#now = now;
  }

  /** The org's state, created on first use; may drop idle orgs to stay within the bound. */
  get(domain: string, create: () => T): T {
    let org = this.#orgs.get(domain);
    if (org) {
      this.#orgs.delete(domain); // re-inserted: the map's order is least recently used first
    } else {
      this.#sweep();
      org = create();
    }
    this.#orgs.set(domain, org);
    return org;
  }

  /** The org's state if it is kept. */
  peek(domain: string): T | undefined {
    return this.#orgs.get(domain);
  }

  /** How many orgs are kept. */
  get size(): number {
    return this.#orgs.size;
  }

  /** Every kept org (for shutdown). */
  values(): IterableIterator<T> {
    return this.#orgs.values();
  }

  /** Forgets every org without disposing (the caller does). */
  clear(): void {
    this.#orgs.clear();
  }

  #sweep(): void {
    if (this.#orgs.size < this.#options.maxOrgs) return;
    const idleBefore = this.#now() - this.#options.idleMs;
    for (const [domain, org] of this.#orgs) {
      if (this.#orgs.size < this.#options.maxOrgs) return;
      if (org.lastUsedAt() > idleBefore || !org.evictable()) continue;
      this.#orgs.delete(domain);
      org.dispose();
    }
  }
}
