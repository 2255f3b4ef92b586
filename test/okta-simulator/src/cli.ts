#!/usr/bin/env node
import { parseArgs } from 'node:util';
import type { SizePreset } from './generate/presets.js';
import type { RateLimitProfileName, RateLimitSettings } from './rate-limit.js';
import { startOktaSimulator } from './server.js';

// Standalone entry for demos and benchmarks:
//   node dist/src/cli.js --size small --seed 42 --port 7000 --domain demo.okta.com
//   --token-share 50 (Okta's default per-token ceiling, percent of a bucket) or --token-share off
const { values } = parseArgs({
  // `pnpm start -- --size small` forwards the `--` itself; drop it so the flags still parse.
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    size: { type: 'string', default: 'small' },
    seed: { type: 'string', default: '42' },
    port: { type: 'string', default: '7000' },
    host: { type: 'string', default: '127.0.0.1' },
    domain: { type: 'string', default: 'demo.okta.com' },
    profile: { type: 'string', default: 'workforce' },
    token: { type: 'string' },
    'window-ms': { type: 'string' },
    'token-share': { type: 'string', default: '50' },
  },
  allowPositionals: true,
});

function tokenShareSettings(v: string | undefined): Partial<RateLimitSettings> {
  if (v === 'off') return { perTokenShare: false };
  const pct = Number(v ?? '50');
  if (!(pct >= 5 && pct <= 100)) throw new Error('--token-share takes off or a percentage 5-100');
  return { perTokenShare: true, tokenSharePercent: pct };
}

const started = Date.now();
const running = await startOktaSimulator({
  port: Number(values.port),
  host: values.host,
  ...(values['window-ms'] ? { windowMs: Number(values['window-ms']) } : {}),
  orgs: [
    {
      domain: values.domain,
      size: values.size as SizePreset,
      seed: Number(values.seed),
      profile: values.profile as RateLimitProfileName,
      rateLimits: tokenShareSettings(values['token-share']),
      ...(values.token ? { tokens: [{ value: values.token, role: 'SUPER_ADMIN' as const }] } : {}),
    },
  ],
});
const org = running.sim.org(values.domain);
const s = org.store;
const token = values.token ?? org.token;
console.log(
  `Okta simulator: org ${values.domain} (${values.size}, seed ${values.seed}) generated in ${Date.now() - started} ms`,
);
console.log(
  `  ${s.users.length} users, ${s.groups.length} groups, ${s.apps.length} apps, ${s.apiTokens.length} API tokens`,
);
console.log(`  default org (by IP):  ${running.url}`);
console.log(
  `  by domain:            http://${values.domain}:${running.port}  (resolve ${values.domain} to ${values.host})`,
);
const limiter = org.runtime.limiter;
console.log(
  `  rate limits:          ${values.profile}, per-token ceiling ${limiter.perTokenShare ? `${Math.round(limiter.tokenShare * 100)}% (Okta's default is 50%)` : 'off'}`,
);
console.log(`  super admin token:    ${token}`);
const ro = org.tokenFor('READ_ONLY_ADMIN');
if (ro) console.log(`  read-only token:      ${ro}`);
console.log(`  try: curl -H "Authorization: SSWS ${token}" ${running.url}/api/v1/users?limit=2`);
console.log(`  control API:          ${running.url}/__control/orgs`);

const stop = () => {
  void running.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
