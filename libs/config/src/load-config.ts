import { type Static, type TObject, type TSchema, Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

/** Raised at boot when the environment does not satisfy a service's config schema. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Reads the environment once against a TypeBox object schema whose keys are the variable names.
 * Strings are converted to numbers/booleans as the schema says, defaults are applied, and the
 * result is frozen. Every bad or missing variable is named in one error.
 */
export function loadConfig<S extends TObject>(
  schema: S,
  env: NodeJS.ProcessEnv = process.env,
): Readonly<Static<S>> {
  const raw: Record<string, unknown> = {};
  for (const key of Object.keys(schema.properties)) {
    const value = env[key];
    if (value !== undefined && value !== '') raw[key] = value;
  }
  const withDefaults = Value.Default(schema, raw);
  const converted = Value.Convert(schema, withDefaults);
  const problems = [...Value.Errors(schema, converted)].map((e) => {
    const name = e.path.replace(/^\//, '') || '(root)';
    const shown = (schema.properties as Record<string, TSchema>)[name]?.sensitive
      ? '<redacted>'
      : JSON.stringify(env[name]);
    return `${name}: ${e.message}${env[name] === undefined ? ' (not set)' : ` (got ${shown})`}`;
  });
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(converted as Static<S>);
}

/** A secret variable: its value is never echoed in config errors. */
export function Secret(options: { default?: string; minLength?: number } = {}) {
  return Type.String({ ...options, sensitive: true });
}

/** A comma-separated list variable, e.g. KAFKA_BROKERS=a:9092,b:9092. */
export function splitList(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}
