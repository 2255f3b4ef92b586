// One pagination shape for every list (issue 13): `limit` and an opaque `cursor` in, `nextCursor`
// out. A cursor is the last row's sort key: the base64url of a JSON array of strings. Times are
// kept to the millisecond, and the queries order by the same truncated time, so a cursor never
// skips rows that share a millisecond.
import { InvalidInputError } from '@appgov/errors';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** How each position of a cursor is checked. */
export type CursorPart = 'time' | 'uuid' | 'text';

function invalid(): InvalidInputError {
  return new InvalidInputError('CONNECTION_CURSOR_INVALID', 'The cursor is not one this API returned.');
}

export function encodeCursor(parts: Array<string | Date>): string {
  const values = parts.map((p) => (p instanceof Date ? p.toISOString() : p));
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

/** The parts of a cursor this API handed out (times as Dates), or 400 `CONNECTION_CURSOR_INVALID`. */
export function decodeCursor(cursor: string, shape: CursorPart[]): Array<string | Date> {
  let values: unknown;
  try {
    values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (!Array.isArray(values) || values.length !== shape.length) throw invalid();
  return shape.map((kind, i) => {
    const v = values[i];
    if (typeof v !== 'string' || v.length > 200 || v.includes('\u0000')) throw invalid();
    if (kind === 'uuid' && !UUID.test(v)) throw invalid();
    if (kind === 'time') {
      const at = new Date(v);
      if (Number.isNaN(at.getTime())) throw invalid();
      return at;
    }
    return v;
  });
}

/** `nextCursor` of a page: the last row's key when the page is full, else null. */
export function nextCursorOf<T>(
  rows: T[],
  limit: number,
  key: (row: T) => Array<string | Date>,
): string | null {
  const last = rows[rows.length - 1];
  return rows.length === limit && last !== undefined ? encodeCursor(key(last)) : null;
}
