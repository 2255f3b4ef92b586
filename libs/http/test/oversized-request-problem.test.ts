// Found by the API fuzzer (test/e2e api-fuzz): a request line or headers beyond Node's limit were
// answered by fastify's default client-error handler with an application/json body, where every
// error is documented as application/problem+json.
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import t from 'tap';
import { testApp } from './helpers.js';

function get(port: number, path: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; type: string | undefined; body: string }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          type: res.headers['content-type'],
          body: Buffer.concat(chunks).toString(),
        }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

t.test('an over-long request line or header is a 431 problem+json', async (t) => {
  const { app } = await testApp(t);
  app.get('/things', async () => ({ ok: true }));
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  for (const [what, res] of [
    ['query', await get(port, `/things?q=${'y'.repeat(70_000)}`)],
    ['header', await get(port, '/things', { 'x-big': 'z'.repeat(70_000) })],
  ] as const) {
    t.equal(res.status, 431, what);
    t.equal(res.type, 'application/problem+json', `${what}: problem+json`);
    const body = JSON.parse(res.body);
    t.match(body, { status: 431, code: 'HEADERS_TOO_LARGE', title: 'Request Header Fields Too Large' }, what);
    t.type(body.instance, 'string');
  }
});

t.test('a path parameter beyond maxParamLength is a 414 problem+json, a bad escape a 400', async (t) => {
  const { app } = await testApp(t);
  app.get('/things/:id', async () => ({ ok: true }));
  const long = await app.inject({ method: 'GET', url: `/things/${'x'.repeat(500)}` });
  t.equal(long.statusCode, 414);
  t.match(long.headers['content-type'], /^application\/problem\+json/);
  t.match(long.json(), { status: 414, code: 'PATH_PARAMETER_TOO_LONG' });
  t.ok(long.json().instance.length <= 200, 'the path is not echoed whole');
  const bad = await app.inject({ method: 'GET', url: '/things/%E0%A4%A' });
  t.equal(bad.statusCode, 400);
  t.match(bad.headers['content-type'], /^application\/problem\+json/);
  t.match(bad.json(), { status: 400, code: 'MALFORMED_URL' });
});
