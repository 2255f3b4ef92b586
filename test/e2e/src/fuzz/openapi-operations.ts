// The operations of one OpenAPI document, and fast-check arbitraries of requests to them built from
// each operation's parameter and request-body schemas.
import fc, { type Arbitrary } from 'fast-check';
import { fuzzValue, hostileString, type Schema, validValue } from './schema-arbitrary.js';

export interface OpenApiDocument {
  paths: Record<string, Record<string, any>>;
  components?: { schemas?: Record<string, Schema> };
}

export interface Operation {
  service: string;
  method: string;
  /** The path template, e.g. /v1/notifications/webhooks/{id}. */
  path: string;
  operationId: string;
  parameters: Array<{ name: string; in: string; required?: boolean; schema: Schema }>;
  bodySchema?: Schema;
  bodyRequired: boolean;
  responses: Record<string, { content?: Record<string, { schema?: Schema }> }>;
}

const METHODS = new Set(['get', 'post', 'put', 'patch', 'delete']);

/** Replaces every `$ref: #/components/schemas/x` by the schema it names (the documents have no cycles). */
export function inlineRefs(value: unknown, doc: OpenApiDocument): any {
  if (Array.isArray(value)) return value.map((v) => inlineRefs(v, doc));
  if (!value || typeof value !== 'object') return value;
  const ref = (value as Schema).$ref;
  if (typeof ref === 'string' && ref.startsWith('#/components/schemas/')) {
    const target = doc.components?.schemas?.[ref.slice('#/components/schemas/'.length)];
    if (!target) throw new Error(`unresolved ${ref}`);
    return inlineRefs(target, doc);
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = inlineRefs(v, doc);
  return out;
}

export function listOperations(service: string, doc: OpenApiDocument): Operation[] {
  const ops: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, raw] of Object.entries(item)) {
      if (!METHODS.has(method)) continue;
      const op = inlineRefs(raw, doc);
      ops.push({
        service,
        method: method.toUpperCase(),
        path,
        operationId: op.operationId ?? `${method} ${path}`,
        parameters: [...(inlineRefs(item.parameters ?? [], doc) as any[]), ...(op.parameters ?? [])],
        bodySchema: op.requestBody?.content?.['application/json']?.schema,
        bodyRequired: op.requestBody?.required === true,
        responses: op.responses ?? {},
      });
    }
  }
  return ops;
}

/** A request as the fuzzer sends it. */
export interface FuzzRequest {
  role: Role;
  path: string;
  /** The path parameter values used, to know which ids the request aimed at. */
  pathValues: string[];
  query: Array<[string, string]>;
  body?: { contentType: string; text: string };
}

export type Role = 'admin' | 'viewer' | 'operator' | 'anonymous' | 'garbage-token';

/** Ids a path parameter may take: the fuzzer's own, another tenant's, and made-up ones. */
export interface IdPool {
  own: () => string[];
  foreign: string[];
}

/** Cursors that are not what a list handed out: garbage, other encodings, forged contents. */
export const badCursors: Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '!!!',
    'null',
    '====',
    Buffer.from('{"k":1}').toString('base64url'),
    Buffer.from('{"sortValue":{"$gt":1},"id":[]}').toString('base64url'),
    Buffer.from('["a",1,null]').toString('base64url'),
    Buffer.from('\u0000\u0001').toString('base64url'),
    Buffer.from(JSON.stringify({ v: 'x'.repeat(500), id: "' or 1=1 --" })).toString('base64url'),
    'eyJpZCI6IjEifQ',
  ),
  fc.base64String({ maxLength: 60 }),
  fc.string({ maxLength: 40 }).map((s) => Buffer.from(s).toString('base64url')),
);

function stringifyQueryValue(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === null || v === undefined) return '';
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

function queryArbitrary(op: Operation): Arbitrary<Array<[string, string]>> {
  const params = op.parameters.filter((p) => p.in === 'query');
  const each = params.map((p) => {
    const value =
      p.name === 'cursor'
        ? fc.oneof(badCursors, validValue(p.schema))
        : fc
            .oneof(
              { weight: 3, arbitrary: validValue(p.schema) },
              { weight: 1, arbitrary: fuzzValue(p.schema) },
            )
            .map(stringifyQueryValue);
    // Absent, present once, or repeated (an array where the schema expects one value).
    return fc.oneof(
      { weight: 3, arbitrary: fc.constant([] as Array<[string, string]>) },
      { weight: 4, arbitrary: value.map((v) => [[p.name, String(v)]] as Array<[string, string]>) },
      {
        weight: 1,
        arbitrary: fc.tuple(value, value).map(
          ([a, b]) =>
            [
              [p.name, String(a)],
              [p.name, String(b)],
            ] as Array<[string, string]>,
        ),
      },
    );
  });
  const extra = fc.oneof(
    { weight: 5, arbitrary: fc.constant([] as Array<[string, string]>) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.constantFrom('unknown', '__proto__', 'limit[]'), hostileString())
        .map((kv) => [kv]),
    },
  );
  return fc.tuple(fc.tuple(...each), extra).map(([lists, more]) => [...lists.flat(), ...more]);
}

function pathValueArbitrary(schema: Schema, pool: IdPool): Arbitrary<string> {
  return fc.oneof(
    {
      weight: 3,
      arbitrary: fc
        .constant(null)
        .map(() => pool.own())
        .chain((ids) => (ids.length > 0 ? fc.constantFrom(...ids) : fc.uuid())),
    },
    { weight: 2, arbitrary: pool.foreign.length > 0 ? fc.constantFrom(...pool.foreign) : fc.uuid() },
    { weight: 2, arbitrary: fc.uuid() },
    { weight: 2, arbitrary: fuzzValue(schema).map(stringifyQueryValue) },
  );
}

function bodyArbitrary(op: Operation): Arbitrary<FuzzRequest['body']> {
  const json = (a: Arbitrary<unknown>) =>
    a.map((v) => ({ contentType: 'application/json', text: JSON.stringify(v) ?? 'null' }));
  const schema = op.bodySchema ?? { type: 'object', properties: {} };
  return fc.oneof(
    { weight: 8, arbitrary: json(fuzzValue(schema)) },
    { weight: 1, arbitrary: fc.constant(undefined) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        { contentType: 'application/json', text: '{"a":' },
        { contentType: 'application/json', text: '' },
        { contentType: 'application/json', text: `{"x":"${'a'.repeat(2_000_000)}"}` },
        { contentType: 'text/plain', text: 'hello' },
        { contentType: 'application/x-www-form-urlencoded', text: 'a=1&b=2' },
        { contentType: 'application/json; charset=utf-16', text: '{}' },
      ),
    },
  );
}

const roles: Arbitrary<Role> = fc.oneof(
  { weight: 6, arbitrary: fc.constant<Role>('admin') },
  { weight: 3, arbitrary: fc.constant<Role>('viewer') },
  { weight: 1, arbitrary: fc.constantFrom<Role>('operator', 'anonymous', 'garbage-token') },
);

/** encodeURIComponent, except that a lone surrogate (which it refuses) is sent as U+FFFD's bytes. */
function encodePathSegment(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return encodeURIComponent(Buffer.from(value, 'utf8').toString('utf8'));
  }
}

/** Requests to one operation: a role, path values, query and (for bodies) a payload. */
export function requestArbitrary(op: Operation, pool: IdPool): Arbitrary<FuzzRequest> {
  const names = [...op.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] as string);
  const pathParams = names.map((n) => {
    const p = op.parameters.find((x) => x.in === 'path' && x.name === n);
    return pathValueArbitrary(p?.schema ?? { type: 'string' }, pool);
  });
  const hasBody = op.bodySchema !== undefined;
  return fc
    .record({
      role: roles,
      values: fc.tuple(...pathParams),
      query: queryArbitrary(op),
      body: hasBody ? bodyArbitrary(op) : fc.constant(undefined),
    })
    .map(({ role, values, query, body }) => {
      let i = 0;
      const path = op.path.replace(/\{[^}]+\}/g, () => encodePathSegment(values[i++] as string));
      return { role, path, pathValues: values as string[], query, ...(body ? { body } : {}) };
    });
}
