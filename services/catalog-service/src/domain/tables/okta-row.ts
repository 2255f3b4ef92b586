/** Columns every Okta dataset row carries (SPEC K1): whose it is and which syncs saw it. */
export interface OktaRowColumns {
  tenant_id: string;
  connection_id: string;
  first_seen_sync: string;
  last_seen_sync: string;
}
