// Finding 10: a message Kafka refuses for good (too large, invalid) would block the relay forever,
// because rows are published in id order. Such a row is set aside ("quarantined"): marked sent with
// the reason in its headers, logged at error and counted, so an alert names it and an operator can
// find it (`select * from outbox where headers ? 'appgov-quarantined'`).

/** Kafka error types that no retry can fix for the same message. */
const PERMANENT_TYPES = new Set([
  'MESSAGE_TOO_LARGE',
  'RECORD_LIST_TOO_LARGE',
  'INVALID_RECORD',
  'CORRUPT_MESSAGE',
  'INVALID_TOPIC_EXCEPTION',
  'INVALID_REQUIRED_ACKS',
]);

/** The header a quarantined row carries (its value is the reason). */
export const QUARANTINE_HEADER = 'appgov-quarantined';

/** The Kafka error type that makes `error` permanent, if any (walks kafkajs's cause chains). */
export function permanentSendReason(error: unknown, depth = 0): string | undefined {
  if (depth > 5 || error === null || typeof error !== 'object') return undefined;
  const e = error as {
    type?: unknown;
    message?: unknown;
    cause?: unknown;
    originalError?: unknown;
    errors?: unknown;
  };
  if (typeof e.type === 'string' && PERMANENT_TYPES.has(e.type)) return e.type;
  if (typeof e.message === 'string' && /larger than the max message size/i.test(e.message))
    return 'MESSAGE_TOO_LARGE';
  for (const inner of [e.cause, e.originalError, ...(Array.isArray(e.errors) ? e.errors : [])]) {
    const reason = permanentSendReason(inner, depth + 1);
    if (reason) return reason;
  }
  return undefined;
}
