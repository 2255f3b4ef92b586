export * from './free-ports.js';
export * from './kcat-reader.js';
export * from './ops-cli.js';
export * from './prometheus.js';
export * from './service-process.js';
export * from './smtp-catcher.js';
export * from './stack-env.js';
export * from './stack-settled.js';
