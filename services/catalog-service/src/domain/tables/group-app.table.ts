import type { OktaRowColumns } from './okta-row.js';

export interface GroupAppTable extends OktaRowColumns {
  group_id: string;
  app_id: string;
  priority: number | null;
}
