#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { startVaultSimulator } from './start-vault-simulator.js';

// Standalone simulator for `make demo` and benchmarks:
//   node dist/src/cli.js --port 8200 --root-token dev-root [--mount secret] [--k8s-role name:sa:ns:policy]
const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '8200' },
    host: { type: 'string', default: '127.0.0.1' },
    'root-token': { type: 'string' },
    mount: { type: 'string', multiple: true },
    'k8s-role': { type: 'string', multiple: true },
    'k8s-jwt-out': { type: 'string' },
  },
});

const roles = Object.fromEntries(
  (values['k8s-role'] ?? []).map((spec) => {
    const [name = '', sa = '*', ns = '*', ...policies] = spec.split(':');
    return [name, { boundServiceAccountNames: [sa], boundServiceAccountNamespaces: [ns], policies }];
  }),
);

const started = await startVaultSimulator({
  port: Number(values.port),
  host: values.host,
  ...(values['root-token'] ? { rootToken: values['root-token'] } : {}),
  ...(values.mount ? { mounts: values.mount } : {}),
  kubernetes: { roles },
});

for (const [name, role] of Object.entries(roles)) {
  // A JWT per role so that Kubernetes login can be exercised locally.
  const jwt = started.sim.issueServiceAccountJwt({
    name: role.boundServiceAccountNames[0] === '*' ? 'default' : role.boundServiceAccountNames[0]!,
    namespace:
      role.boundServiceAccountNamespaces[0] === '*' ? 'default' : role.boundServiceAccountNamespaces[0]!,
  });
  if (values['k8s-jwt-out']) {
    const { writeFile } = await import('node:fs/promises');
    await writeFile(`${values['k8s-jwt-out']}.${name}`, jwt, { mode: 0o600 });
  }
}

console.log(`Vault simulator listening on ${started.url}`);
console.log(`  export VAULT_ADDR=${started.url} VAULT_TOKEN=${started.rootToken}`);

const shutdown = () => {
  void started.close().then(() => process.exit(0));
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
