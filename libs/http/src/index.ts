export * from './auth.js';
export * from './build-http-app.js';
export * from './health.routes.js';
export * from './idempotency.js';
export * from './plugins/index.js';
export * from './problem-details.js';
export * from './rate-limit.js';
export * from './shutdown-on-signals.js';
