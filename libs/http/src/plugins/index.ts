export * from './auth.plugin.js';
export * from './http-metrics.plugin.js';
