import t from 'tap';
import { requireRole } from '../src/index.js';
import { bearer, testApp } from './helpers.js';

t.test(
  'a malformed JSON body is logged at info with a fragment of the input (finding 13; guard: not reproducible on fastify 5.12)',
  async (t) => {
    const { app, logs } = await testApp(t);
    app.post('/things', { preHandler: requireRole('admin') }, async () => ({ ok: true }));
    const admin = await bearer('tenant-a', ['admin']);
    const secret = 'SSWS00aVerySecretTokenValue1234567890';
    for (const payload of [`{"apiToken": "${secret}"`, `{"apiToken": ${secret}}`, `${secret}`]) {
      const res = await app.inject({
        method: 'POST',
        url: '/things',
        headers: { ...admin, 'content-type': 'application/json' },
        payload,
      });
      t.equal(res.statusCode, 400, res.body);
      t.notMatch(res.body, 'VerySecret', 'the response does not echo the input');
    }
    // A content type the route cannot parse: fastify's message quotes the header.
    const odd = await app.inject({
      method: 'POST',
      url: '/things',
      headers: { ...admin, 'content-type': `application/x-${secret}` },
      payload: 'x',
    });
    t.equal(odd.statusCode, 415, odd.body);
    t.notMatch(odd.body, 'VerySecret', 'the response does not echo the header');
    const logged = logs.join('');
    t.ok(logged.includes('request rejected'), 'the rejection is logged');
    t.notOk(logged.includes('VerySecret'), 'no fragment of the input is logged');
  },
);
