import { type AppError, backoffDelayMs } from '@appgov/errors';
import t from 'tap';
import {
  acquireDecision,
  blockDecision,
  classifyBucket,
  classifyNetworkError,
  classifyResponse,
  emptyBudget,
  findLink,
  isSameOrigin,
  msUntilReset,
  normaliseOrgDomain,
  observeDecision,
  oktaBudgetKeyPrefix,
  parseLinkHeader,
  parseRateLimit,
  waitAfter429Ms,
} from '../src/index.js';

t.test('link header parsing', async (t) => {
  const base = 'https://acme.okta.com/api/v1/users?limit=200';
  const sep = [
    '<https://acme.okta.com/api/v1/users?limit=200>; rel="self"',
    '<https://acme.okta.com/api/v1/users?after=00u1&limit=200>; rel="next"',
  ];
  t.equal(findLink(sep, 'next', base), 'https://acme.okta.com/api/v1/users?after=00u1&limit=200');
  t.equal(findLink(sep.join(', '), 'next', base), 'https://acme.okta.com/api/v1/users?after=00u1&limit=200');
  // A comma inside the URL (filters) must not split the link.
  const withComma =
    '<https://acme.okta.com/api/v1/users?filter=a,b&after=x>; rel=next, <https://acme.okta.com/x>; rel="self"';
  t.equal(findLink(withComma, 'next'), 'https://acme.okta.com/api/v1/users?filter=a,b&after=x');
  t.equal(findLink('<https://acme.okta.com/a>; rel="self"', 'next'), undefined);
  t.equal(findLink(undefined, 'next'), undefined);
  t.equal(findLink('<https://acme.okta.com/b>; rel="prev next"', 'next'), 'https://acme.okta.com/b');
  t.equal(
    findLink('</api/v1/users?after=1>; rel="next"', 'next', base),
    'https://acme.okta.com/api/v1/users?after=1',
  );
  const links = parseLinkHeader('<a>; rel="self"; title="x, y", <b>; rel=next');
  t.same(
    links.map((l) => [l.url, l.rel, l.params.title]),
    [
      ['a', ['self'], 'x, y'],
      ['b', ['next'], undefined],
    ],
  );
  t.ok(isSameOrigin('https://acme.okta.com/api/v1/x', 'https://acme.okta.com'));
  t.notOk(isSameOrigin('https://evil.com/api/v1/x', 'https://acme.okta.com'));
  t.notOk(isSameOrigin('http://acme.okta.com/api/v1/x', 'https://acme.okta.com'));
  t.notOk(isSameOrigin('https://acme.okta.com:444/api/v1/x', 'https://acme.okta.com'));
  t.notOk(isSameOrigin('not a url', 'https://acme.okta.com'));
});

t.test('bucket classification', async (t) => {
  t.equal(classifyBucket('/api/v1/apps'), 'apps');
  t.equal(classifyBucket('/api/v1/apps/0oa1/users?limit=500'), 'apps');
  t.equal(classifyBucket('/api/v1/apps/0oa1/grants'), 'apps');
  t.equal(classifyBucket('/api/v1/groups'), 'groups');
  t.equal(classifyBucket('/api/v1/groups/00g1/users'), 'groups');
  t.equal(classifyBucket('/api/v1/groups/00g1/apps'), 'groups');
  t.equal(classifyBucket('/api/v1/groups/00g1'), 'other');
  t.equal(classifyBucket('/api/v1/users'), 'users');
  t.equal(classifyBucket('/api/v1/users/'), 'users');
  t.equal(classifyBucket('https://acme.okta.com/api/v1/users?after=x'), 'users');
  t.equal(classifyBucket('/api/v1/users', 'POST'), 'other');
  t.equal(classifyBucket('/api/v1/users/me'), 'other');
  t.equal(classifyBucket('/api/v1/users/00u1/roles'), 'other');
  t.equal(classifyBucket('/api/v1/logs?since=x'), 'logs');
  t.equal(classifyBucket('/api/v1/iam/assignees/users'), 'other');
  t.equal(classifyBucket('/api/v1/api-tokens'), 'other');
  t.equal(classifyBucket('/api/v1/org'), 'other');
  t.equal(classifyBucket('/api/v1/applications'), 'other');
});

t.test('reset math uses the Date header, not the local clock', async (t) => {
  const date = 'Tue, 01 Jul 2025 10:00:00 GMT';
  const dateMs = Date.parse(date);
  // Local clock an hour off: the wait still follows Okta's clock.
  t.equal(msUntilReset(dateMs / 1000 + 7, date, dateMs + 3_600_000), 7000);
  t.equal(msUntilReset(dateMs / 1000 - 5, date), 0);
  t.equal(msUntilReset(1000, undefined, 990_000), 10_000);
  const info = parseRateLimit({
    'x-rate-limit-limit': '100',
    'x-rate-limit-remaining': '0',
    'x-rate-limit-reset': String(dateMs / 1000 + 30),
    date,
  });
  t.same(info, { limit: 100, remaining: 0, resetEpochSeconds: dateMs / 1000 + 30, resetInMs: 30_000 });
  t.equal(waitAfter429Ms(info, 500, 1234), 30_500);
  const concurrency = parseRateLimit({
    'x-rate-limit-limit': '0',
    'x-rate-limit-remaining': '0',
    'x-rate-limit-reset': '1',
    date,
  });
  t.equal(waitAfter429Ms(concurrency, 500, 1234), 1234, 'concurrency 429 uses the short backoff');
  t.equal(parseRateLimit({ date }), undefined);
});

t.test('jittered exponential backoff stays within its bound', async (t) => {
  const opts = { baseMs: 100, maxMs: 1000, jitter: 'full' as const };
  t.equal(
    backoffDelayMs(1, opts, () => 0.999),
    99,
  );
  t.equal(
    backoffDelayMs(3, opts, () => 0.999),
    399,
  );
  t.equal(
    backoffDelayMs(10, opts, () => 0.999),
    999,
  );
  t.equal(
    backoffDelayMs(10, opts, () => 0),
    0,
  );
});

t.test('error classification', async (t) => {
  const ctx = { domain: 'acme.okta.com', bucket: 'other' as const, path: '/api/v1/users/me' };
  const list = { domain: 'acme.okta.com', bucket: 'groups' as const, path: '/api/v1/groups/00g1/users' };
  const body = (code: string) => JSON.stringify({ errorCode: code, errorSummary: 's', errorId: 'x' });
  const e401 = classifyResponse(401, {}, body('E0000011'), ctx);
  t.equal(e401.code, 'OKTA_INVALID_TOKEN');
  t.equal(e401.retryable, false);
  const e403 = classifyResponse(
    403,
    { 'www-authenticate': 'Bearer error="insufficient_scope"' },
    body('E0000006'),
    list,
  );
  t.equal(e403.code, 'OKTA_FORBIDDEN');
  t.equal(e403.retryable, false);
  t.equal(e403.details?.oktaErrorCode, 'E0000006');
  t.equal(e403.details?.insufficientScope, true);
  t.equal(classifyResponse(403, {}, body('E0000006'), list).details?.insufficientScope, false);
  t.equal(classifyResponse(404, {}, body('E0000007'), ctx).code, 'OKTA_ORG_NOT_FOUND');
  t.equal(classifyResponse(404, {}, '<html>nope</html>', list).code, 'OKTA_ORG_NOT_FOUND');
  t.equal(classifyResponse(404, {}, body('E0000007'), list).code, 'OKTA_NOT_FOUND');
  const e429 = classifyResponse(429, {}, body('E0000047'), list, undefined, 1500);
  t.equal(e429.code, 'OKTA_RATE_LIMITED');
  t.equal(e429.retryable, true);
  t.equal((e429 as AppError & { retryAfterMs?: number }).retryAfterMs, 1500);
  for (const s of [500, 502, 503, 504]) {
    const e = classifyResponse(s, {}, '', list);
    t.equal(e.code, 'OKTA_UNAVAILABLE');
    t.equal(e.retryable, true);
  }
  t.equal(classifyResponse(302, { location: 'https://x' }, '', list).code, 'OKTA_REDIRECT_REFUSED');
  t.equal(classifyResponse(302, {}, '', ctx).code, 'OKTA_ORG_NOT_FOUND');
  t.equal(classifyResponse(400, {}, body('E0000031'), list).code, 'OKTA_BAD_REQUEST');
  const reset = classifyNetworkError(
    Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }),
    list,
  );
  t.equal(reset.code, 'OKTA_UNAVAILABLE');
  t.equal(reset.retryable, true);
  const timeout = classifyNetworkError(
    Object.assign(new Error('t'), { code: 'UND_ERR_HEADERS_TIMEOUT' }),
    list,
  );
  t.equal(timeout.code, 'OKTA_UNAVAILABLE');
  t.equal(
    classifyNetworkError(Object.assign(new Error('dns'), { code: 'ENOTFOUND' }), ctx).code,
    'OKTA_ORG_NOT_FOUND',
  );
});

t.test(
  'org_not_found: a 404 on a top-level collection or naming the org is OKTA_ORG_NOT_FOUND',
  async (t) => {
    // Found by ingest's sync-failures test: a sync's first call is a list, and an unknown org answered
    // it with E0000007, which was OKTA_NOT_FOUND, so the sync ended `internal` instead of org_not_found.
    const at = (path: string) => ({ domain: 'gone.okta.com', bucket: 'users' as const, path });
    const e0000007 = (summary: string) =>
      JSON.stringify({ errorCode: 'E0000007', errorSummary: summary, errorId: 'oae1', errorCauses: [] });
    for (const path of [
      '/api/v1/users',
      '/api/v1/groups',
      '/api/v1/apps',
      '/api/v1/api-tokens',
      '/api/v1/iam/assignees/users',
    ])
      t.equal(
        classifyResponse(404, {}, e0000007('Not found: Resource not found: x'), at(path)).code,
        'OKTA_ORG_NOT_FOUND',
        `404 on ${path}`,
      );
    t.equal(
      classifyResponse(
        404,
        {},
        e0000007('Not found: Resource not found: gone.okta.com (Org)'),
        at('/api/v1/apps/0oa1/users'),
      ).code,
      'OKTA_ORG_NOT_FOUND',
      'a 404 whose summary names the org, on an object path',
    );
    t.equal(
      classifyResponse(
        404,
        {},
        e0000007('Not found: Resource not found: 0oa1 (AppInstance)'),
        at('/api/v1/apps/0oa1/users'),
      ).code,
      'OKTA_NOT_FOUND',
      'an object that vanished stays OKTA_NOT_FOUND',
    );
  },
);

t.test('org domains are bare hostnames', async (t) => {
  t.equal(normaliseOrgDomain(' Acme.Okta.com '), 'acme.okta.com');
  for (const bad of [
    'https://acme.okta.com',
    'acme.okta.com/x',
    'acme',
    'evil.com@acme.okta.com',
    'acme.okta.com:443',
  ]) {
    t.throws(() => normaliseOrgDomain(bad), { code: 'OKTA_INVALID_DOMAIN' }, bad);
  }
});

t.test('budget decision: probe, share cap, spreading, block', async (t) => {
  const p = { share: 0.5, spreadBelow: 0.25, probeIntervalMs: 2000, windowMs: 60_000 };
  const s = emptyBudget();
  t.equal(acquireDecision(s, 1000, p), 0, 'first call probes');
  t.ok(acquireDecision(s, 1001, p) > 0, 'no second call before the limit is known');
  observeDecision(s, 1100, 20, 19, 30_000, 31);
  let granted = 1;
  let now = 1100;
  while (now < 31_100) {
    const w = acquireDecision(s, now, p);
    if (w === 0) granted++;
    else now += Math.min(w, 1000);
  }
  t.equal(granted, 10, 'at most limit × share in one window');
  t.equal(acquireDecision(s, 31_100, p), 0, 'a new window grants again');
  blockDecision(s, 31_200, 5000);
  t.equal(acquireDecision(s, 31_300, p), 4900, 'blocked until the 429 wait ends');
  observeDecision(s, 31_300, 0, 0, 0, 0);
  t.equal(s.limit, 20, 'a concurrency 429 does not change the learned limit');
  // Spreading: with a fresh window of 40 (cap 20, spread below 5 left) the tail is spaced out.
  const q = emptyBudget();
  acquireDecision(q, 0, p);
  observeDecision(q, 0, 40, 39, 60_000, 60);
  const times: number[] = [];
  for (let t2 = 0; t2 < 60_000 && times.length < 19; ) {
    const w = acquireDecision(q, t2, p);
    if (w === 0) times.push(t2);
    else t2 += w;
  }
  t.equal(times.length, 19);
  t.ok((times.at(-1) ?? 0) > 30_000, 'the last calls are spread over the window, not burst');
  t.equal(times[10], 0, 'while plenty is left calls are not delayed');
});

t.test('budget decision: a late answer of the last window does not reopen ours', async (t) => {
  const p = { share: 0.5, spreadBelow: 0.25, probeIntervalMs: 2000, windowMs: 60_000 };
  const s = emptyBudget();
  acquireDecision(s, 0, p);
  // Okta's window ends in (59 s, 60 s]: Reset 60, Date 0 s.
  observeDecision(s, 100, 100, 99, 60_000, 60);
  let now = 100;
  while (now < 60_100) {
    const w = acquireDecision(s, now, p);
    if (w > 0) now += w; // grants until the share is used, then waits for the window's end
  }
  t.equal(s.used, 50, 'the first window used its share');
  // Our window rolls over at 60 500; ten calls go out in Okta's next window.
  for (let i = 0; i < 10; i++) t.equal(acquireDecision(s, 60_500, p), 0);
  // A call sent at 59.4 s answers only now (a slow response): Reset 60, Date 59.
  observeDecision(s, 60_600, 100, 50, 1000, 60);
  t.equal(s.used, 10, 'the count of the current window stands');
  t.equal(s.resetAt, 120_500, 'and so does its end');
  // The first answer of the new window (Reset 121, Date 61): Okta holds 11 calls, ours and one that
  // left at the end of our last window but reached Okta after its window closed.
  observeDecision(s, 60_700, 100, 89, 60_000, 121);
  t.equal(s.used, 11, 'the first answer of a window counts what Okta already holds');
  observeDecision(s, 60_800, 100, 50, 1000, 60); // another late one, after the new window is known
  t.equal(s.resetAt, 120_700, 'a late answer never moves the end back');
  let granted = 11;
  for (now = 60_800; now < 120_600; ) {
    const w = acquireDecision(s, now, p);
    if (w === 0) granted++;
    else now += Math.min(w, 1000);
  }
  t.equal(granted, 50, "Okta's window from 60.5 s to 120.7 s holds the share, not more");
});

t.test('budget decision: an answer from the next window starts a new count', async (t) => {
  const p = { share: 0.5, spreadBelow: 0.25, probeIntervalMs: 2000, windowMs: 2000 };
  const s = emptyBudget();
  acquireDecision(s, 0, p);
  observeDecision(s, 10, 100, 99, 1990, 2);
  for (let i = 0; i < 30; i++) t.equal(acquireDecision(s, 20, p), 0);
  // Answers of one window differ in resetInMs (Date's resolution, latency) but not in Reset.
  observeDecision(s, 500, 100, 60, 2800, 2);
  t.equal(s.used, 31, 'an answer of the same window keeps the count, however late it arrives');
  // Calls in flight answer from Okta's next window before any acquire sees our window end.
  observeDecision(s, 1900, 100, 98, 2100, 4);
  t.equal(s.used, 2, 'a newer Reset restarts the count from what Okta holds');
  t.equal(s.resetAt, 4000);
  for (let i = 0; i < 5; i++) acquireDecision(s, 1950, p);
  observeDecision(s, 4050, 100, 97, 1950, 6);
  t.equal(s.used, 3, 'an answer of the window after restarts it again');
  t.equal(acquireDecision(s, 4060, p), 0, 'and the new window grants at once');
});

t.test('the Okta budget key prefix honours REDIS_KEY_PREFIX and is shared by a deployment', async (t) => {
  t.equal(oktaBudgetKeyPrefix('appgov', 'ingest-service'), 'appgov', "ingest's default");
  t.equal(
    oktaBudgetKeyPrefix('appgov:connection-service:', 'connection-service'),
    'appgov',
    "connection-service's default: the same budget as ingest's",
  );
  t.equal(oktaBudgetKeyPrefix('stack1:ingest-service:', 'ingest-service'), 'stack1', 'a stack: its own');
  t.equal(oktaBudgetKeyPrefix('stack1:connection-service:', 'connection-service'), 'stack1');
  t.equal(oktaBudgetKeyPrefix('cs_x1:', 'connection-service'), 'cs_x1', 'a test: its own');
});
