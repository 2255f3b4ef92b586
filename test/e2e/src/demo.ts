#!/usr/bin/env node
// `make demo`: starts the simulators, an SMTP catcher, the OpenID provider, the four services and the
// console as separate processes, prints the console's URL and a demo login, signs the demo admin in
// through the console, connects a demo Okta org through it, waits for the first sync and prints where
// to look. A second run reuses what is running; `demo.js down` stops it all.
// DEMO_PORT_OFFSET shifts every port, DEMO_STATE_DIR moves .local/demo and DEMO_PREFIX prefixes the
// schemas, topics and Redis keys (a second demo beside one).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, DEMO_PASSWORD, DEMO_USERS, signInThroughConsole } from '@appgov/oidc-provider';
import { repoRoot, SERVICE_NAMES, type ServiceName, startService } from './service-process.js';
import { serviceEnv } from './stack-env.js';

const stateDir = process.env.DEMO_STATE_DIR ?? join(repoRoot, '.local', 'demo');
const pidFile = join(stateDir, 'pids.json');
const secretsFile = join(stateDir, 'secrets.json');
const DOMAIN = 'demo.okta.com';
const offset = Number(process.env.DEMO_PORT_OFFSET ?? 0);
const PORTS: Record<ServiceName, number> = {
  'connection-service': 8081 + offset,
  'ingest-service': 8082 + offset,
  'catalog-service': 8083 + offset,
  'notification-service': 8084 + offset,
};
const OKTA_PORT = 7070 + offset;
const VAULT_PORT = 8200 + offset;
const SMTP_PORT = 2525 + offset;
const MAIL_HTTP_PORT = 8025 + offset;
const CONSOLE_PORT = 8080 + offset;
const OIDC_PORT = 8090 + offset;
const CONSOLE_URL = `http://127.0.0.1:${CONSOLE_PORT}`;
const ISSUER = `http://127.0.0.1:${OIDC_PORT}`;
/** The services' audience: the resource indicator the console asks access tokens for. */
const AUDIENCE = 'https://appgov.local/api';
const CLIENT_ID = 'appgov-console';

type Pids = Record<string, number>;

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
const readPids = (): Pids => (existsSync(pidFile) ? (JSON.parse(readFileSync(pidFile, 'utf8')) as Pids) : {});
const savePids = (pids: Pids) => writeFileSync(pidFile, JSON.stringify(pids, null, 2));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface DemoSecrets {
  oktaToken: string;
  vaultToken: string;
  oidcClientSecret: string;
}

function loadSecrets(): DemoSecrets {
  const kept: Partial<DemoSecrets> = existsSync(secretsFile)
    ? JSON.parse(readFileSync(secretsFile, 'utf8'))
    : {};
  // Generated per machine and kept out of every log: the demo shows the product, not the secrets.
  const s: DemoSecrets = {
    oktaToken: kept.oktaToken ?? `00${randomBytes(20).toString('base64url')}`,
    vaultToken: kept.vaultToken ?? `hvs.${randomBytes(12).toString('hex')}`,
    oidcClientSecret: kept.oidcClientSecret ?? randomBytes(24).toString('base64url'),
  };
  writeFileSync(secretsFile, JSON.stringify(s), { mode: 0o600 });
  return s;
}

function spawnDetached(name: string, cwd: string, args: string[], env: Record<string, string> = {}): number {
  const log = openSync(join(stateDir, 'logs', `${name}.log`), 'a');
  const child = spawn(process.execPath, args, {
    cwd,
    detached: true,
    stdio: ['ignore', log, log],
    env: { ...process.env, ...env },
  });
  child.unref();
  return child.pid ?? -1;
}

async function waitHttp(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(url);
      if (res.status < 500) return;
    } catch {}
    if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs} ms`);
    await sleep(250);
  }
}

async function up(): Promise<void> {
  mkdirSync(join(stateDir, 'logs'), { recursive: true });
  const secrets = loadSecrets();
  const pids = readPids();
  const started: string[] = [];

  const ensure = async (name: string, start: () => Promise<number> | number, readyUrl: string) => {
    const pid = pids[name];
    if (pid && alive(pid)) return;
    pids[name] = await start();
    savePids(pids);
    started.push(name);
    await waitHttp(readyUrl, 60_000);
  };

  await ensure(
    'okta-simulator',
    () =>
      spawnDetached('okta-simulator', join(repoRoot, 'test/okta-simulator'), [
        'dist/src/cli.js',
        '--size',
        'small',
        '--seed',
        '42',
        '--port',
        String(OKTA_PORT),
        '--domain',
        DOMAIN,
        '--token',
        secrets.oktaToken,
      ]),
    `http://127.0.0.1:${OKTA_PORT}/__control/orgs`,
  );
  await ensure(
    'vault-simulator',
    () =>
      spawnDetached('vault-simulator', join(repoRoot, 'test/vault-simulator'), [
        'dist/src/cli.js',
        '--port',
        String(VAULT_PORT),
        '--root-token',
        secrets.vaultToken,
      ]),
    `http://127.0.0.1:${VAULT_PORT}/v1/sys/health`,
  );
  await ensure(
    'smtp-catcher',
    () =>
      spawnDetached('smtp-catcher', join(repoRoot, 'test/e2e'), [
        'dist/src/smtp-catcher.cli.js',
        '--smtp-port',
        String(SMTP_PORT),
        '--http-port',
        String(MAIL_HTTP_PORT),
        '--dir',
        join(stateDir, 'mail'),
      ]),
    `http://127.0.0.1:${MAIL_HTTP_PORT}/messages`,
  );
  await ensure(
    'oidc-provider',
    () =>
      spawnDetached(
        'oidc-provider',
        join(repoRoot, 'test/oidc-provider'),
        [
          'dist/src/cli.js',
          '--port',
          String(OIDC_PORT),
          '--audience',
          AUDIENCE,
          '--client-id',
          CLIENT_ID,
          '--redirect-uri',
          `${CONSOLE_URL}/auth/callback`,
          '--post-logout-redirect-uri',
          `${CONSOLE_URL}/`,
          '--key-file',
          join(stateDir, 'oidc-signing-key.json'),
        ],
        { OIDC_CLIENT_SECRET: secrets.oidcClientSecret },
      ),
    `${ISSUER}/.well-known/openid-configuration`,
  );
  const endpoints = {
    prefix: process.env.DEMO_PREFIX ?? '',
    oktaPort: OKTA_PORT,
    vaultUrl: `http://127.0.0.1:${VAULT_PORT}`,
    vaultToken: secrets.vaultToken,
    smtpPort: SMTP_PORT,
    ports: PORTS,
  };
  for (const name of SERVICE_NAMES) {
    const pid = pids[name];
    if (pid && alive(pid)) continue;
    // The services verify the console's forwarded access tokens through the provider's JWKS (RS256).
    const { JWT_HS256_SECRET: _hs256, ...env } = serviceEnv(name, endpoints);
    const proc = await startService({
      name,
      port: PORTS[name],
      env: { ...env, JWT_JWKS_URL: `${ISSUER}/jwks`, JWT_ISSUER: ISSUER, JWT_AUDIENCE: AUDIENCE },
      detached: true,
      logFile: join(stateDir, 'logs', `${name}.log`),
      readyTimeoutMs: 90_000,
    });
    pids[name] = proc.pid;
    savePids(pids);
    started.push(name);
  }
  if (!(pids.console && alive(pids.console))) {
    const proc = await startService({
      name: 'console',
      port: CONSOLE_PORT,
      env: {
        LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
        REDIS_URL: serviceEnv('connection-service', endpoints).REDIS_URL ?? '',
        ...(endpoints.prefix ? { REDIS_KEY_PREFIX: `${endpoints.prefix}:console:` } : {}),
        PUBLIC_URL: CONSOLE_URL,
        // http on loopback only: the console refuses these two anywhere else.
        COOKIE_SECURE: 'false',
        OIDC_ALLOW_HTTP: 'true',
        OIDC_ISSUER_URL: ISSUER,
        OIDC_CLIENT_ID: CLIENT_ID,
        OIDC_CLIENT_SECRET: secrets.oidcClientSecret,
        OIDC_RESOURCE: AUDIENCE,
        CONNECTION_SERVICE_URL: `http://127.0.0.1:${PORTS['connection-service']}`,
        CATALOG_SERVICE_URL: `http://127.0.0.1:${PORTS['catalog-service']}`,
        NOTIFICATION_SERVICE_URL: `http://127.0.0.1:${PORTS['notification-service']}`,
      },
      detached: true,
      logFile: join(stateDir, 'logs', 'console.log'),
      readyTimeoutMs: 90_000,
    });
    pids.console = proc.pid;
    savePids(pids);
    started.push('console');
  }
  console.log(
    started.length ? `started: ${started.join(', ')}` : 'everything was already running; reusing it',
  );
  console.log(`\nConsole: ${CONSOLE_URL}`);
  console.log(`  sign in as ${DEMO_USERS[0]?.email} / ${DEMO_PASSWORD} (tenant ${DEMO_USERS[0]?.tenant})`);
  console.log(
    `  also: ${DEMO_USERS.slice(1)
      .map((u) => `${u.email} (${u.roles.join(', ')}, ${u.tenant})`)
      .join('; ')}; same password`,
  );
  console.log(`  identity provider (test only): ${ISSUER}\n`);

  // The demo admin signs in through the console like a person would; every call below goes through it.
  const { browser } = await signInThroughConsole(CONSOLE_URL, 'admin@demo.example', DEMO_PASSWORD);
  const api = consoleApi(browser);
  const conn = `${CONSOLE_URL}/api/connection/v1/integrations/okta/connections`;
  const list = await api('GET', conn);
  let connection = (list.body?.items ?? list.body ?? []).find((c: { domain: string }) => c.domain === DOMAIN);
  if (!connection) {
    const created = await api('POST', conn, {
      domain: 'https://demo-admin.okta.com/admin/dashboard',
      apiToken: secrets.oktaToken,
    });
    if (created.status !== 201)
      throw new Error(`connecting ${DOMAIN} failed: ${created.status} ${JSON.stringify(created.body)}`);
    connection = created.body;
    console.log(`connected ${DOMAIN} (submitted as https://demo-admin.okta.com/admin/dashboard)`);
  }
  const started_ = Date.now();
  for (;;) {
    const got = await api('GET', `${conn}/${connection.id}`);
    connection = got.body;
    if (connection.status !== 'in_progress' || Date.now() - started_ > 600_000) break;
    await sleep(1000);
  }
  console.log(`\nIntegration status (${((Date.now() - started_) / 1000).toFixed(1)} s):`);
  console.log(JSON.stringify(connection, null, 2));

  const catalog = `${CONSOLE_URL}/api/catalog/v1/catalog`;
  const summary = await waitFor200(() => api('GET', `${catalog}/connections/${connection.id}/summary`));
  console.log('\nCatalog counts:');
  console.log(JSON.stringify(summary.body, null, 2));
  console.log('\nTop findings (open, by severity):');
  for (const line of await topFindings((path) => api('GET', `${catalog}${path}`))) console.log(`  ${line}`);

  const mail = await waitForMail();
  console.log(
    `\n"Domain ready" email: ${mail ? `"${mail.subject}" to ${mail.to.join(', ')}, saved as ${mail.file}` : 'not yet arrived'}`,
  );
  console.log(`  all mail: http://127.0.0.1:${MAIL_HTTP_PORT}/messages and ${join(stateDir, 'mail')}`);
  console.log('\nAPIs (docs at /docs/json, metrics at /metrics):');
  for (const name of SERVICE_NAMES)
    console.log(
      `  ${name.padEnd(22)} http://127.0.0.1:${PORTS[name]}/docs/json   http://127.0.0.1:${PORTS[name]}/metrics`,
    );
  const session = browser.cookies('127.0.0.1').find((c) => c.name === 'appgov_session');
  console.log(`\nConsole: ${CONSOLE_URL} (sign in as admin@demo.example / ${DEMO_PASSWORD})`);
  console.log(
    `The demo admin's console session for curl: export APPGOV_SESSION=${session?.value}\n` +
      `  curl -b appgov_session=$APPGOV_SESSION '${CONSOLE_URL}/api/catalog/v1/catalog/apps?sort=userCount&order=desc'`,
  );
  console.log(`Logs: ${join(stateDir, 'logs')}`);
  console.log('Stop: make demo-down');
}

/** JSON calls through the console with the signed-in browser's cookies and CSRF token. */
function consoleApi(browser: Browser) {
  return async (method: string, url: string, body?: unknown) => {
    const csrf = browser.cookies('127.0.0.1').find((c) => c.name === 'appgov_csrf')?.value ?? '';
    const res = await browser.fetch(url, {
      method,
      headers: {
        ...(method === 'GET' ? {} : { 'x-csrf-token': csrf }),
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
}

const SEVERITY_ORDER = ['critical', 'high', 'medium', 'low', 'info'];

/** Open findings grouped by kind, most severe first, with a count and one example subject each. */
async function topFindings(get: (path: string) => Promise<{ status: number; body: any }>): Promise<string[]> {
  const byKind = new Map<string, { severity: string; count: number; example: string }>();
  let cursor: string | null = null;
  do {
    const page: { status: number; body: any } = await get(
      `/findings?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    if (page.status !== 200) break;
    for (const f of page.body.items) {
      const entry = byKind.get(f.kind) ?? {
        severity: f.severity,
        count: 0,
        example: f.subject?.label ?? f.subject?.id,
      };
      entry.count++;
      byKind.set(f.kind, entry);
    }
    cursor = page.body.nextCursor;
  } while (cursor);
  return [...byKind.entries()]
    .sort(
      ([, a], [, b]) =>
        SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity) || b.count - a.count,
    )
    .slice(0, 6)
    .map(([kind, e]) => `[${e.severity}] ${kind} × ${e.count} (e.g. ${e.example})`);
}

async function waitFor200(call: () => Promise<{ status: number; body: any }>) {
  for (let i = 0; i < 120; i++) {
    const r = await call();
    if (r.status === 200) return r;
    await sleep(1000);
  }
  return call();
}

async function waitForMail(): Promise<{ subject: string; to: string[]; file: string } | undefined> {
  for (let i = 0; i < 60; i++) {
    const mails = (await (await fetch(`http://127.0.0.1:${MAIL_HTTP_PORT}/messages`)).json()) as {
      subject: string;
      to: string[];
      file: string;
    }[];
    const ready = mails.find((m) => /ready/i.test(m.subject));
    if (ready) return ready;
    await sleep(1000);
  }
  return undefined;
}

function down(): void {
  const pids = readPids();
  for (const [name, pid] of Object.entries(pids)) {
    if (alive(pid)) {
      process.kill(pid, 'SIGTERM');
      console.log(`stopped ${name} (pid ${pid})`);
    }
  }
  savePids({});
}

if (process.argv[2] === 'down') down();
else
  await up().catch((err: unknown) => {
    console.error(`demo failed: ${err instanceof Error ? err.message : String(err)}`);
    console.error(`logs: ${join(stateDir, 'logs')}`);
    process.exit(1);
  });
