import { listen } from './http-server.js';
import type { KubernetesAuthOptions } from './kubernetes-auth.js';
import type { PolicyRule } from './policy.js';
import { VaultSimulator } from './vault-simulator.js';

export interface StartVaultSimulatorOptions {
  /** 0 or omitted: an ephemeral port. */
  port?: number;
  host?: string;
  rootToken?: string;
  mounts?: string[];
  policies?: Record<string, PolicyRule[]>;
  kubernetes?: KubernetesAuthOptions;
  /** Serve HTTPS with this certificate (PEM). */
  tls?: { cert: string; key: string };
}

export interface StartedVaultSimulator {
  /** Base address for clients, e.g. `http://127.0.0.1:8200` (node-vault's `endpoint`). */
  url: string;
  port: number;
  rootToken: string;
  /** In-process control: tokens, policies, seal, availability, counters, dump. */
  sim: VaultSimulator;
  close(): Promise<void>;
}

/** Starts a simulated Vault on loopback for a test or for `make demo`. */
export async function startVaultSimulator(
  options: StartVaultSimulatorOptions = {},
): Promise<StartedVaultSimulator> {
  const sim = new VaultSimulator({
    ...(options.rootToken ? { rootToken: options.rootToken } : {}),
    ...(options.mounts ? { mounts: options.mounts } : {}),
    ...(options.policies ? { policies: options.policies } : {}),
    ...(options.kubernetes ? { kubernetes: options.kubernetes } : {}),
  });
  const server = await listen(sim, {
    ...(options.port !== undefined ? { port: options.port } : {}),
    ...(options.host ? { host: options.host } : {}),
    ...(options.tls ? { tls: options.tls } : {}),
  });
  return { url: server.url, port: server.port, rootToken: sim.rootToken, sim, close: server.close };
}
