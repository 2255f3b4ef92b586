import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleApi, sendError } from './api-handler.js';
import { handleControl } from './control.js';
import { handleToken, TOKEN_PATH } from './oauth.js';
import { type CreateOrgOptions, OktaSimulator, type SimulatorOptions } from './simulator.js';

export interface StartOptions extends SimulatorOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
  /** Orgs to create before listening; the first becomes the default org unless `defaultDomain` says otherwise. */
  orgs?: CreateOrgOptions[];
}

export interface RunningSimulator {
  /** `http://127.0.0.1:PORT`: the default org; reach another org with its domain in the Host header. */
  url: string;
  port: number;
  sim: OktaSimulator;
  server: Server;
  close(): Promise<void>;
}

/** Wraps a simulator in a node:http server (exported for callers that bring their own OktaSimulator). */
export function createSimulatorServer(sim: OktaSimulator): Server {
  return createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const work = path.startsWith('/__control/')
      ? handleControl(sim, req, res)
      : path.startsWith('/api/v1/')
        ? handleApi(sim, req, res)
        : path === TOKEN_PATH
          ? handleToken(sim, req, res)
          : Promise.resolve(sendError(res, 'E0000007'));
    work.catch((err: unknown) => {
      if (!res.headersSent) sendError(res, 'E0000009', err instanceof Error ? err.message : String(err));
      else res.destroy();
    });
  });
}

/** Starts an Okta simulator on loopback; `close()` stops it and drops open connections. */
export async function startOktaSimulator(options: StartOptions = {}): Promise<RunningSimulator> {
  const sim = new OktaSimulator(options);
  for (const org of options.orgs ?? []) sim.createOrg(org);
  const server = createSimulatorServer(sim);
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    sim,
    server,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
