export * from './logger.js';
export * from './metrics.js';
export * from './redact.js';
export * from './sampler.js';
export * from './tracing.js';
export * from './vault.metrics.js';
