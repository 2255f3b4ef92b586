import t from 'tap';
import { AppError, ConflictError, isRetryable, UpstreamUnavailableError } from '../src/index.js';

t.test('codes, retryable and cause survive and serialise', async (t) => {
  const cause = new Error('socket hang up');
  const e = new UpstreamUnavailableError('OKTA_UNAVAILABLE', 'Okta did not answer', { cause });
  t.equal(e.code, 'OKTA_UNAVAILABLE');
  t.equal(e.retryable, true);
  t.equal(e.cause, cause);
  t.equal(e.name, 'UpstreamUnavailableError');
  t.same(JSON.parse(JSON.stringify(e)).code, 'OKTA_UNAVAILABLE');
  t.ok(e instanceof AppError);
});

t.test('isRetryable branches on the flag, unknown errors are retryable', async (t) => {
  t.equal(isRetryable(new ConflictError('X_CONFLICT', 'no')), false);
  t.equal(isRetryable(new UpstreamUnavailableError('X_DOWN', 'down', { retryable: false })), false);
  t.equal(isRetryable(new Error('boom')), true);
});
