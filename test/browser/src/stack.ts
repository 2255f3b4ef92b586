// The whole product for a browser journey: the four services as processes (verifying the OpenID
// provider's JWTs through its JWKS), the console in this process, the provider as its own process,
// and the Okta, Vault and SMTP stand-ins. Everything is removed on teardown.
import { randomBytes } from 'node:crypto';
import { createService, loadConfig } from '@appgov/console';
import {
  freePort,
  freeServicePorts,
  SERVICE_NAMES,
  type ServiceName,
  type ServiceProcess,
  serviceEnv,
  startService,
  startSmtpCatcher,
} from '@appgov/e2e';
import { deleteTopicsWithPrefix } from '@appgov/kafka';
import { spawnOidcProvider } from '@appgov/oidc-provider';
import { type CreateOrgOptions, startOktaSimulator } from '@appgov/okta-simulator';
import { dropSchemasWithPrefix, testEnv, uniqueName } from '@appgov/testing';
import { startVaultSimulator } from '@appgov/vault-simulator';

export interface BrowserStack {
  consoleUrl: string;
  okta: Awaited<ReturnType<typeof startOktaSimulator>>;
  prefix: string;
}

/** Where a stack registers its clean-up (a tap test, or the benchmark's own list). */
export interface Teardowns {
  teardown(fn: () => unknown): void;
}

export async function startBrowserStack(t: Teardowns, orgs: CreateOrgOptions[]): Promise<BrowserStack> {
  const prefix = uniqueName('web')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
  t.teardown(async () => {
    await deleteTopicsWithPrefix(testEnv().KAFKA_BROKERS, `${prefix}.`);
    await dropSchemasWithPrefix(`${prefix}_`);
  });
  const okta = await startOktaSimulator({ orgs });
  t.teardown(() => okta.close());
  const vault = await startVaultSimulator();
  t.teardown(() => vault.close());
  const smtp = await startSmtpCatcher();
  t.teardown(() => smtp.close());

  const consolePort = await freePort();
  const consoleUrl = `http://127.0.0.1:${consolePort}`;
  const audience = `https://api.appgov.test/${prefix}`;
  const clientId = 'appgov-console';
  const clientSecret = randomBytes(24).toString('base64url');
  const provider = await spawnOidcProvider({
    audience,
    clientId,
    clientSecret,
    redirectUris: [`${consoleUrl}/auth/callback`],
    postLogoutRedirectUris: [`${consoleUrl}/`],
  });
  t.teardown(() => provider.stop());

  const ports = await freeServicePorts();
  const endpoints = {
    prefix,
    oktaPort: okta.port,
    vaultUrl: vault.url,
    vaultToken: vault.rootToken,
    smtpPort: smtp.smtpPort,
    ports,
  };
  // The console listens as soon as its port is chosen (the redirect URI names it), before the
  // services' minutes-long start under load could let another process take the port.
  const service = await createService(
    loadConfig({
      PORT: String(consolePort),
      REDIS_URL: testEnv().REDIS_URL,
      REDIS_KEY_PREFIX: `${prefix}:console:`,
      PUBLIC_URL: consoleUrl,
      COOKIE_SECURE: 'false',
      OIDC_ISSUER_URL: provider.issuer,
      OIDC_ALLOW_HTTP: 'true',
      OIDC_CLIENT_ID: clientId,
      OIDC_CLIENT_SECRET: clientSecret,
      OIDC_RESOURCE: audience,
      CONNECTION_SERVICE_URL: `http://127.0.0.1:${ports['connection-service']}`,
      CATALOG_SERVICE_URL: `http://127.0.0.1:${ports['catalog-service']}`,
      NOTIFICATION_SERVICE_URL: `http://127.0.0.1:${ports['notification-service']}`,
      LOG_LEVEL: 'warn',
    }),
  );
  await service.start();
  await service.app.listen({ port: consolePort, host: '127.0.0.1' });
  t.teardown(async () => {
    const keys = await service.redis.keys(`${prefix}:console:*`);
    if (keys.length) await service.redis.del(...keys);
    await service.stop();
  });
  const procs: Partial<Record<ServiceName, ServiceProcess>> = {};
  t.teardown(async () => {
    for (const name of [...SERVICE_NAMES].reverse()) await procs[name]?.stop();
  });
  for (const name of SERVICE_NAMES) {
    const { JWT_HS256_SECRET: _hs, ...env } = serviceEnv(name, endpoints);
    procs[name] = await startService({
      name,
      port: ports[name],
      env: {
        ...env,
        JWT_JWKS_URL: provider.jwksUrl,
        JWT_ISSUER: provider.issuer,
        JWT_AUDIENCE: audience,
        SYNC_INTERVAL_SECONDS: '3600',
        RATE_LIMIT_PER_MINUTE: '100000',
        LOG_LEVEL: 'warn',
      },
      readyTimeoutMs: 90_000,
    });
  }

  return { consoleUrl, okta, prefix };
}
