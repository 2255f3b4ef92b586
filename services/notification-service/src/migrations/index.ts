import type { MigrationRecord } from '@appgov/db';
import { notificationInitial } from './20261129000100_notification_initial.js';
import { webhookSecretInVault } from './20261130000100_webhook_secret_in_vault.js';

/** Every migration of the notification schema, by timestamp-prefixed name. */
export const notificationMigrations: MigrationRecord = {
  '20261129000100_notification_initial': notificationInitial,
  '20261130000100_webhook_secret_in_vault': webhookSecretInVault,
};
