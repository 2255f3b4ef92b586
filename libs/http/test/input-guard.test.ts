import { PassThrough } from 'node:stream';
import type { FastifyRequest } from 'fastify';
import t from 'tap';
import { rejectUnsafeInput } from '../src/input-guard.js';

const request = (body: unknown, params: unknown = {}, query: unknown = {}) =>
  ({ body, params, query }) as unknown as FastifyRequest;

t.test('NUL anywhere in a JSON body is refused, naming no value', async (t) => {
  await t.rejects(rejectUnsafeInput(request({ a: [{ b: 'x\u0000y' }] })), {
    code: 'INPUT_CONTROL_CHARACTER',
  });
  await t.rejects(rejectUnsafeInput(request({ 'k\u0000': 1 })), { code: 'INPUT_CONTROL_CHARACTER' });
  await t.resolves(rejectUnsafeInput(request({ a: [{ b: 'fine' }], n: 1, z: null })));
});

t.test('control characters in path and query values are refused', async (t) => {
  await t.rejects(rejectUnsafeInput(request(undefined, { id: 'a\nb' })), /path parameter "id"/);
  await t.rejects(rejectUnsafeInput(request(undefined, {}, { q: ['ok', 'a\u0007'] })), /query parameter "q"/);
});

// A body that is not parsed JSON (the console forwards the raw request stream) is not walked: its
// object graph (socket, server, parser) is cyclic and huge, and walking it spun the event loop.
t.test('a streamed body is not walked', async (t) => {
  const stream = new PassThrough();
  const cyclic: Record<string, unknown> = { stream };
  cyclic.self = cyclic;
  cyclic.again = cyclic;
  const started = performance.now();
  await t.resolves(rejectUnsafeInput(request(stream)));
  await t.resolves(rejectUnsafeInput(request(Buffer.from('a\u0000b'))));
  await t.resolves(rejectUnsafeInput(request(cyclic)));
  t.comment(`checked in ${(performance.now() - started).toFixed(1)} ms`);
});
