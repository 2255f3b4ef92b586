/** The catalog's view of a connection: its current sync, and whether it was deleted. */
export interface ConnectionStateTable {
  connection_id: string;
  tenant_id: string;
  current_sync: string | null;
  deleted_at: Date | null;
}
