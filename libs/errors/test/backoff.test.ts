import t from 'tap';
import { backoffDelayMs } from '../src/index.js';

t.test('equal jitter stays in the upper half of the doubled, capped delay', async (t) => {
  const policy = { baseMs: 200, maxMs: 10_000, jitter: 'equal' as const };
  t.equal(
    backoffDelayMs(1, policy, () => 0),
    100,
  );
  t.equal(
    backoffDelayMs(1, policy, () => 1),
    200,
  );
  t.equal(
    backoffDelayMs(3, policy, () => 0.5),
    600,
  );
  t.equal(
    backoffDelayMs(20, policy, () => 0),
    5000,
  );
  t.equal(
    backoffDelayMs(10_000, policy, () => 1),
    10_000,
    'a huge attempt number still gives the cap',
  );
});

t.test('no jitter doubles up to the cap', async (t) => {
  const policy = { baseMs: 50, maxMs: 1000, jitter: 'none' as const };
  t.same(
    [1, 2, 3, 4, 5, 6].map((n) => backoffDelayMs(n, policy)),
    [50, 100, 200, 400, 800, 1000],
  );
});
