import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from './service-process.js';

const run = promisify(execFile);

/** What one appgov-ops run printed and how it exited. */
export interface OpsResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the operator CLI (services/ops-cli) as a process, as an operator would. */
export async function appgovOps(args: string[], env: Record<string, string>): Promise<OpsResult> {
  const cli = join(repoRoot, 'services/ops-cli/dist/src/cli.js');
  try {
    const { stdout, stderr } = await run(process.execPath, [cli, ...args], {
      env: { ...process.env, ...env },
      timeout: 120_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}
