export * from './secret-paths.js';
export * from './secret-store.js';
export * from './vault-env.js';
export * from './vault-error-count.js';
export * from './vault-error-mapping.js';
export * from './vault-session.js';
export * from './webhook-secret-store.js';
