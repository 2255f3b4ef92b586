import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

// Ports the kernel hands out itself (listen(0), the local end of every outgoing connection) come
// from the ephemeral range. A port taken from there, closed and bound again later by a child
// process or after a restart, can meanwhile become the local port of some Kafka or Postgres
// connection of a test running in parallel, and the bind fails with EADDRINUSE. Below that range
// the kernel hands out nothing, so a port found free there stays free until a test binds it.
const FLOOR = 10_000;

function ephemeralLow(): number {
  try {
    const [low] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/);
    const n = Number(low);
    return Number.isInteger(n) && n > FLOOR + 1000 ? n : 32_768;
  } catch {
    return 32_768;
  }
}

function bindable(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

/**
 * A loopback TCP port that is free now and that the OS will not hand to anyone else: for a server
 * started later (a child process) or stopped and started again on the same port.
 */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  const high = ephemeralLow() - 1;
  for (let i = 0; i < 200; i++) {
    const port = FLOOR + Math.floor(Math.random() * (high - FLOOR + 1));
    if (await bindable(port, host)) return port;
  }
  throw new Error(`no free port in ${FLOOR}-${high} after 200 tries`);
}
