// A small JSON Schema → fast-check mapper for the subset the services' OpenAPI documents use
// (TypeBox output: type, enum, anyOf, string bounds/pattern/format, number bounds, arrays, objects).
// `validValue` draws values the schema accepts; `invalidValue` draws values at and beyond its edges
// (over-long strings, NUL bytes, lone surrogates, huge and negative numbers, wrong types, missing
// and extra fields) so a service is fed what a careless or hostile caller sends.
import fc, { type Arbitrary } from 'fast-check';

export type Schema = Record<string, any>;

/** Arrays and free strings are kept short in valid values: the edges come from `invalidValue`. */
const SMALL = 24;
const HUGE_STRING_LENGTH = 70_000;

function types(schema: Schema): string[] {
  if (Array.isArray(schema.type)) return schema.type;
  if (typeof schema.type === 'string') return [schema.type];
  if (schema.properties) return ['object'];
  return [];
}

/** A string the pattern accepts, kept within the length bounds by repeating or cutting it. */
function patternString(schema: Schema): Arbitrary<string> {
  const re = new RegExp(schema.pattern);
  const min = schema.minLength ?? 0;
  const max = schema.maxLength ?? SMALL * 4;
  // A URL-shaped pattern (^https?://) is better served by real URLs than by random tails.
  const source = schema.pattern.includes('://')
    ? fc.oneof(fc.webUrl(), fc.stringMatching(re, { size: 'small' }))
    : fc.stringMatching(re, { size: 'small' });
  return source
    .map((s) => {
      let out = s;
      while (out.length > 0 && out.length < min) out += s;
      return out.slice(0, max);
    })
    .filter((s) => re.test(s) && s.length >= min && s.length <= max);
}

function validString(schema: Schema): Arbitrary<string> {
  if (schema.pattern) return patternString(schema);
  const min = schema.minLength ?? 0;
  const max = schema.maxLength ?? Number.POSITIVE_INFINITY;
  const within = (a: Arbitrary<string>) => a.filter((s) => s.length >= min && s.length <= max);
  switch (schema.format) {
    case 'uuid':
      return fc.uuid();
    case 'email':
      return within(fc.emailAddress());
    case 'uri':
      return within(fc.webUrl());
  }
  const upper = Math.min(max, min + SMALL);
  return fc.oneof(
    fc.string({ minLength: min, maxLength: upper }),
    fc.string({ unit: 'grapheme', minLength: min, maxLength: upper }).filter((s) => s.length <= max),
    // The longest accepted value, which reaches every column and buffer at its limit.
    ...(Number.isFinite(max) ? [fc.constant('x'.repeat(max))] : []),
  );
}

function numberBounds(schema: Schema): { min: number; max: number } {
  let min = schema.minimum ?? -1e9;
  let max = schema.maximum ?? 1e9;
  if (typeof schema.exclusiveMinimum === 'number') min = Math.max(min, schema.exclusiveMinimum + 1e-9);
  if (typeof schema.exclusiveMaximum === 'number') max = Math.min(max, schema.exclusiveMaximum - 1e-9);
  return { min, max };
}

function validInteger(schema: Schema): Arbitrary<number> {
  const { min, max } = numberBounds(schema);
  const lo = Math.ceil(min);
  const hi = Math.floor(max);
  return fc.oneof(fc.integer({ min: lo, max: hi }), fc.constantFrom(lo, hi));
}

function validObject(schema: Schema, depth: number): Arbitrary<Record<string, unknown>> {
  const props: Record<string, Schema> = schema.properties ?? {};
  const required: string[] = schema.required ?? [];
  const model: Record<string, Arbitrary<unknown>> = {};
  for (const [name, prop] of Object.entries(props)) model[name] = validValue(prop, depth + 1);
  const record = fc.record(model, { requiredKeys: required.filter((r) => r in props) });
  const min = schema.minProperties ?? 0;
  return record.filter((o) => Object.keys(o).length >= min);
}

/** Values the schema accepts. */
export function validValue(schema: Schema, depth = 0): Arbitrary<unknown> {
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (Array.isArray(schema.enum)) return fc.constantFrom(...schema.enum);
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (Array.isArray(alternatives)) return fc.oneof(...alternatives.map((s: Schema) => validValue(s, depth)));
  const kinds = types(schema);
  if (kinds.length === 0) return fc.jsonValue({ maxDepth: 2 });
  return fc.oneof(
    ...kinds.map((kind): Arbitrary<unknown> => {
      switch (kind) {
        case 'string':
          return validString(schema);
        case 'integer':
          return validInteger(schema);
        case 'number': {
          const { min, max } = numberBounds(schema);
          return fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
        }
        case 'boolean':
          return fc.boolean();
        case 'null':
          return fc.constant(null);
        case 'array': {
          const item = schema.items ? validValue(schema.items, depth + 1) : fc.jsonValue({ maxDepth: 1 });
          const minLength = schema.minItems ?? 0;
          const maxLength = Math.min(schema.maxItems ?? minLength + 4, minLength + 4);
          return schema.uniqueItems
            ? fc.uniqueArray(item, { minLength, maxLength, selector: (v) => JSON.stringify(v) })
            : fc.array(item, { minLength, maxLength });
        }
        case 'object':
          return validObject(schema, depth);
        default:
          return fc.constant(null);
      }
    }),
  );
}

/** Strings no schema should let through unharmed, whatever it declares. */
export function hostileString(maxLength?: number): Arbitrary<string> {
  const constants = fc.constantFrom(
    '',
    ' ',
    'a\u0000b',
    '\u0000',
    '\ud800',
    'x\udfffy',
    '%00',
    '%',
    '../../etc/passwd',
    "'; select pg_sleep(1); --",
    '\r\nX-Injected: 1',
    '🦄'.repeat(40),
    'ʻOkta\u202e',
    '*',
    '\\',
    '{"$gt":""}',
    '-1',
    '1e309',
    'NaN',
    'null',
    'true',
  );
  return fc.oneof(
    { weight: 6, arbitrary: constants },
    { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
    { weight: 2, arbitrary: fc.constant('x'.repeat((maxLength ?? 2048) + 1)) },
    // Beyond Node's header limit in a query or path: refused before routing.
    { weight: 1, arbitrary: fc.constant('y'.repeat(HUGE_STRING_LENGTH)) },
  );
}

/** Numbers at and beyond any bounds: negative, fractional, beyond 2^53, beyond int4. */
export function hostileNumber(schema: Schema = {}): Arbitrary<number> {
  const { min, max } = numberBounds(schema);
  return fc.constantFrom(
    -1,
    0,
    0.5,
    -0,
    2 ** 31,
    2 ** 53 + 2,
    1e308,
    -1e308,
    Number.MAX_SAFE_INTEGER,
    Math.floor(min) - 1,
    Math.ceil(max) + 1,
  );
}

function wrongType(kinds: string[]): Arbitrary<unknown> {
  const all: Record<string, Arbitrary<unknown>> = {
    string: fc.string({ maxLength: 8 }),
    number: fc.double({ noNaN: true, noDefaultInfinity: true }),
    integer: fc.integer(),
    boolean: fc.boolean(),
    null: fc.constant(null),
    array: fc.array(fc.string({ maxLength: 4 }), { maxLength: 3 }),
    object: fc.dictionary(fc.string({ maxLength: 6 }), fc.string({ maxLength: 6 }), { maxKeys: 3 }),
  };
  const others = Object.entries(all)
    .filter(([k]) => !kinds.includes(k) && !(k === 'integer' && kinds.includes('number')))
    .map(([, a]) => a);
  return others.length > 0 ? fc.oneof(...others) : fc.constant(Symbol.for('unused'));
}

function invalidObject(schema: Schema, depth: number): Arbitrary<unknown> {
  const props: Record<string, Schema> = schema.properties ?? {};
  const names = Object.keys(props);
  const required: string[] = schema.required ?? [];
  const valid = validObject(schema, depth);
  const options: Arbitrary<unknown>[] = [
    valid.map((o) => ({ ...o, unexpectedField: 'extra' })),
    valid.map((o) => ({ ...o, ['__proto__']: { polluted: true } })),
    valid.map((o) => ({ ...o, constructor: { prototype: { polluted: true } } })),
  ];
  if (required.length > 0) {
    options.push(
      fc.tuple(valid, fc.constantFrom(...required)).map(([o, drop]) => {
        const copy: Record<string, unknown> = { ...o };
        delete copy[drop];
        return copy;
      }),
    );
  }
  if (names.length > 0 && depth < 3) {
    options.push(
      fc
        .constantFrom(...names)
        .chain((name) =>
          fc
            .tuple(valid, invalidValue(props[name] as Schema, depth + 1))
            .map(([o, bad]) => ({ ...o, [name]: bad })),
        ),
    );
  }
  return fc.oneof(...options);
}

/** Values at and beyond the schema's edges, most of which it must refuse. */
export function invalidValue(schema: Schema, depth = 0): Arbitrary<unknown> {
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (Array.isArray(alternatives)) {
    return fc.oneof(...alternatives.map((s: Schema) => invalidValue(s, depth)));
  }
  if (Array.isArray(schema.enum)) return fc.oneof(hostileString(), fc.integer(), fc.constant(null));
  const kinds = types(schema);
  const options: Arbitrary<unknown>[] = [];
  const wrong = wrongType(kinds);
  if (kinds.length > 0) options.push(wrong);
  if (kinds.includes('string')) options.push(hostileString(schema.maxLength));
  if (kinds.includes('integer') || kinds.includes('number')) options.push(hostileNumber(schema));
  if (kinds.includes('array')) {
    const item = schema.items ? validValue(schema.items, depth + 1) : fc.string();
    const tooMany = (schema.maxItems ?? 100) + 1;
    options.push(fc.array(item, { minLength: tooMany, maxLength: tooMany }));
    options.push(fc.constant([]));
    if (schema.items)
      options.push(fc.array(invalidValue(schema.items, depth + 1), { minLength: 1, maxLength: 3 }));
    if (schema.uniqueItems) options.push(item.map((v) => [v, v]));
  }
  if (kinds.includes('object')) options.push(invalidObject(schema, depth));
  return options.length > 0 ? fc.oneof(...options) : hostileString();
}

/** Mostly edge and hostile values, some valid ones so the deeper code paths run too. */
export function fuzzValue(schema: Schema): Arbitrary<unknown> {
  return fc.oneof(
    { weight: 1, arbitrary: validValue(schema) },
    { weight: 1, arbitrary: invalidValue(schema) },
  );
}
