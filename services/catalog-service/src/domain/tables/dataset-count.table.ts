import type { ColumnType } from 'kysely';

/** Maintained row counts per dataset of a connection, plus its `open-findings`. */
export interface DatasetCountTable {
  tenant_id: string;
  connection_id: string;
  dataset: string;
  /** bigint: pg hands it over as a string. */
  row_count: ColumnType<string, number | string, number | string>;
}
