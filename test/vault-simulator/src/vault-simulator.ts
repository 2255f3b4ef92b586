import {
  KubernetesAuth,
  type KubernetesAuthOptions,
  type KubernetesRole,
  type ServiceAccount,
} from './kubernetes-auth.js';
import { type DumpedSecret, KvStore } from './kv-store.js';
import { type Capability, capabilitiesFor, DEFAULT_POLICY, type PolicyRule } from './policy.js';
import { type CreateTokenOptions, type SimToken, TokenStore } from './token-store.js';

/** `refused`: nothing listens on the port; `reset`: connections are accepted then reset. */
export type UnavailableMode = 'refused' | 'reset';

export interface VaultSimulatorOptions {
  /** The root token's id (default: a generated `hvs.` token). */
  rootToken?: string;
  /** KV v2 mounts (default `['secret']`). */
  mounts?: string[];
  /** ACL policies by name; `default` and `root` are built in. */
  policies?: Record<string, PolicyRule[]>;
  kubernetes?: KubernetesAuthOptions;
}

/**
 * The state of one simulated Vault and its in-process control functions; `vault-api.ts` serves it
 * over HTTP.
 */
export class VaultSimulator {
  readonly rootToken: string;
  readonly tokens = new TokenStore();
  readonly kubernetes: KubernetesAuth;
  private readonly mounts = new Map<string, KvStore>();
  private readonly policies = new Map<string, PolicyRule[]>([['default', DEFAULT_POLICY]]);
  private readonly counts = new Map<string, number>();
  private sealedState = false;
  private unavailableMode: UnavailableMode | false = false;
  /** Set by the HTTP server so that availability changes reach the listening socket. */
  onAvailabilityChange: ((mode: UnavailableMode | false) => Promise<void>) | undefined;

  constructor(options: VaultSimulatorOptions = {}) {
    for (const mount of options.mounts ?? ['secret']) this.addMount(mount);
    for (const [name, rules] of Object.entries(options.policies ?? {})) this.setPolicy(name, rules);
    this.kubernetes = new KubernetesAuth(options.kubernetes);
    const root = this.tokens.create({
      ...(options.rootToken ? { id: options.rootToken } : {}),
      policies: ['root'],
      path: 'auth/token/root',
      displayName: 'root',
      renewable: false,
    });
    this.rootToken = root.id;
  }

  /** Enables a KV v2 engine at `mount` (no-op when present). */
  addMount(mount: string): void {
    if (!this.mounts.has(mount)) this.mounts.set(mount, new KvStore(mount));
  }

  kv(mount: string): KvStore | undefined {
    return this.mounts.get(mount);
  }

  setPolicy(name: string, rules: PolicyRule[]): void {
    this.policies.set(name, rules);
  }

  /** Capabilities of `token` on an API path (without `/v1/`). */
  capabilities(token: SimToken, path: string): Set<Capability> {
    if (token.policies.includes('root')) {
      return new Set<Capability>(['create', 'read', 'update', 'patch', 'delete', 'list', 'sudo']);
    }
    const rules = token.policies.map((p) => this.policies.get(p) ?? []);
    return capabilitiesFor(rules, path);
  }

  /** Issues a token and returns its id (policies default to `['default']`). */
  createToken(options: CreateTokenOptions = {}): string {
    return this.tokens.create(options).id;
  }

  revokeToken(id: string): void {
    this.tokens.revoke(id);
  }

  /** Revokes every token except the root token, as if leases had been revoked behind clients' backs. */
  revokeAllTokens(): number {
    return this.tokens.revokeAllExcept(this.rootToken);
  }

  /** Makes a token's TTL run out now; its next use gets 403. */
  expireToken(id: string): void {
    this.tokens.expire(id);
  }

  setKubernetesRole(name: string, role: KubernetesRole): void {
    this.kubernetes.setRole(name, role);
  }

  /** A service-account JWT that `auth/kubernetes/login` accepts (stands in for TokenReview). */
  issueServiceAccountJwt(account: ServiceAccount): string {
    return this.kubernetes.issueJwt(account);
  }

  get sealed(): boolean {
    return this.sealedState;
  }

  /** Sealed: every endpoint answers 503, sys/health included. */
  seal(): void {
    this.sealedState = true;
  }

  unseal(): void {
    this.sealedState = false;
  }

  get unavailable(): UnavailableMode | false {
    return this.unavailableMode;
  }

  /** Refuse or reset connections (`false` restores service); resolves once the socket agrees. */
  async setUnavailable(mode: UnavailableMode | false): Promise<void> {
    this.unavailableMode = mode;
    await this.onAvailabilityChange?.(mode);
  }

  countRequest(method: string, path: string): void {
    const key = `${method} ${path}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  /** Requests served so far by `"METHOD /v1/path"`. */
  requestCounts(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }

  /** Number of requests whose `"METHOD /v1/path"` key contains `fragment` (all when omitted). */
  requestCount(fragment = ''): number {
    let total = 0;
    for (const [key, n] of this.counts) if (key.includes(fragment)) total += n;
    return total;
  }

  resetRequestCounts(): void {
    this.counts.clear();
  }

  /** Every stored key of every mount with its versions' data (destroyed data is `null`). */
  dumpSecrets(): DumpedSecret[] {
    return [...this.mounts.values()].flatMap((kv) => kv.dump());
  }
}
