import { PassThrough } from 'node:stream';
import { createLogger, createMetricsRegistry } from '@appgov/telemetry';
import { DEV_JWT_SECRET, mintJwt, type Teardown, uniqueName } from '@appgov/testing';
import { type BuildHttpAppOptions, buildHttpApp, type HttpApp } from '../src/index.js';

/** A quiet app with HS256 dev auth; lines logged are kept in `logs`. */
export async function testApp(
  t: Teardown,
  overrides: Partial<BuildHttpAppOptions> = {},
): Promise<{ app: HttpApp; logs: string[] }> {
  const stream = new PassThrough();
  const logs: string[] = [];
  stream.on('data', (chunk: Buffer) => logs.push(chunk.toString()));
  const name = uniqueName('http');
  const app = await buildHttpApp({
    name,
    logger: createLogger({ name, level: 'info', destination: stream }),
    registry: createMetricsRegistry(name),
    auth: { hs256Secret: DEV_JWT_SECRET },
    swagger: { title: 'Test API', version: '0.0.0' },
    ...overrides,
  });
  t.teardown(() => app.close());
  return { app, logs };
}

/** `Authorization` header for a caller of `tenant` with `roles`. */
export async function bearer(
  tenant: string,
  roles: string[],
  sub = 'user-1',
): Promise<{ authorization: string }> {
  const token = await mintJwt({ sub, email: `${sub}@example.com`, tenant, roles });
  return { authorization: `Bearer ${token}` };
}
