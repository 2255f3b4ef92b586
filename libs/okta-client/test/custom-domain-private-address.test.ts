// Finding 8: with custom domains allowed, the address a host resolves to was not checked, so a
// tenant could aim Appgov's Okta client at internal hosts and tell from the errors what answers.
// The production agent now refuses non-public addresses before connecting, as a name that does
// not resolve.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import t from 'tap';
import { request } from 'undici';
import { createAgent, isPublicAddress, publicOnlyLookup } from '../src/index.js';

t.test('the resolved address of an org host is not checked (finding 8: private addresses)', async (t) => {
  let connections = 0;
  const server = createServer((_req, res) => res.end('inside'));
  server.on('connection', () => {
    connections += 1;
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.teardown(() => new Promise<void>((r) => server.close(() => r())));
  const { port } = server.address() as AddressInfo;

  // The production agent: real DNS, `localhost` resolves to loopback.
  const agent = createAgent({ allowInsecureForTests: false, connectTimeoutMs: 2000 });
  t.teardown(() => agent.close());
  const errors: string[] = [];
  for (const host of ['localhost', 'no-such-host.invalid']) {
    const err = await request(`http://${host}:${port}/`, { dispatcher: agent }).then(
      () => undefined,
      (e: NodeJS.ErrnoException) => e,
    );
    t.ok(err, `${host} refused`);
    errors.push(`${err?.code}`);
  }
  t.equal(connections, 0, 'nothing inside was connected to');
  t.same(
    errors,
    ['ENOTFOUND', 'ENOTFOUND'],
    'a private address fails exactly as a name that does not resolve',
  );
});

t.test('non-public ranges, the chart private ranges included', async (t) => {
  for (const a of [
    '127.0.0.1',
    '10.1.2.3',
    '172.16.0.1',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '100.127.255.254',
    '0.0.0.0',
    '::1',
    '::',
    'fe80::1',
    'fd00::1',
    '::ffff:127.0.0.1',
    '::ffff:169.254.169.254',
    '224.0.0.1',
  ]) {
    t.notOk(isPublicAddress(a), a);
  }
  for (const a of ['8.8.8.8', '104.16.0.1', '100.128.0.1', '2606:4700::1111', '::ffff:8.8.8.8']) {
    t.ok(isPublicAddress(a), a);
  }
});

t.test('a host answering with a public and a private address is refused', async (t) => {
  const lookup = publicOnlyLookup(((_h: string, _o: unknown, cb: (e: null, a: unknown) => void) =>
    cb(null, [
      { address: '8.8.8.8', family: 4 },
      { address: '10.0.0.1', family: 4 },
    ])) as never);
  const err = await new Promise<NodeJS.ErrnoException | null>((r) =>
    lookup('mixed.example', { all: true }, (e) => r(e)),
  );
  t.equal(err?.code, 'ENOTFOUND');
  const ok = await new Promise<unknown>((r) =>
    publicOnlyLookup(((_h: string, _o: unknown, cb: (e: null, a: unknown) => void) =>
      cb(null, [{ address: '8.8.8.8', family: 4 }])) as never)('okta.example', {}, (_e, a) => r(a)),
  );
  t.equal(ok, '8.8.8.8');
});
