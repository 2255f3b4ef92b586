import { badRequest, notFound, VaultHttpError } from './vault-errors.js';

/** Vault keeps 10 versions per key when `max_versions` is 0 or unset. */
const DEFAULT_MAX_VERSIONS = 10;

interface StoredVersion {
  createdTime: string;
  /** '' when live; an RFC 3339 time once soft-deleted. */
  deletionTime: string;
  destroyed: boolean;
  /** Cleared when destroyed: destroyed data is gone for good. */
  data: Record<string, unknown> | null;
}

interface StoredKey {
  createdTime: string;
  updatedTime: string;
  currentVersion: number;
  maxVersions: number;
  casRequired: boolean;
  customMetadata: Record<string, string> | null;
  versions: Map<number, StoredVersion>;
}

/** What a test sees of one stored key (`dumpSecrets`). */
export interface DumpedSecret {
  mount: string;
  path: string;
  currentVersion: number;
  versions: Array<{
    version: number;
    deletionTime: string;
    destroyed: boolean;
    data: Record<string, unknown> | null;
  }>;
}

const now = (): string => new Date().toISOString();

function versionMetadata(v: StoredVersion, version: number) {
  return { created_time: v.createdTime, deletion_time: v.deletionTime, destroyed: v.destroyed, version };
}

function isLive(v: StoredVersion): boolean {
  return !v.destroyed && v.deletionTime === '';
}

function parseVersions(body: unknown): number[] {
  const versions = (body as { versions?: unknown } | null)?.versions;
  if (!Array.isArray(versions) || versions.length === 0) throw badRequest('no version number provided');
  return versions.map((v) => Number(v)).filter((v) => Number.isInteger(v) && v > 0);
}

/** One KV version 2 mount: versions, check-and-set, soft delete, destroy, metadata and list. */
export class KvStore {
  private readonly keys = new Map<string, StoredKey>();

  constructor(readonly mount: string) {}

  exists(path: string): boolean {
    return this.keys.has(path);
  }

  /** `GET data/:path?version=N`: the `data` field of Vault's response. */
  read(path: string, version = 0): unknown {
    const key = this.keys.get(path);
    if (!key) throw notFound();
    const wanted = version > 0 ? version : key.currentVersion;
    const v = key.versions.get(wanted);
    if (!v) throw notFound();
    const metadata = { ...versionMetadata(v, wanted), custom_metadata: key.customMetadata };
    // Vault answers 404 for a deleted or destroyed version but still sends its metadata.
    if (!isLive(v)) throw new VaultHttpError(404, [], { data: null, metadata });
    return { data: v.data, metadata };
  }

  /** `POST/PUT data/:path`. */
  write(path: string, body: unknown): unknown {
    const { data, options } = (body ?? {}) as { data?: unknown; options?: { cas?: unknown } };
    if (data === undefined || data === null || typeof data !== 'object' || Array.isArray(data)) {
      throw badRequest('no data provided');
    }
    let key = this.keys.get(path);
    const cas = options?.cas;
    if (cas !== undefined && cas !== null) {
      const current = key?.currentVersion ?? 0;
      if (Number(cas) !== current)
        throw badRequest('check-and-set parameter did not match the current version');
    } else if (key?.casRequired) {
      throw badRequest('check-and-set parameter required for this call');
    }
    const time = now();
    if (!key) {
      key = {
        createdTime: time,
        updatedTime: time,
        currentVersion: 0,
        maxVersions: 0,
        casRequired: false,
        customMetadata: null,
        versions: new Map(),
      };
      this.keys.set(path, key);
    }
    const version = key.currentVersion + 1;
    const stored: StoredVersion = {
      createdTime: time,
      deletionTime: '',
      destroyed: false,
      data: structuredClone(data as Record<string, unknown>),
    };
    key.versions.set(version, stored);
    key.currentVersion = version;
    key.updatedTime = time;
    const max = key.maxVersions > 0 ? key.maxVersions : DEFAULT_MAX_VERSIONS;
    for (const old of [...key.versions.keys()].sort((a, b) => a - b)) {
      if (key.versions.size <= max) break;
      key.versions.delete(old);
    }
    return { ...versionMetadata(stored, version), custom_metadata: key.customMetadata };
  }

  /** `DELETE data/:path`: soft-deletes the latest version. */
  deleteLatest(path: string): void {
    const key = this.keys.get(path);
    if (!key) return;
    this.softDelete(path, [key.currentVersion]);
  }

  /** `POST delete/:path`. */
  softDelete(path: string, versions: number[]): void {
    const key = this.keys.get(path);
    if (!key) return;
    for (const n of versions) {
      const v = key.versions.get(n);
      if (v && v.deletionTime === '' && !v.destroyed) v.deletionTime = now();
    }
  }

  softDeleteVersions(path: string, body: unknown): void {
    this.softDelete(path, parseVersions(body));
  }

  /** `POST undelete/:path`. */
  undelete(path: string, body: unknown): void {
    const key = this.keys.get(path);
    for (const n of parseVersions(body)) {
      const v = key?.versions.get(n);
      if (v && !v.destroyed) v.deletionTime = '';
    }
  }

  /** `POST/PUT destroy/:path`: the data of these versions is removed for good. */
  destroy(path: string, body: unknown): void {
    const versions = parseVersions(body);
    const key = this.keys.get(path);
    if (!key) return;
    for (const n of versions) {
      const v = key.versions.get(n);
      if (v) {
        v.destroyed = true;
        v.data = null;
      }
    }
  }

  /** `GET metadata/:path`. */
  readMetadata(path: string): unknown {
    const key = this.keys.get(path);
    if (!key) throw notFound();
    const versions: Record<string, unknown> = {};
    for (const [n, v] of key.versions) {
      versions[String(n)] = {
        created_time: v.createdTime,
        deletion_time: v.deletionTime,
        destroyed: v.destroyed,
      };
    }
    const oldest = Math.min(...key.versions.keys());
    return {
      cas_required: key.casRequired,
      created_time: key.createdTime,
      current_version: key.currentVersion,
      custom_metadata: key.customMetadata,
      delete_version_after: '0s',
      max_versions: key.maxVersions,
      oldest_version: Number.isFinite(oldest) ? oldest : 0,
      updated_time: key.updatedTime,
      versions,
    };
  }

  /** `POST/PUT metadata/:path`: settings only, never a new version. */
  writeMetadata(path: string, body: unknown): void {
    const b = (body ?? {}) as {
      max_versions?: number;
      cas_required?: boolean;
      custom_metadata?: Record<string, string>;
    };
    const time = now();
    let key = this.keys.get(path);
    if (!key) {
      key = {
        createdTime: time,
        updatedTime: time,
        currentVersion: 0,
        maxVersions: 0,
        casRequired: false,
        customMetadata: null,
        versions: new Map(),
      };
      this.keys.set(path, key);
    }
    if (b.max_versions !== undefined) key.maxVersions = Number(b.max_versions);
    if (b.cas_required !== undefined) key.casRequired = Boolean(b.cas_required);
    if (b.custom_metadata !== undefined) key.customMetadata = b.custom_metadata;
    key.updatedTime = time;
  }

  /** `DELETE metadata/:path`: every version and the metadata, permanently. */
  deleteMetadata(path: string): void {
    this.keys.delete(path);
  }

  /** `LIST metadata/:folder`: direct children, folders suffixed with `/`. */
  list(folder: string): unknown {
    const prefix = folder === '' || folder.endsWith('/') ? folder : `${folder}/`;
    const keys = new Set<string>();
    for (const path of this.keys.keys()) {
      if (!path.startsWith(prefix)) continue;
      const rest = path.slice(prefix.length);
      const slash = rest.indexOf('/');
      keys.add(slash === -1 ? rest : rest.slice(0, slash + 1));
    }
    if (keys.size === 0) throw notFound();
    return { keys: [...keys].sort() };
  }

  dump(): DumpedSecret[] {
    return [...this.keys].map(([path, key]) => ({
      mount: this.mount,
      path,
      currentVersion: key.currentVersion,
      versions: [...key.versions].map(([version, v]) => ({
        version,
        deletionTime: v.deletionTime,
        destroyed: v.destroyed,
        data: v.data === null ? null : structuredClone(v.data),
      })),
    }));
  }
}
