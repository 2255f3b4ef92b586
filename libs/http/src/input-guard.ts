// SPEC S1: no input may reach Postgres or an outbound header in a form they reject with an error
// (Postgres refuses NUL in text: `invalid byte sequence for encoding "UTF8": 0x00` → was a 500).
import { InvalidInputError } from '@appgov/errors';
import type { FastifyRequest } from 'fastify';

// Path and query values are identifiers and search terms: no control characters at all.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;
const MAX_DEPTH = 32;

/** What JSON.parse makes: arrays and plain objects. A stream or Buffer body (a route that forwards
 * or reads the raw request) is not JSON and is not walked: its object graph is cyclic and huge. */
function isJsonContainer(value: object): boolean {
  if (Array.isArray(value)) return true;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function hasNul(value: unknown, depth: number, seen = new Set<object>()): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (depth > MAX_DEPTH || value === null || typeof value !== 'object') return false;
  if (!isJsonContainer(value) || seen.has(value)) return false;
  seen.add(value);
  for (const [k, v] of Object.entries(value)) {
    if (k.includes('\u0000') || hasNul(v, depth + 1, seen)) return true;
  }
  return false;
}

function firstControl(values: unknown): string | undefined {
  if (values === null || typeof values !== 'object') return undefined;
  for (const [k, v] of Object.entries(values)) {
    const items = Array.isArray(v) ? v : [v];
    if (CONTROL_CHARS.test(k) || items.some((x) => typeof x === 'string' && CONTROL_CHARS.test(x))) return k;
  }
  return undefined;
}

/**
 * preValidation hook: 400 `INPUT_CONTROL_CHARACTER` for control characters in path or query values,
 * and for NUL anywhere in a JSON body. The message names the parameter, never its value.
 */
export async function rejectUnsafeInput(request: FastifyRequest): Promise<void> {
  for (const [where, values] of [
    ['path', request.params],
    ['query', request.query],
  ] as const) {
    const name = firstControl(values);
    if (name !== undefined) {
      throw new InvalidInputError(
        'INPUT_CONTROL_CHARACTER',
        `The ${where} parameter ${JSON.stringify(name.replace(CONTROL_CHARS, '?'))} contains a control character.`,
      );
    }
  }
  if (hasNul(request.body, 0)) {
    throw new InvalidInputError('INPUT_CONTROL_CHARACTER', 'The body contains a NUL character.');
  }
}
