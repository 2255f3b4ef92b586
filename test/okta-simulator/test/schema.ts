import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';

// The Okta spec copied into the package (spec/), so the contract test does not depend on the repo layout.
const SPEC = fileURLToPath(new URL('../../spec/okta-management-subset.yaml', import.meta.url));

type Json = Record<string, unknown>;

/** OpenAPI 3.0 → JSON Schema: `nullable` becomes a null alternative; discriminators are dropped. */
function convert(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(convert);
  if (!node || typeof node !== 'object') return node;
  const out: Json = {};
  for (const [k, v] of Object.entries(node as Json)) {
    if (k === 'discriminator' || k === 'example' || k === 'examples') continue;
    out[k] = convert(v);
  }
  if (out.nullable === true) {
    delete out.nullable;
    if (typeof out.type === 'string' && !out.$ref && !out.allOf) {
      out.type = [out.type, 'null'];
      if (Array.isArray(out.enum)) out.enum = [...out.enum, null];
      return out;
    }
    return { anyOf: [out, { type: 'null' }] };
  }
  return out;
}

export function loadValidators(): (schemaName: string) => ValidateFunction {
  const doc = parse(readFileSync(SPEC, 'utf8')) as { components: { schemas: Json } };
  const schemas = convert(doc.components.schemas) as Record<string, Json>;
  // The published TimeDuration pattern starts `^P(?:$)`, which matches only "P"; Okta itself returns
  // "P30D". The evident intent is a negative lookahead, so validate against that.
  const td = schemas.TimeDuration as Json;
  td.pattern = String(td.pattern).replace('^P(?:$)', '^P(?!$)').replace('T(?:\\d)', 'T(?=\\d)');
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
  const addFormats =
    (addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule;
  (addFormats as unknown as (a: Ajv) => void)(ajv);
  ajv.addSchema({ $id: 'okta.json', components: { schemas } });
  const cache = new Map<string, ValidateFunction>();
  return (name) => {
    let v = cache.get(name);
    if (!v) {
      v = ajv.compile({ $ref: `okta.json#/components/schemas/${name}` });
      cache.set(name, v);
    }
    return v;
  };
}

/** An array schema over a named item schema, or over one of several (roles: StandardRole | CustomRole). */
export function arrayOf(validate: (name: string) => ValidateFunction, ...names: string[]) {
  return (body: unknown): string[] => {
    if (!Array.isArray(body)) return ['body is not an array'];
    const errors: string[] = [];
    body.forEach((item, i) => {
      const okAny = names.some((n) => validate(n)(item));
      if (!okAny) {
        const v = validate(names[0] as string);
        v(item);
        errors.push(`[${i}] ${JSON.stringify(v.errors?.slice(0, 3))}`);
      }
    });
    return errors;
  };
}
