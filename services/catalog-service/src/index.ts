export * from './app.js';
export * from './catalog-service.js';
export * from './config.js';
