export * from './check.js';
export * from './compare.js';
export * from './disturbances.js';
export * from './private-infra.js';
export * from './scenario.js';
export * from './settle.js';
export * from './stack.js';
export * from './table.js';
