import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, createWriteStream, openSync, type WriteStream } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, found from this file's place in test/e2e/dist/src. */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');

export const SERVICE_NAMES = [
  'connection-service',
  'ingest-service',
  'catalog-service',
  'notification-service',
] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];
/** What `startService` can start: a service, or the console (services/console). */
export type DeployableName = ServiceName | 'console';

export interface ServiceProcess {
  name: DeployableName;
  url: string;
  pid: number;
  /** Everything the process wrote to stdout and stderr so far (for secret scans). */
  output(): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code. */
  stop(graceMs?: number): Promise<number | null>;
  kill(): void;
  exited: Promise<number | null>;
}

export interface StartServiceOptions {
  name: DeployableName;
  port: number;
  env: Record<string, string>;
  /** Also append the output to this file. */
  logFile?: string;
  /** Start detached (survives the parent, for `make demo`). */
  detached?: boolean;
  readyTimeoutMs?: number;
  /** Resolve once the process answers /readyz at all (any status), not only when it is ready. */
  untilListening?: boolean;
  /** The script to run instead of the service's `dist/src/server.js` (a test build's entry point). */
  entry?: string;
}

/** Runs `node dist/src/migrate.js` of a service (the chart's migration Job) and resolves when it succeeded. */
export async function migrateService(name: ServiceName, env: Record<string, string>): Promise<string> {
  const child = spawn(process.execPath, ['dist/src/migrate.js'], {
    cwd: join(repoRoot, 'services', name),
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const chunks: string[] = [];
  child.stdout?.on('data', (b: Buffer) => chunks.push(b.toString('utf8')));
  child.stderr?.on('data', (b: Buffer) => chunks.push(b.toString('utf8')));
  const code = await new Promise<number | null>((res) => child.once('exit', res));
  if (code !== 0) throw new Error(`${name} migrate.js exited ${code}:\n${chunks.join('').slice(-4000)}`);
  return chunks.join('');
}

/** Spawns `node dist/src/server.js` of a service with the given environment and waits for /readyz. */
export async function startService(options: StartServiceOptions): Promise<ServiceProcess> {
  const cwd = join(repoRoot, 'services', options.name);
  const url = `http://127.0.0.1:${options.port}`;
  // A detached process writes straight into its log file, so this process can exit and leave it running.
  const detachedLog = options.detached && options.logFile ? openSync(options.logFile, 'a') : 'ignore';
  const log: WriteStream | undefined =
    options.logFile && !options.detached ? createWriteStream(options.logFile, { flags: 'a' }) : undefined;
  const child: ChildProcess = spawn(process.execPath, [options.entry ?? 'dist/src/server.js'], {
    cwd,
    env: { ...process.env, ...options.env, PORT: String(options.port), HOST: '127.0.0.1' },
    stdio: options.detached ? ['ignore', detachedLog, detachedLog] : ['ignore', 'pipe', 'pipe'],
    detached: options.detached ?? false,
  });
  if (typeof detachedLog === 'number') closeSync(detachedLog);
  const chunks: string[] = [];
  const collect = (buf: Buffer) => {
    const text = buf.toString('utf8');
    chunks.push(text);
    log?.write(text);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<number | null>((res) => child.once('exit', (code) => res(code)));

  const proc: ServiceProcess = {
    name: options.name,
    url,
    pid: child.pid ?? -1,
    output: () => chunks.join(''),
    exited,
    kill: () => child.kill('SIGKILL'),
    async stop(graceMs = 15_000) {
      if (child.exitCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const code = await exited;
      clearTimeout(timer);
      log?.end();
      return code;
    },
  };

  const deadline = Date.now() + (options.readyTimeoutMs ?? 60_000);
  let exitedEarly = false;
  void exited.then(() => {
    exitedEarly = true;
  });
  for (;;) {
    if (exitedEarly) {
      throw new Error(`${options.name} exited before it was ready:\n${proc.output().slice(-4000)}`);
    }
    try {
      // Bounded: a process that accepts and never answers (another one on a reused port) must not
      // hold this loop past its deadline.
      const res = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(5000) });
      await res.body?.cancel();
      if (res.status === 200 || options.untilListening) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await proc.stop(2000);
      throw new Error(
        `${options.name} not ready after ${options.readyTimeoutMs ?? 60_000} ms:\n${proc.output().slice(-4000)}`,
      );
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  if (options.detached) child.unref();
  return proc;
}
