import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Options of {@link spawnOidcProvider}: the CLI's flags. */
export interface SpawnOidcProviderOptions {
  port?: number;
  audience: string;
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
  postLogoutRedirectUris?: string[];
  accessTokenTtlSeconds?: number;
  /** Append the process's output here as well (the demo's log file). */
  onOutput?: (text: string) => void;
  /** Start detached (survives the parent, for `make demo`). */
  detached?: boolean;
  logFd?: number;
}

/** A provider running as its own process. */
export interface SpawnedOidcProvider {
  issuer: string;
  jwksUrl: string;
  audience: string;
  pid: number;
  stop(): Promise<void>;
}

const CLI = fileURLToPath(new URL('./cli.js', import.meta.url));

/**
 * Starts the test OpenID provider as a separate process (`dist/src/cli.js`) and resolves once it
 * printed where it listens. The client secret travels in the environment, not the command line.
 */
export async function spawnOidcProvider(options: SpawnOidcProviderOptions): Promise<SpawnedOidcProvider> {
  const args = [
    CLI,
    '--port',
    String(options.port ?? 0),
    '--audience',
    options.audience,
    '--client-id',
    options.clientId,
    '--access-token-ttl',
    String(options.accessTokenTtlSeconds ?? 3600),
    ...options.redirectUris.flatMap((u) => ['--redirect-uri', u]),
    ...(options.postLogoutRedirectUris ?? []).flatMap((u) => ['--post-logout-redirect-uri', u]),
  ];
  const child: ChildProcess = spawn(process.execPath, args, {
    env: { ...process.env, OIDC_CLIENT_SECRET: options.clientSecret },
    stdio: ['ignore', 'pipe', options.detached && options.logFd !== undefined ? options.logFd : 'pipe'],
    detached: options.detached ?? false,
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let output = '';
  const started = await new Promise<{ issuer: string; jwksUrl: string; audience: string }>(
    (resolve, reject) => {
      const onData = (buf: Buffer) => {
        const text = buf.toString('utf8');
        output += text;
        options.onOutput?.(text);
        const line = output.split('\n').find((l) => l.startsWith('{"issuer"'));
        if (line) {
          child.stdout?.off('data', onData);
          resolve(JSON.parse(line));
        }
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', (buf: Buffer) => {
        output += buf.toString('utf8');
        options.onOutput?.(buf.toString('utf8'));
      });
      void exited.then((code) =>
        reject(new Error(`oidc provider exited (${code}) before listening:\n${output}`)),
      );
    },
  );
  if (options.detached) {
    child.stdout?.destroy();
    child.unref();
  } else {
    child.stdout?.on('data', (buf: Buffer) => options.onOutput?.(buf.toString('utf8')));
  }
  return {
    ...started,
    pid: child.pid ?? -1,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}
