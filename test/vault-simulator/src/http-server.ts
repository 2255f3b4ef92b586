import http from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { type ApiRequest, type ApiResponse, handleVaultRequest } from './vault-api.js';
import type { UnavailableMode, VaultSimulator } from './vault-simulator.js';

export interface ListenOptions {
  port?: number;
  host?: string;
  /** Serve HTTPS with this certificate (PEM), as a Vault behind a private CA. */
  tls?: { cert: string; key: string };
}

/** A running simulator HTTP server. */
export interface RunningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 1024 * 1024;

function parseBody(raw: string): unknown {
  if (raw.trim() === '') return null;
  return JSON.parse(raw);
}

function serialise(res: ApiResponse): { status: number; headers: Record<string, string>; payload: string } {
  if (res.body === undefined) return { status: res.status, headers: {}, payload: '' };
  const payload = typeof res.body === 'string' ? res.body : `${JSON.stringify(res.body)}\n`;
  const type = typeof res.body === 'string' ? 'text/plain; charset=utf-8' : 'application/json';
  return { status: res.status, headers: { 'Content-Type': type, 'Cache-Control': 'no-store' }, payload };
}

function jsonError(message: string): ApiResponse {
  return { status: 400, body: { errors: [message] } };
}

/**
 * node:http's parser (llhttp) rejects Vault's `LIST` verb before a request exists, so LIST arrives as
 * a `clientError` with the raw bytes; this parses that one request and answers on the socket.
 */
function answerRawList(sim: VaultSimulator, raw: Buffer, socket: Socket): boolean {
  const text = raw.toString('utf8');
  const headerEnd = text.indexOf('\r\n\r\n');
  if (!text.startsWith('LIST ') || headerEnd === -1) return false;
  const [requestLine = '', ...headerLines] = text.slice(0, headerEnd).split('\r\n');
  const url = requestLine.split(' ')[1] ?? '/';
  const headers = new Map(
    headerLines.map((line) => {
      const i = line.indexOf(':');
      return [line.slice(0, i).trim().toLowerCase(), line.slice(i + 1).trim()] as const;
    }),
  );
  const req: ApiRequest = { method: 'LIST', url, token: headers.get('x-vault-token'), body: null };
  const { status, headers: h, payload } = serialise(handleVaultRequest(sim, req));
  const lines = [
    `HTTP/1.1 ${status} ${http.STATUS_CODES[status] ?? ''}`,
    `Date: ${new Date().toUTCString()}`,
    ...Object.entries(h).map(([k, v]) => `${k}: ${v}`),
    `Content-Length: ${Buffer.byteLength(payload)}`,
    'Connection: close',
  ];
  socket.end(`${lines.join('\r\n')}\r\n\r\n${payload}`);
  return true;
}

/** Serves `sim` on loopback; supports refusing/resetting connections on command. */
export async function listen(sim: VaultSimulator, options: ListenOptions = {}): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  const sockets = new Set<Socket>();

  const handler: http.RequestListener = (req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => {
      let apiRes: ApiResponse;
      try {
        const body = parseBody(Buffer.concat(chunks).toString('utf8'));
        const token = req.headers['x-vault-token'];
        apiRes = handleVaultRequest(sim, {
          method: req.method ?? 'GET',
          url: req.url ?? '/',
          token: Array.isArray(token) ? token[0] : token,
          body,
        });
      } catch (error) {
        apiRes = jsonError(`failed to parse JSON input: ${(error as Error).message}`);
      }
      const { status, headers, payload } = serialise(apiRes);
      res.writeHead(status, headers);
      res.end(req.method === 'HEAD' ? undefined : payload);
    });
  };
  const server = options.tls ? https.createServer(options.tls, handler) : http.createServer(handler);

  server.on('connection', (socket: Socket) => {
    if (sim.unavailable === 'reset') {
      socket.resetAndDestroy();
      return;
    }
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  server.on('clientError', (error: NodeJS.ErrnoException & { rawPacket?: Buffer }, socket: Socket) => {
    if (error.code === 'HPE_INVALID_METHOD' && error.rawPacket && answerRawList(sim, error.rawPacket, socket))
      return;
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });

  const start = (port: number) =>
    new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve((server.address() as AddressInfo).port);
      });
    });
  const stop = () =>
    new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      if (!server.listening) return resolve();
      server.close(() => resolve());
    });

  const port = await start(options.port ?? 0);

  sim.onAvailabilityChange = async (mode: UnavailableMode | false) => {
    if (mode === 'refused') return stop();
    // Resets are decided per connection; existing keep-alive sockets must reconnect to see them.
    if (mode === 'reset') for (const socket of sockets) socket.resetAndDestroy();
    if (!server.listening) await start(port);
  };

  return {
    url: `${options.tls ? 'https' : 'http'}://${host}:${port}`,
    port,
    close: async () => {
      sim.onAvailabilityChange = undefined;
      await stop();
    },
  };
}
