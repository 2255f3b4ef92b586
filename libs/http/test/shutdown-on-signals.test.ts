import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import t from 'tap';

const child = fileURLToPath(new URL('./fixtures/shutdown-child.js', import.meta.url));

/** Starts the fixture, sends SIGTERM once it is ready, and returns its exit code, time and output. */
async function sigterm(mode: string) {
  const proc = spawn(process.execPath, [child, mode], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const ready = new Promise<void>((resolve) =>
    proc.stdout.on('data', (b: Buffer) => {
      out += b.toString();
      if (out.includes('READY')) resolve();
    }),
  );
  proc.stderr.on('data', (b: Buffer) => {
    out += b.toString();
  });
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  await ready;
  const started = performance.now();
  proc.kill('SIGTERM');
  const code = await exited;
  const lines = out
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { msg: string; activeResources?: string[] });
  return { code, ms: performance.now() - started, lines };
}

t.test('a clean stop exits 0 as soon as the event loop is empty', async (t) => {
  const { code, lines } = await sigterm('clean');
  t.equal(code, 0);
  t.same(
    lines.map((l) => l.msg),
    ['shutting down', 'stopped'],
  );
});

t.test('a handle left open after stop is logged and does not hold the exit', async (t) => {
  const { code, ms, lines } = await sigterm('stray');
  t.equal(code, 0, 'stop succeeded, so exit 0');
  // Without the linger bound it would never exit: the stray interval runs forever.
  // Without the bound it would never exit; 30 s leaves a loaded machine all the room it needs.
  t.ok(ms < 30_000, `exited ${Math.round(ms)} ms after SIGTERM (stop 200 ms + linger 300 ms)`);
  const warning = lines.find((l) => l.msg === 'still running after stop; exiting');
  t.ok(warning, 'the lingering is logged');
  t.ok(warning?.activeResources?.includes('Timeout'), 'with what held the loop');
});

t.test('a stop that throws exits 1', async (t) => {
  const { code, lines } = await sigterm('throw');
  t.equal(code, 1);
  t.ok(lines.some((l) => l.msg === 'shutdown failed'));
});
