// The job list's cursor (issue 13, one pagination shape): the last row's request time (to the
// millisecond) and sync id, base64url JSON. A cursor this API did not hand out is a 400.
import { InvalidInputError } from '@appgov/errors';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function encodeJobsCursor(requestedAt: Date, syncId: string): string {
  return Buffer.from(JSON.stringify([requestedAt.toISOString(), syncId])).toString('base64url');
}

export function decodeJobsCursor(cursor: string): [Date, string] {
  const invalid = () =>
    new InvalidInputError('INGEST_CURSOR_INVALID', 'The cursor is not one this API returned.');
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (!Array.isArray(value) || value.length !== 2) throw invalid();
  const [at, id] = value;
  if (typeof at !== 'string' || typeof id !== 'string' || !UUID.test(id)) throw invalid();
  const requestedAt = new Date(at);
  if (Number.isNaN(requestedAt.getTime())) throw invalid();
  return [requestedAt, id];
}
