import { randomUUID } from 'node:crypto';
import { badRequest, permissionDenied, VaultHttpError } from './vault-errors.js';

/** A Kubernetes auth role (`auth/kubernetes/role/:name`). */
export interface KubernetesRole {
  boundServiceAccountNames: string[];
  boundServiceAccountNamespaces: string[];
  /** Policies of issued tokens; `default` is added as Vault does. */
  policies: string[];
  /** Token TTL in seconds (Vault's default lease is 32 days). */
  ttlSeconds?: number;
  maxTtlSeconds?: number;
}

export interface KubernetesAuthOptions {
  /** Where the method is mounted under `auth/` (default `kubernetes`). */
  mountPath?: string;
  roles?: Record<string, KubernetesRole>;
}

export interface ServiceAccount {
  name: string;
  namespace: string;
  uid?: string;
}

/** The identity a login proved, for the token's metadata. */
export interface KubernetesIdentity {
  role: KubernetesRole;
  meta: Record<string, string>;
}

const b64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * Stands in for the Kubernetes TokenReview API: only JWTs this simulator issued (and did not revoke)
 * are valid, and their claims name the service account.
 */
export class KubernetesAuth {
  readonly mountPath: string;
  private readonly roles = new Map<string, KubernetesRole>();
  private readonly issued = new Map<string, Required<ServiceAccount>>();

  constructor(options: KubernetesAuthOptions = {}) {
    this.mountPath = options.mountPath ?? 'kubernetes';
    for (const [name, role] of Object.entries(options.roles ?? {})) this.roles.set(name, role);
  }

  setRole(name: string, role: KubernetesRole): void {
    this.roles.set(name, role);
  }

  /** A projected service-account token for `account`, accepted by `login` until revoked. */
  issueJwt(account: ServiceAccount): string {
    const sa = { uid: randomUUID(), ...account };
    const nowS = Math.floor(Date.now() / 1000);
    const payload = {
      aud: ['https://kubernetes.default.svc'],
      iat: nowS,
      exp: nowS + 3600,
      iss: 'https://kubernetes.default.svc',
      sub: `system:serviceaccount:${sa.namespace}:${sa.name}`,
      'kubernetes.io': { namespace: sa.namespace, serviceaccount: { name: sa.name, uid: sa.uid } },
    };
    // The signature is opaque: validity is decided by the issued set, as TokenReview would.
    const jwt = `${b64url({ alg: 'RS256', kid: 'vault-simulator' })}.${b64url(payload)}.${randomUUID().replaceAll('-', '')}`;
    this.issued.set(jwt, sa);
    return jwt;
  }

  revokeJwt(jwt: string): void {
    this.issued.delete(jwt);
  }

  /** `POST auth/<mount>/login`: checks the role binding; errors as the Vault plugin words them. */
  login(body: unknown): KubernetesIdentity {
    const { role: roleName, jwt } = (body ?? {}) as { role?: unknown; jwt?: unknown };
    if (typeof roleName !== 'string' || roleName === '') throw badRequest('missing role');
    if (typeof jwt !== 'string' || jwt === '') throw badRequest('missing jwt');
    const role = this.roles.get(roleName);
    if (!role) throw badRequest(`invalid role name "${roleName}"`);
    const sa = this.issued.get(jwt);
    if (!sa) throw permissionDenied();
    const allows = (bound: string[], value: string) => bound.includes('*') || bound.includes(value);
    if (!allows(role.boundServiceAccountNames, sa.name)) {
      throw new VaultHttpError(403, ['service account name not authorized']);
    }
    if (!allows(role.boundServiceAccountNamespaces, sa.namespace)) {
      throw new VaultHttpError(403, ['namespace not authorized']);
    }
    return {
      role,
      meta: {
        role: roleName,
        service_account_name: sa.name,
        service_account_namespace: sa.namespace,
        service_account_secret_name: '',
        service_account_uid: sa.uid,
      },
    };
  }
}
