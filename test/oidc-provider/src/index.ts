export * from './browser-client.js';
export * from './demo-users.js';
export * from './spawn-oidc-provider.js';
export * from './start-oidc-provider.js';
