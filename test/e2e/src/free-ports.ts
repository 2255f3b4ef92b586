import { freePort } from '@appgov/testing';
import { SERVICE_NAMES, type ServiceName } from './service-process.js';

/**
 * A loopback port free now, bound moments (or, for the last service of a stack, tens of seconds)
 * later by a child process. Taken from below the kernel's ephemeral range: a port the OS hands out
 * with listen(0) can meanwhile become the local port of some outgoing connection and fail the bind.
 */
export { freePort };

/** One free port per service, so parallel stacks never collide. */
export async function freeServicePorts(): Promise<Record<ServiceName, number>> {
  const ports = {} as Record<ServiceName, number>;
  for (const name of SERVICE_NAMES) {
    let port = await freePort();
    while (Object.values(ports).includes(port)) port = await freePort();
    ports[name] = port;
  }
  return ports;
}
