export * from './app-error.js';
export * from './backoff.js';
export * from './dependency-outage.js';
