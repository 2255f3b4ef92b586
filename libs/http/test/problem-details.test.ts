import {
  AppError,
  ConflictError,
  ForbiddenError,
  InvalidInputError,
  NotFoundError,
  RateLimitedError,
  UnauthorizedError,
  UpstreamUnavailableError,
} from '@appgov/errors';
import { Type } from '@sinclair/typebox';
import t from 'tap';
import { testApp } from './helpers.js';

const cases: [string, Error, number, string][] = [
  [
    'not-found',
    new NotFoundError('CONNECTION_NOT_FOUND', 'No such connection.'),
    404,
    'CONNECTION_NOT_FOUND',
  ],
  ['conflict', new ConflictError('SYNC_RUNNING', 'A sync is running.'), 409, 'SYNC_RUNNING'],
  ['invalid', new InvalidInputError('DOMAIN_INVALID', 'Bad domain.'), 400, 'DOMAIN_INVALID'],
  [
    'unprocessable',
    new InvalidInputError('TOKEN_REJECTED', 'Okta refused the token.', {
      details: { status: 422, field: 'token' },
    }),
    422,
    'TOKEN_REJECTED',
  ],
  ['forbidden', new ForbiddenError('NOT_ALLOWED', 'No.'), 403, 'NOT_ALLOWED'],
  ['unauthorized', new UnauthorizedError('WHO_ARE_YOU', 'Who?'), 401, 'WHO_ARE_YOU'],
  [
    'upstream',
    new UpstreamUnavailableError('OKTA_UNAVAILABLE', 'secret internal host okta-1:443'),
    503,
    'OKTA_UNAVAILABLE',
  ],
  [
    'limited',
    new RateLimitedError('OKTA_RATE_LIMITED', 'Slow.', { retryAfterMs: 1500 }),
    429,
    'OKTA_RATE_LIMITED',
  ],
  ['app-error', new AppError('SOMETHING_ODD', 'internal state x'), 500, 'SOMETHING_ODD'],
  ['crash', new TypeError('cannot read properties of undefined (password=hunter2)'), 500, 'INTERNAL_ERROR'],
];

t.test('AppErrors map to problem+json and 5xx details stay hidden', async (t) => {
  const { app } = await testApp(t);
  for (const [path, error] of cases) {
    app.get(`/boom/${path}`, async () => {
      throw error;
    });
  }
  for (const [path, , status, code] of cases) {
    const res = await app.inject({ method: 'GET', url: `/boom/${path}?x=1` });
    t.equal(res.statusCode, status, path);
    t.match(res.headers['content-type'], /^application\/problem\+json/, path);
    const body = res.json();
    t.match(
      body,
      { status, code, instance: `/boom/${path}`, type: /^https:\/\/appgov\.dev\/problems\// },
      path,
    );
    t.type(body.title, 'string');
    if (status >= 500) {
      t.notMatch(body.detail, /internal|hunter2|okta-1/, `${path} hides details`);
    }
  }
  const limited = await app.inject({ method: 'GET', url: '/boom/limited' });
  t.equal(limited.headers['retry-after'], '2');
  const unprocessable = await app.inject({ method: 'GET', url: '/boom/unprocessable' });
  t.same(unprocessable.json().details, { field: 'token' });
});

t.test('schema validation failures are 400 VALIDATION_FAILED with the errors', async (t) => {
  const { app } = await testApp(t);
  app.post(
    '/things',
    { schema: { body: Type.Object({ name: Type.String({ minLength: 1 }), size: Type.Integer() }) } },
    async (request) => ({ name: request.body.name }),
  );
  const res = await app.inject({ method: 'POST', url: '/things', payload: { size: 'big' } });
  t.equal(res.statusCode, 400);
  t.match(res.headers['content-type'], /problem\+json/);
  const body = res.json();
  t.equal(body.code, 'VALIDATION_FAILED');
  t.ok(body.errors.length >= 1);
  t.match(body.errors[0], { path: String, message: String });
  const ok = await app.inject({ method: 'POST', url: '/things', payload: { name: 'a', size: 1 } });
  t.equal(ok.statusCode, 200);
});

t.test('unknown routes and malformed JSON are problem+json too', async (t) => {
  const { app } = await testApp(t);
  app.post('/echo', async (request) => request.body);
  const missing = await app.inject({ method: 'GET', url: '/nope' });
  t.equal(missing.statusCode, 404);
  t.equal(missing.json().code, 'ROUTE_NOT_FOUND');
  const bad = await app.inject({
    method: 'POST',
    url: '/echo',
    headers: { 'content-type': 'application/json' },
    payload: '{"a":',
  });
  t.equal(bad.statusCode, 400);
  t.match(bad.headers['content-type'], /problem\+json/);
  t.match(bad.json(), { status: 400, code: 'HTTP_BAD_REQUEST' });
});
