import type { OktaRowColumns } from './okta-row.js';

export interface UserTable extends OktaRowColumns {
  id: string;
  status: string;
  login: string;
  email: string | null;
  first_name: string | null;
  last_name: string | null;
  created: Date;
  activated: Date | null;
  status_changed: Date | null;
  last_login: Date | null;
  last_updated: Date;
  password_changed: Date | null;
  type_id: string | null;
}
