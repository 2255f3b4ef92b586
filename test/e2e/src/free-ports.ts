import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { SERVICE_NAMES, type ServiceName } from './service-process.js';

/** A port the OS just handed out on loopback (free now; tests bind it moments later). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** One free port per service, so parallel stacks never collide. */
export async function freeServicePorts(): Promise<Record<ServiceName, number>> {
  const ports = {} as Record<ServiceName, number>;
  for (const name of SERVICE_NAMES) ports[name] = await freePort();
  return ports;
}
