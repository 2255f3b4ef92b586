import { randomBytes } from 'node:crypto';
import { injectTraceparent } from '@appgov/telemetry';
import { sql, type Transaction } from 'kysely';
import { type OutboxDatabase, outboxView } from './outbox.table.js';

/** A message to publish once the surrounding transaction commits. */
export interface OutboxMessage {
  topic: string;
  /** Kafka key; messages with the same key are published in enqueue order. */
  key: string | null;
  value: object;
  headers?: Record<string, string>;
}

/** The LISTEN/NOTIFY channel that wakes the relay of `schema`. */
export function outboxChannel(schema: string): string {
  return `appgov_outbox_${schema}`;
}

/**
 * Inserts messages into the outbox inside the caller's transaction, so they are published if and
 * only if the state change commits; the NOTIFY is delivered on commit too. Each row keeps the
 * active trace context (`traceparent`, unless the caller set one) so the relay's Kafka message
 * continues the trace of the request or message that caused it; with no active span it starts a
 * new (unsampled) trace, so every outbox message carries a `traceparent`.
 */
export async function enqueueOutbox<DB extends OutboxDatabase>(
  trx: Transaction<DB>,
  messages: OutboxMessage[],
): Promise<void> {
  if (messages.length === 0) return;
  await outboxView(trx)
    .insertInto('outbox')
    .values(
      messages.map((m) => ({
        topic: m.topic,
        key: m.key,
        value: JSON.stringify(m.value),
        headers: JSON.stringify(withTraceparent(m.headers ?? {})),
      })),
    )
    .execute();
  await sql`select pg_notify(${sql.lit('appgov_outbox_')} || current_schema(), '')`.execute(trx);
}

function withTraceparent(headers: Record<string, string>): Record<string, string> {
  if (headers.traceparent) return headers;
  const out = injectTraceparent({ ...headers });
  out.traceparent ??= `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-00`;
  return out;
}
