import type { OktaRowColumns } from './okta-row.js';

/** Token metadata only: Okta never hands out the token value. */
export interface ApiTokenTable extends OktaRowColumns {
  id: string;
  name: string;
  user_id: string;
  client_name: string | null;
  created: Date;
  expires_at: Date | null;
  last_updated: Date | null;
  token_window: string | null;
  network_connection: string | null;
}
