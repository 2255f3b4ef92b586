// Finding 8: Okta response bodies are bounded.
import { Registry } from 'prom-client';
import t from 'tap';
import { createOktaClientFactory, testResolver } from '../src/index.js';
import { DOMAIN, startFakeOkta } from './fake-okta.js';

t.test('Okta response bodies and page counts are unbounded (finding 8: bodies)', async (t) => {
  let written = 0;
  const fake = await startFakeOkta((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    // An endless body, a megabyte at a time, until the client hangs up.
    const chunk = Buffer.alloc(1024 * 1024, 0x20);
    const pump = () => {
      while (!res.destroyed && written < 64 * 1024 * 1024) {
        written += chunk.length;
        if (!res.write(chunk)) return void res.once('drain', pump);
      }
      res.end();
    };
    res.on('error', () => {});
    pump();
  });
  const factory = createOktaClientFactory({
    resolver: testResolver({ port: fake.port }),
    allowInsecureForTests: true,
    registry: new Registry(),
    retry: { maxAttempts: 1 },
    timeouts: { maxResponseBytes: 4 * 1024 * 1024 },
  });
  t.teardown(async () => {
    await factory.close();
    await fake.close();
  });
  const before = process.memoryUsage().rss;
  await t.rejects(factory.forOrg(DOMAIN, { type: 'ssws', token: 'x'.repeat(40) }).getOrg(), {
    code: 'OKTA_RESPONSE_TOO_LARGE',
  });
  t.comment(
    `server wrote ${written >> 20} MiB before the client hung up; rss +${(process.memoryUsage().rss - before) >> 20} MiB`,
  );
  t.ok(written < 64 * 1024 * 1024, 'the client stopped reading');
  t.equal(factory.breakerState(DOMAIN), 'closed', 'not counted as an Okta failure');
});
