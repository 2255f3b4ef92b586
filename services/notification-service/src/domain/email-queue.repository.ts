import { sql } from 'kysely';
import type { Executor, NotificationDb, NotificationTrx } from './db.js';
import type { EmailKind, RenderedEmail } from './email-templates.js';

/** Queues one email per address in the caller's transaction; a repeated dedupe key queues nothing. */
export async function enqueueEmail(
  trx: NotificationTrx,
  input: {
    tenantId: string;
    dedupeKey: string;
    kind: EmailKind;
    to: string[];
    email: RenderedEmail;
    now: Date;
  },
): Promise<number> {
  if (input.to.length === 0) return 0;
  const rows = await trx
    .insertInto('email_queue')
    .values(
      input.to.map((address) => ({
        tenant_id: input.tenantId,
        dedupe_key: input.dedupeKey,
        kind: input.kind,
        to_address: address,
        subject: input.email.subject,
        text_body: input.email.text,
        html_body: input.email.html,
        next_attempt_at: input.now,
        last_error: null,
        sent_at: null,
      })),
    )
    .onConflict((oc) => oc.expression(sql`dedupe_key, lower(to_address)`).doNothing())
    .returning('id')
    .execute();
  return rows.length;
}

/** A queued email taken by a sender. */
export interface ClaimedEmail {
  id: string;
  tenantId: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  attempts: number;
}

/**
 * Takes up to `limit` due emails and hides them from other senders until `leaseUntil` (a sender
 * that dies mid-send leaves them to be retried after the lease: at-least-once delivery).
 */
export async function claimDueEmails(
  db: NotificationDb,
  now: Date,
  leaseUntil: Date,
  limit: number,
): Promise<ClaimedEmail[]> {
  const rows = await db
    .updateTable('email_queue')
    .set((eb) => ({ next_attempt_at: leaseUntil, attempts: eb('attempts', '+', 1) }))
    .where('id', 'in', (qb) =>
      qb
        .selectFrom('email_queue')
        .select('id')
        .where('status', '=', 'pending')
        .where('next_attempt_at', '<=', now)
        .orderBy('next_attempt_at')
        .orderBy('id')
        .limit(limit)
        .forUpdate()
        .skipLocked(),
    )
    .returning(['id', 'tenant_id', 'to_address', 'subject', 'text_body', 'html_body', 'attempts'])
    .execute();
  return rows.map((r) => ({
    id: r.id,
    tenantId: r.tenant_id,
    to: r.to_address,
    subject: r.subject,
    text: r.text_body,
    html: r.html_body,
    attempts: r.attempts,
  }));
}

export async function markEmailSent(db: Executor, id: string, now: Date): Promise<void> {
  await db
    .updateTable('email_queue')
    .set({ status: 'sent', sent_at: now, last_error: null })
    .where('id', '=', id)
    .execute();
}

export async function markEmailRetry(
  db: Executor,
  id: string,
  nextAttemptAt: Date,
  error: string,
): Promise<void> {
  await db
    .updateTable('email_queue')
    .set({ next_attempt_at: nextAttemptAt, last_error: error.slice(0, 1000) })
    .where('id', '=', id)
    .execute();
}

export async function markEmailFailed(db: Executor, id: string, error: string): Promise<void> {
  await db
    .updateTable('email_queue')
    .set({ status: 'failed', last_error: error.slice(0, 1000) })
    .where('id', '=', id)
    .execute();
}
