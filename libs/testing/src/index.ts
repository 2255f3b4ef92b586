export * from './free-port.js';
export * from './fresh-schema.js';
export * from './jwt.js';
export * from './scratch-postgres.js';
export * from './scratch-redis.js';
export * from './test-env.js';
export * from './unique-name.js';
export * from './wait-for.js';
