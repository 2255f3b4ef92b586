// A tiny Okta look-alike for integration tests: real HTTP, Okta's headers, scripted answers.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SeenRequest {
  at: number;
  host: string;
  path: string;
  authorization: string | undefined;
}

export type Handler = (req: IncomingMessage, res: ServerResponse, seen: SeenRequest) => void;

export interface FakeOkta {
  port: number;
  seen: SeenRequest[];
  handler: Handler;
  close(): Promise<void>;
}

export async function startFakeOkta(handler: Handler): Promise<FakeOkta> {
  const fake = { seen: [] as SeenRequest[], handler } as FakeOkta;
  const server: Server = createServer((req, res) => {
    const seen: SeenRequest = {
      at: Date.now(),
      host: req.headers.host ?? '',
      path: req.url ?? '',
      authorization: req.headers.authorization,
    };
    fake.seen.push(seen);
    fake.handler(req, res, seen);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.port = (server.address() as AddressInfo).port;
  fake.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return fake;
}

/** Okta-style rate-limit headers for a window ending at `resetSec`. */
export function rateHeaders(limit: number, remaining: number, resetSec: number): Record<string, string> {
  return {
    'x-rate-limit-limit': String(limit),
    'x-rate-limit-remaining': String(Math.max(0, remaining)),
    'x-rate-limit-reset': String(resetSec),
    date: new Date().toUTCString(),
  };
}

export function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string | string[]> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

export const DOMAIN = 'acme.okta.com';
