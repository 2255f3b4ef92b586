import type { OktaRowColumns } from './okta-row.js';

export interface GroupTable extends OktaRowColumns {
  id: string;
  type: string;
  name: string;
  description: string | null;
  last_updated: Date;
  last_membership_updated: Date | null;
}
