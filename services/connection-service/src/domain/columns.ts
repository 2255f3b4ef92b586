import type { ColumnType } from 'kysely';

/** A jsonb column: written as a JSON string, read back parsed. */
export type JsonColumn<T> = ColumnType<T, string | undefined, string>;

/** A nullable bigint column: pg returns bigint as a string. */
export type BigIntColumn = ColumnType<string | null, number | null | undefined, number | null>;
