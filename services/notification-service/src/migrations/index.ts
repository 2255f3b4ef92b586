import type { MigrationRecord } from '@appgov/db';
import { notificationInitial } from './20261129000100_notification-initial.migration.js';
import { webhookSecretInVault } from './20261130000100_webhook-secret-in-vault.migration.js';

/**
 * Every migration of the notification schema, by timestamp-prefixed name. The keys are what the
 * migrator records in the database: they keep their first spelling whatever the files are called.
 */
export const notificationMigrations: MigrationRecord = {
  '20261129000100_notification_initial': notificationInitial,
  '20261130000100_webhook_secret_in_vault': webhookSecretInVault,
};
