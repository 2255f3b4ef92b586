export * from './app.js';
export * from './config.js';
export { handle as handleOktaRecords } from './consumers/okta-records.consumer.js';
export * from './domain/catalog.repository.js';
export { catalogMigrations } from './migrations/index.js';
export * from './service.js';
