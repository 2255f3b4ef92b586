export * from './commands.js';
export * from './connection-api.js';
export * from './dlq-reader.js';
export * from './dlq-replay.js';
export * from './run.js';
