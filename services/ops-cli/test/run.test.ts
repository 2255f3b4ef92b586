import t from 'tap';
import { run } from '../src/run.js';

const io = () => {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l), env: {} } };
};

t.test('usage errors exit 2 and say what is wrong', async (t) => {
  const a = io();
  t.equal(await run([], a.io), 2, 'no command');
  t.match(a.err.join('\n'), /usage: appgov-ops/);
  const b = io();
  t.equal(await run(['dlq', 'list'], b.io), 2, 'no KAFKA_BROKERS');
  t.match(b.err.join('\n'), /KAFKA_BROKERS is not set/);
  const c = io();
  t.equal(
    await run(['connections'], { ...c.io, env: { APPGOV_CONNECTION_URL: 'http://x', APPGOV_TOKEN: 'y' } }),
    2,
  );
  t.match(c.err.join('\n'), /--stale and\/or --failing/);
  const d = io();
  t.equal(await run(['dlq', 'replay', '--bogus'], d.io), 2, 'unknown flag');
});
