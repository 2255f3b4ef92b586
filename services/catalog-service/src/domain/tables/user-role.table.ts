import type { OktaRowColumns } from './okta-row.js';

export interface UserRoleTable extends OktaRowColumns {
  user_id: string;
  role_id: string;
  type: string;
  label: string;
  status: string | null;
  assignment_type: string;
}
