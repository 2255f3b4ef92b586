import type { EventData } from '@appgov/contracts';
import type { ColumnType } from 'kysely';

type FindingData = EventData<'finding.opened'>;

export interface FindingTable {
  id: string;
  tenant_id: string;
  connection_id: string;
  kind: FindingData['kind'];
  severity: FindingData['severity'];
  subject_type: FindingData['subject']['type'];
  subject_id: string;
  subject_label: string | null;
  details: ColumnType<Record<string, unknown>, string | undefined, string>;
  first_seen: Date;
  last_seen_sync: string | null;
  resolved_at: Date | null;
}
