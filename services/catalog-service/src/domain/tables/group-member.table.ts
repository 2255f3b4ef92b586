import type { OktaRowColumns } from './okta-row.js';

export interface GroupMemberTable extends OktaRowColumns {
  group_id: string;
  user_id: string;
}
