export * from './app-error.js';
export * from './dependency-outage.js';
