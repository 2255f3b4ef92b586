import type { MigrationRecord } from '@appgov/db';
import { notificationInitial } from './20261129000100_notification_initial.js';

/** Every migration of the notification schema, by timestamp-prefixed name. */
export const notificationMigrations: MigrationRecord = {
  '20261129000100_notification_initial': notificationInitial,
};
