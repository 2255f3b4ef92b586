import type { Kysely, Transaction } from 'kysely';
import type { NotificationDatabase } from './notification.table.js';

/** The service's database handle. */
export type NotificationDb = Kysely<NotificationDatabase>;
/** A transaction on it. */
export type NotificationTrx = Transaction<NotificationDatabase>;
/** Either; read and write helpers that need no lock take this. */
export type Executor = NotificationDb | NotificationTrx;
