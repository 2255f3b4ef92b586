import type { Test } from 'tap';
import {
  type StartedVaultSimulator,
  type StartVaultSimulatorOptions,
  startVaultSimulator,
} from '../src/index.js';

/** A simulator closed at the end of the test. */
export async function withSimulator(
  t: Test,
  options: StartVaultSimulatorOptions = {},
): Promise<StartedVaultSimulator> {
  const vault = await startVaultSimulator(options);
  t.teardown(() => vault.close());
  return vault;
}

export interface CallResult {
  status: number;
  body: any;
}

/** One raw HTTP call, so tests see Vault's status codes and bodies exactly. */
export async function call(
  vault: StartedVaultSimulator,
  method: string,
  path: string,
  options: { token?: string | null; body?: unknown } = {},
): Promise<CallResult> {
  const token = options.token === undefined ? vault.rootToken : options.token;
  const res = await fetch(`${vault.url}${path}`, {
    method,
    headers: {
      ...(token ? { 'X-Vault-Token': token } : {}),
      ...(options.body !== undefined ? { 'Content-Type': 'application/json' } : {}),
    },
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: text === '' ? undefined : JSON.parse(text) };
}
