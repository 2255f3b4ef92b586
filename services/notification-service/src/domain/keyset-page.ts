// One pagination shape for every list (issue 13): `limit` and an opaque `cursor` in, `nextCursor`
// out. The cursor holds the last row's creation time (milliseconds) and id; rows are ordered by the
// same millisecond-truncated time so a cursor never skips rows that share a millisecond.
import { InvalidInputError } from '@appgov/errors';
import { type Expression, type SqlBool, sql } from 'kysely';

/** Where a page starts: after this row. */
export interface PageAfter {
  createdAt: Date;
  id: string;
}

export interface PageRequest {
  limit: number;
  after?: PageAfter;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The cursor of a page ending with this row. */
export function encodeCursor(row: { createdAt: string; id: string }): string {
  return Buffer.from(`${row.createdAt}|${row.id}`).toString('base64url');
}

/** A cursor this API handed out, or 400 `NOTIFICATION_CURSOR_INVALID`. */
export function decodeCursor(cursor: string | undefined): PageAfter | undefined {
  if (!cursor) return undefined;
  const [at, id, extra] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const createdAt = new Date(at ?? '');
  if (!id || extra !== undefined || !UUID.test(id) || Number.isNaN(createdAt.getTime())) {
    throw new InvalidInputError('NOTIFICATION_CURSOR_INVALID', 'The cursor is not one this API returned.');
  }
  return { createdAt, id };
}

/** The ordering key of a row: its creation time to the millisecond, as cursors carry it. */
export const pageKey = sql<Date>`date_trunc('milliseconds', created_at)`;

/** Rows after the cursor, in ascending (time, id) order. */
export function afterCursor(after: PageAfter): Expression<SqlBool> {
  return sql<SqlBool>`(date_trunc('milliseconds', created_at), id) > (${after.createdAt}, ${after.id}::uuid)`;
}

/** `nextCursor` of a page: set when the page is full (there may be more). */
export function nextCursorOf<T extends { createdAt: string; id: string }>(
  items: T[],
  limit: number,
): string | null {
  const last = items[items.length - 1];
  return items.length === limit && last ? encodeCursor(last) : null;
}
