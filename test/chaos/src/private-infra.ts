// Private Postgres, Redis and Kafka for chaos runs: started with deploy/local's scripts under their own
// state folder and ports, so they can be killed without touching the shared instances other tests use.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '@appgov/e2e';
import pg from 'pg';

export const INFRA = ['kafka', 'postgres', 'redis'] as const;
export type Infra = (typeof INFRA)[number];

/** Ports of the shared infrastructure (deploy/local/env.sh defaults): a chaos run refuses them. */
const SHARED_PORTS = new Set([55432, 56379, 56380, 59092, 59093, 59094, 59090]);

export interface PrivateInfraOptions {
  /** State folder (data, logs, pid files); never the shared `.local`. */
  state: string;
  pgPort: number;
  redisPort: number;
  kafkaPort: number;
  /** Defaults: kafkaPort + 1, kafkaPort + 2, redisPort + 1. */
  kafkaControllerPort?: number;
  kafkaSaslPort?: number;
  redisTlsPort?: number;
}

export interface PrivateInfra {
  /** Every variable deploy/local's scripts and the services' test environment read. */
  env: Record<string, string>;
  databaseUrl: string;
  start(): Promise<void>;
  /** Stops all three (errors are reported, not thrown: teardown must reach every piece). */
  stop(): Promise<string[]>;
  /** The script's own stop (Postgres `-m fast`, Redis `shutdown nosave`, Kafka SIGTERM). */
  stopGracefully(which: Infra): Promise<void>;
  /** SIGKILL the server (Postgres: the postmaster and every backend) and wait until it is gone. */
  kill(which: Infra): Promise<void>;
  startOne(which: Infra): Promise<void>;
}

export function privateInfra(o: PrivateInfraOptions): PrivateInfra {
  const ports = {
    pg: o.pgPort,
    redis: o.redisPort,
    redisTls: o.redisTlsPort ?? o.redisPort + 1,
    kafka: o.kafkaPort,
    controller: o.kafkaControllerPort ?? o.kafkaPort + 1,
    sasl: o.kafkaSaslPort ?? o.kafkaPort + 2,
  };
  for (const p of Object.values(ports))
    if (SHARED_PORTS.has(p))
      throw new Error(`port ${p} is the shared infrastructure's; chaos runs kill what they use`);
  if (o.state === join(repoRoot, '.local'))
    throw new Error('the private state must not be the shared .local');
  const tls = join(o.state, 'tls');
  const databaseUrl = `postgres://appgov:appgov@127.0.0.1:${ports.pg}/appgov`;
  // Everything env.sh derives from a port or the state folder, set explicitly: a caller that sourced
  // env.sh (scripts/run-tests.sh does) exports the shared values, which env.sh would otherwise keep.
  const env: Record<string, string> = {
    APPGOV_STATE: o.state,
    PG_PORT: String(ports.pg),
    REDIS_PORT: String(ports.redis),
    REDIS_TLS_PORT: String(ports.redisTls),
    KAFKA_PORT: String(ports.kafka),
    KAFKA_CONTROLLER_PORT: String(ports.controller),
    KAFKA_SASL_PORT: String(ports.sasl),
    KAFKA_SASL_SSL_BROKERS: `127.0.0.1:${ports.sasl}`,
    APPGOV_TLS_DIR: tls,
    // up.sh/down.sh's record of which clone started the servers on these ports: ours, not the shared one.
    APPGOV_LOCAL_OWNER_FILE: join(o.state, 'owner'),
    APPGOV_CA_FILE: join(tls, 'ca.pem'),
    DATABASE_URL: databaseUrl,
    DATABASE_MIGRATION_URL: `postgres://appgov_migrator:appgov_migrator@127.0.0.1:${ports.pg}/appgov`,
    DATABASE_RUNTIME_URL: `postgres://appgov_app:appgov_app@127.0.0.1:${ports.pg}/appgov`,
    REDIS_URL: `redis://127.0.0.1:${ports.redis}`,
    KAFKA_BROKERS: `127.0.0.1:${ports.kafka}`,
  };
  const script = (name: string, action: string) => runScript(name, action, env);
  const pidOf = (which: Infra): number => {
    const file =
      which === 'kafka'
        ? join(o.state, 'kafka', 'kafka.pid')
        : which === 'redis'
          ? join(o.state, 'redis', 'redis.pid')
          : postgresPidFile(o.state);
    const pid = Number(readFileSync(file, 'utf8').split('\n')[0]);
    if (!Number.isInteger(pid) || pid <= 1) throw new Error(`${which}: no pid in ${file}`);
    return pid;
  };
  const stopGracefully = (which: Infra) => script(`${which}.sh`, 'stop');
  return {
    env,
    databaseUrl,
    async start() {
      // The broker's jars are the same for every checkout: reuse the shared cache instead of Maven.
      const libs = join(o.state, 'kafka', 'libs');
      const shared = join(repoRoot, '.local', 'kafka', 'libs');
      if (!existsSync(join(libs, '.complete')) && existsSync(join(shared, '.complete'))) {
        mkdirSync(join(o.state, 'kafka'), { recursive: true });
        cpSync(shared, libs, { recursive: true });
      }
      for (const which of INFRA) await script(`${which}.sh`, 'start');
      // postgres.sh tunes for tests with synchronous_commit off: a SIGKILLed server then forgets
      // transactions it had reported committed (WAL still in its buffers), which no production
      // Postgres does and which looks exactly like the services losing data. A kill of the process
      // keeps the OS page cache, so fsync may stay off; commits must reach the WAL file.
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      try {
        await client.query('ALTER SYSTEM SET synchronous_commit = on');
        await client.query('SELECT pg_reload_conf()');
      } finally {
        await client.end();
      }
    },
    async stop() {
      const errors: string[] = [];
      for (const which of INFRA)
        await stopGracefully(which).catch((e: unknown) => errors.push(`${which}: ${String(e)}`));
      return errors;
    },
    stopGracefully,
    async kill(which) {
      const pid = pidOf(which);
      // Postgres: its backends too, as a node failure would (they are the postmaster's children).
      const pids = which === 'postgres' ? [pid, ...childrenOf(pid)] : [pid];
      for (const p of pids) process.kill(p, 'SIGKILL');
      await until(() => pids.every((p) => !alive(p)), 30_000, `${which} processes to exit after SIGKILL`);
    },
    startOne: (which) => script(`${which}.sh`, 'start'),
  };
}

/** postgres.sh's data folder: under the state folder, or (postgres user locked out) its hashed twin. */
function postgresPidFile(state: string): string {
  const inState = join(state, 'pg', 'postmaster.pid');
  if (existsSync(inState)) return inState;
  const key = createHash('sha256')
    .update(`${realpathSync(state)}\n`)
    .digest('hex')
    .slice(0, 12);
  return join('/var/lib/postgresql/appgov', key, 'pg', 'postmaster.pid');
}

function runScript(name: string, action: string, env: Record<string, string>): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [join(repoRoot, 'deploy/local', name), action], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (b: Buffer) => {
      err += b.toString();
    });
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${name} ${action} exited ${code}: ${err.trim()}`)),
    );
  });
}

function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until(ok: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
