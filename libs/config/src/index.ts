export { type Static, Type } from '@sinclair/typebox';
export * from './load-config.js';
export * from './service-config.js';
export * from './tls-files.js';
