// A stack of the four services as separate processes, with the Okta and Vault simulators and the
// SMTP catcher, for tests that drive only the public APIs (the API fuzzer, the tenant abuse test).
import { deleteTopicsWithPrefix } from '@appgov/kafka';
import { type CreateOrgOptions, type RunningSimulator, startOktaSimulator } from '@appgov/okta-simulator';
import { dropSchemasWithPrefix, testEnv } from '@appgov/testing';
import { startVaultSimulator } from '@appgov/vault-simulator';
import { freeServicePorts } from './free-ports.js';
import { SERVICE_NAMES, type ServiceName, type ServiceProcess, startService } from './service-process.js';
import { type SmtpCatcher, startSmtpCatcher } from './smtp-catcher.js';
import { serviceEnv } from './stack-env.js';

export interface LocalStack {
  okta: RunningSimulator;
  smtp: SmtpCatcher;
  procs: Record<ServiceName, ServiceProcess>;
  urlOf(name: ServiceName): string;
  /** Names of services that exited while the stack ran. */
  exited: string[];
  startupMs: number;
}

interface Teardown {
  teardown(fn: () => unknown): void;
}

/** Starts the stack; everything (processes, topics, schemas) goes when `t` ends. */
export async function startLocalStack(
  t: Teardown,
  options: { prefix: string; orgs: CreateOrgOptions[]; env?: Record<string, string> },
): Promise<LocalStack> {
  const started = Date.now();
  const { prefix } = options;
  t.teardown(async () => {
    await deleteTopicsWithPrefix(testEnv().KAFKA_BROKERS, `${prefix}.`);
    await dropSchemasWithPrefix(`${prefix}_`);
  });
  const okta = await startOktaSimulator({ orgs: options.orgs });
  t.teardown(() => okta.close());
  const vault = await startVaultSimulator();
  t.teardown(() => vault.close());
  const smtp = await startSmtpCatcher();
  t.teardown(() => smtp.close());
  const ports = await freeServicePorts();
  const endpoints = {
    prefix,
    oktaPort: okta.port,
    vaultUrl: vault.url,
    vaultToken: vault.rootToken,
    smtpPort: smtp.smtpPort,
    ports,
  };
  const procs = {} as Record<ServiceName, ServiceProcess>;
  t.teardown(async () => {
    for (const name of [...SERVICE_NAMES].reverse()) await procs[name]?.stop();
  });
  // One after the other: each creates its topics at boot.
  for (const name of SERVICE_NAMES) {
    procs[name] = await startService({
      name,
      port: ports[name],
      env: {
        ...serviceEnv(name, endpoints),
        SYNC_INTERVAL_SECONDS: '3600',
        LOG_LEVEL: 'warn',
        ...options.env,
      },
      readyTimeoutMs: 90_000,
    });
  }
  const exited: string[] = [];
  for (const name of SERVICE_NAMES) void procs[name].exited.then(() => exited.push(name));
  return {
    okta,
    smtp,
    procs,
    urlOf: (name) => `http://127.0.0.1:${ports[name]}`,
    exited,
    startupMs: Date.now() - started,
  };
}
