import type { ConnectionDeps } from './connection.service.js';
import { saveSyncInterval } from './tenant-settings.repository.js';

/** C10 per-tenant interval override (null restores the default). */
export async function setTenantInterval(
  deps: Pick<ConnectionDeps, 'db'>,
  tenant: string,
  seconds: number | null,
): Promise<void> {
  await saveSyncInterval(deps.db, tenant, seconds);
}
