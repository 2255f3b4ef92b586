export * from './create-db.js';
export * from './migration-runner.js';
export * from './outbox.migration.js';
export * from './outbox.repository.js';
export * from './outbox.table.js';
export { permanentSendReason, QUARANTINE_HEADER } from './outbox-quarantine.js';
export * from './outbox-relay.js';
export * from './pool.metrics.js';
export * from './transaction.js';
