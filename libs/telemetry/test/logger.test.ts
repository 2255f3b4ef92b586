import { PassThrough } from 'node:stream';
import t from 'tap';
import { createLogger, redactSecrets, startTelemetry, withSpan } from '../src/index.js';

function capture() {
  const stream = new PassThrough();
  const lines: string[] = [];
  stream.on('data', (chunk: Buffer) => lines.push(...chunk.toString().split('\n').filter(Boolean)));
  return { stream, lines, text: () => lines.join('\n') };
}

const TOKEN = '00aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789_-xy';

t.test('a token never appears in the log output, at any depth or in free text', async (t) => {
  const out = capture();
  const log = createLogger({ name: 'redact-test', level: 'debug', destination: out.stream });
  log.info(
    { apiToken: TOKEN, nested: { deeper: { oktaToken: TOKEN, list: [{ password: TOKEN }] } } },
    'created',
  );
  log.info(
    { headers: { authorization: `SSWS ${TOKEN}`, 'x-vault-token': TOKEN, cookie: `s=${TOKEN}` } },
    'call',
  );
  log.info({ config: { clientSecret: TOKEN, privateKey: TOKEN, OKTA_API_TOKEN: TOKEN } }, 'boot');
  log.warn(`Okta said no to Authorization: SSWS ${TOKEN}`);
  log.error({ err: new Error(`request with Bearer ${TOKEN} failed`) }, 'failed');
  log.child({ token: TOKEN }).info('child bindings');
  await new Promise((r) => setImmediate(r));
  t.equal(out.lines.length, 6);
  t.notMatch(out.text(), TOKEN);
  const first = JSON.parse(out.lines[0] as string);
  t.equal(first.apiToken, '[REDACTED]');
  t.equal(first.nested.deeper.list[0].password, '[REDACTED]');
  t.equal(first.msg, 'created');
  t.equal(first.name, 'redact-test');
  t.match(out.lines[3], /SSWS \[REDACTED\]/);
});

t.test('non-secret fields are kept', async (t) => {
  const out = capture();
  const log = createLogger({ name: 'keep', destination: out.stream });
  log.info({ connectionId: 'c-1', tokenId: '00t1', count: 3 }, 'ok');
  await new Promise((r) => setImmediate(r));
  t.match(JSON.parse(out.lines[0] as string), {
    connectionId: 'c-1',
    tokenId: '00t1',
    count: 3,
    level: 'info',
  });
});

t.test('redactSecrets masks SSWS and Bearer credentials', async (t) => {
  t.equal(redactSecrets(`SSWS ${TOKEN}`), 'SSWS [REDACTED]');
  t.equal(redactSecrets(`x Bearer eyJ.abc.def y`), 'x Bearer [REDACTED] y');
  t.equal(redactSecrets('no secrets here'), 'no secrets here');
});

t.test('log lines carry trace_id and span_id inside a span', async (t) => {
  const telemetry = startTelemetry({ serviceName: 'logger-test' });
  t.teardown(() => telemetry.shutdown());
  const out = capture();
  const log = createLogger({ name: 'trace', destination: out.stream });
  let traceId = '';
  await withSpan('work', async (span) => {
    traceId = span.spanContext().traceId;
    log.info('inside');
  });
  log.info('outside');
  await new Promise((r) => setImmediate(r));
  const [inside, outside] = out.lines.map((l) => JSON.parse(l));
  t.equal(inside.trace_id, traceId);
  t.match(inside.span_id, /^[0-9a-f]{16}$/);
  t.notOk(outside.trace_id);
});
