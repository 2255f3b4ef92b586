#!/usr/bin/env node
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DEMO_USERS } from './demo-users.js';
import { newSigningKey, startOidcProvider } from './start-oidc-provider.js';

// Standalone provider for `make demo` and tests that need it as its own process:
//   node dist/src/cli.js --port 8090 --audience https://appgov.local/api --client-id appgov-console \
//     --client-secret ... --redirect-uri http://127.0.0.1:8080/auth/callback \
//     [--post-logout-redirect-uri http://127.0.0.1:8080/] [--access-token-ttl 3600] [--key-file key.json]
// --key-file keeps the signing key across restarts (created on first use, mode 0600).
// Prints one JSON line {issuer, jwksUrl, audience} once it listens.
const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    host: { type: 'string', default: '127.0.0.1' },
    audience: { type: 'string', default: 'https://appgov.local/api' },
    'client-id': { type: 'string', default: 'appgov-console' },
    'client-secret': { type: 'string' },
    'redirect-uri': { type: 'string', multiple: true },
    'post-logout-redirect-uri': { type: 'string', multiple: true },
    'access-token-ttl': { type: 'string', default: '3600' },
    'key-file': { type: 'string' },
  },
});
const secret = values['client-secret'] ?? process.env.OIDC_CLIENT_SECRET;
if (!secret || !values['redirect-uri']?.length) {
  console.error('--client-secret (or OIDC_CLIENT_SECRET) and --redirect-uri are required');
  process.exit(2);
}

const keyFile = values['key-file'];
let signingKey = keyFile && existsSync(keyFile) ? JSON.parse(readFileSync(keyFile, 'utf8')) : undefined;
if (keyFile && !signingKey) {
  signingKey = await newSigningKey();
  writeFileSync(keyFile, JSON.stringify(signingKey), { mode: 0o600 });
}

const started = await startOidcProvider({
  ...(signingKey ? { signingKey } : {}),
  port: Number(values.port),
  host: values.host,
  audience: values.audience,
  accessTokenTtlSeconds: Number(values['access-token-ttl']),
  clients: [
    {
      clientId: values['client-id'],
      clientSecret: secret,
      redirectUris: values['redirect-uri'],
      postLogoutRedirectUris: values['post-logout-redirect-uri'] ?? [],
    },
  ],
  users: DEMO_USERS,
});
console.log(JSON.stringify({ issuer: started.issuer, jwksUrl: started.jwksUrl, audience: started.audience }));

const shutdown = () => {
  void started.close().then(() => process.exit(0));
};
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
