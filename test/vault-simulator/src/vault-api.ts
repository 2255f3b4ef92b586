import { randomUUID } from 'node:crypto';
import type { KvStore } from './kv-store.js';
import { type Capability, requireCapability } from './policy.js';
import type { SimToken } from './token-store.js';
import { noHandler, permissionDenied, sealed, unsupportedOperation, VaultHttpError } from './vault-errors.js';
import type { VaultSimulator } from './vault-simulator.js';

/** A request independent of the transport (node:http, or the raw LIST fallback). */
export interface ApiRequest {
  method: string;
  /** Path and query as sent, e.g. `/v1/secret/data/a?version=2`. */
  url: string;
  token: string | undefined;
  body: unknown;
}

export interface ApiResponse {
  status: number;
  body?: unknown;
}

/** The version sys/health reports; the simulator follows the 1.x HTTP API. */
export const SIMULATED_VERSION = '1.17.0+simulator';

type Operation = 'read' | 'list' | 'write' | 'delete' | 'patch';

function operationOf(method: string, query: URLSearchParams): Operation | undefined {
  switch (method) {
    case 'GET':
    case 'HEAD':
      return ['true', '1'].includes(query.get('list') ?? '') ? 'list' : 'read';
    case 'LIST':
      return 'list';
    case 'POST':
    case 'PUT':
      return 'write';
    case 'DELETE':
      return 'delete';
    case 'PATCH':
      return 'patch';
    default:
      return undefined;
  }
}

/** Vault's response envelope around `data` (or `auth`). */
function envelope(fields: { data?: unknown; auth?: unknown; mountType?: string }): unknown {
  return {
    request_id: randomUUID(),
    lease_id: '',
    renewable: false,
    lease_duration: 0,
    data: fields.data ?? null,
    wrap_info: null,
    warnings: null,
    auth: fields.auth ?? null,
    ...(fields.mountType ? { mount_type: fields.mountType } : {}),
  };
}

const ok = (data: unknown, mountType?: string): ApiResponse => ({
  status: 200,
  body: envelope(mountType ? { data, mountType } : { data }),
});
const noContent: ApiResponse = { status: 204 };

function health(sim: VaultSimulator, query: URLSearchParams): ApiResponse {
  const code = (name: string, fallback: number) => Number(query.get(name) ?? fallback);
  const body = {
    initialized: true,
    sealed: sim.sealed,
    standby: false,
    performance_standby: false,
    replication_performance_mode: 'disabled',
    replication_dr_mode: 'disabled',
    server_time_utc: Math.floor(Date.now() / 1000),
    version: SIMULATED_VERSION,
    cluster_name: 'vault-simulator',
    cluster_id: '00000000-0000-4000-8000-000000000000',
  };
  return { status: sim.sealed ? code('sealedcode', 503) : code('activecode', 200), body };
}

function sealStatus(sim: VaultSimulator): ApiResponse {
  return {
    status: 200,
    body: {
      type: 'shamir',
      initialized: true,
      sealed: sim.sealed,
      t: 1,
      n: 1,
      progress: 0,
      nonce: '',
      version: SIMULATED_VERSION,
      migration: false,
      recovery_seal: false,
      storage_type: 'inmem',
    },
  };
}

function handleKv(
  sim: VaultSimulator,
  kv: KvStore,
  token: SimToken,
  apiPath: string,
  rest: string,
  op: Operation,
  query: URLSearchParams,
  body: unknown,
): ApiResponse {
  const slash = rest.indexOf('/');
  const area = slash === -1 ? rest : rest.slice(0, slash);
  const path = slash === -1 ? '' : rest.slice(slash + 1);
  const caps = sim.capabilities(token, apiPath);
  const need = (c: Capability) => requireCapability(caps, c);
  const writeCap = (): Capability => (kv.exists(path) ? 'update' : 'create');
  switch (`${area} ${op}`) {
    case 'data read':
      need('read');
      return ok(kv.read(path, Number(query.get('version') ?? 0)), 'kv');
    case 'data write':
      need(writeCap());
      return ok(kv.write(path, body), 'kv');
    case 'data delete':
      need('delete');
      kv.deleteLatest(path);
      return noContent;
    case 'metadata read':
      need('read');
      return ok(kv.readMetadata(path), 'kv');
    case 'metadata list':
      need('list');
      return ok(kv.list(path), 'kv');
    case 'metadata write':
      need(writeCap());
      kv.writeMetadata(path, body);
      return noContent;
    case 'metadata delete':
      need('delete');
      kv.deleteMetadata(path);
      return noContent;
    case 'delete write':
      need('update');
      kv.softDeleteVersions(path, body);
      return noContent;
    case 'undelete write':
      need('update');
      kv.undelete(path, body);
      return noContent;
    case 'destroy write':
      need('update');
      kv.destroy(path, body);
      return noContent;
    default:
      if (!['data', 'metadata', 'delete', 'undelete', 'destroy', 'config', 'subkeys'].includes(area)) {
        throw token.policies.includes('root') ? noHandler(apiPath) : permissionDenied();
      }
      throw unsupportedOperation();
  }
}

function route(sim: VaultSimulator, req: ApiRequest): ApiResponse {
  const url = new URL(req.url, 'http://vault.local');
  const method = req.method.toUpperCase();
  if (url.pathname === '/v1/sys/health') return health(sim, url.searchParams);
  if (url.pathname === '/v1/sys/seal-status') return sealStatus(sim);
  if (sim.sealed) throw sealed();
  if (!url.pathname.startsWith('/v1/')) return { status: 404, body: '404 page not found\n' };
  const apiPath = decodeURIComponent(url.pathname.slice('/v1/'.length));
  const op = operationOf(method, url.searchParams);
  if (!op) throw unsupportedOperation();

  // Login is the one unauthenticated call a client makes.
  if (apiPath === `auth/${sim.kubernetes.mountPath}/login`) {
    if (op !== 'write') throw unsupportedOperation();
    const { role, meta } = sim.kubernetes.login(req.body);
    const token = sim.tokens.create({
      policies: ['default', ...role.policies.filter((p) => p !== 'default')],
      ttlSeconds: role.ttlSeconds ?? 2_764_800,
      maxTtlSeconds: role.maxTtlSeconds ?? 0,
      renewable: true,
      path: `auth/${sim.kubernetes.mountPath}/login`,
      displayName: `${sim.kubernetes.mountPath}-${meta.service_account_namespace}-${meta.service_account_name}`,
      meta,
    });
    const orphan = { ...sim.tokens.authBlock(token), orphan: true };
    return { status: 200, body: envelope({ auth: orphan }) };
  }

  const token = sim.tokens.authenticate(req.token);
  const caps = () => sim.capabilities(token, apiPath);
  if (apiPath === 'auth/token/lookup-self') {
    if (op !== 'read') throw unsupportedOperation();
    requireCapability(caps(), 'read');
    return ok(sim.tokens.lookupData(token));
  }
  if (apiPath === 'auth/token/renew-self') {
    if (op !== 'write') throw unsupportedOperation();
    requireCapability(caps(), 'update');
    const increment = (req.body as { increment?: unknown } | null)?.increment;
    return {
      status: 200,
      body: envelope({ auth: sim.tokens.authBlock(sim.tokens.renew(token, increment)) }),
    };
  }
  const slash = apiPath.indexOf('/');
  const kv = slash > 0 ? sim.kv(apiPath.slice(0, slash)) : undefined;
  if (kv) return handleKv(sim, kv, token, apiPath, apiPath.slice(slash + 1), op, url.searchParams, req.body);
  // Vault checks the ACL before routing: only a root token learns that a path has no handler.
  if (!token.policies.includes('root')) throw permissionDenied();
  throw noHandler(apiPath);
}

/** Serves one Vault HTTP API request against the simulator's state. */
export function handleVaultRequest(sim: VaultSimulator, req: ApiRequest): ApiResponse {
  const pathname = req.url.split('?')[0] ?? req.url;
  sim.countRequest(req.method.toUpperCase(), pathname);
  try {
    return route(sim, req);
  } catch (error) {
    if (error instanceof VaultHttpError) {
      return {
        status: error.status,
        body: error.body ? envelope({ data: error.body }) : { errors: error.errors },
      };
    }
    return { status: 500, body: { errors: [error instanceof Error ? error.message : String(error)] } };
  }
}
