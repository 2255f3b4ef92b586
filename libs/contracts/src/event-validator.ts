import type { TSchema } from '@sinclair/typebox';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { AppInventoryState } from './app-inventory-state.schema.js';
import { DlqRecord } from './dlq-record.schema.js';
import { EVENT_TYPES, type EventType, eventSchemas, isEventType } from './event-registry.js';

// ajv-formats is CommonJS: under NodeNext its default import is module.exports, typed as the namespace.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

/** One schema violation, as `<json pointer> <message>`. */
export type ValidationErrors = string[];

/** A fresh ajv instance configured as the contracts need (strict, all errors, formats). */
export function createAjv(): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: true });
  addFormats(ajv);
  return ajv;
}

const ajv = createAjv();
const compiled = new Map<string, ValidateFunction>();

/** Compiles (once) and returns the validator of a schema. */
function validatorOf(key: string, schema: TSchema): ValidateFunction {
  let validate = compiled.get(key);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(key, validate);
  }
  return validate;
}

const format = (errors: ErrorObject[] | null | undefined): ValidationErrors =>
  (errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? e.keyword}`);

/** Compiles every event validator now (services call it at boot so a broken schema fails fast). */
export function compileAllValidators(): void {
  for (const type of EVENT_TYPES) validatorOf(type, eventSchemas[type].envelope);
  validatorOf('#AppInventoryState', AppInventoryState);
  validatorOf('#DlqRecord', DlqRecord);
}

/**
 * Validates a whole envelope against the schema of its `type`. Returns the violations; empty means
 * valid. An unknown or missing type is a violation too (see `isEventType` to tell them apart).
 */
export function validateEvent(envelope: unknown): ValidationErrors {
  const type = (envelope as { type?: unknown } | null)?.type;
  if (!isEventType(type)) return [`/type unknown event type ${JSON.stringify(type ?? null)}`];
  const validate = validatorOf(type, eventSchemas[type].envelope);
  return validate(envelope) ? [] : format(validate.errors);
}

/** Validates only the `data` of an event type. */
export function validateEventData(type: EventType, data: unknown): ValidationErrors {
  const validate = validatorOf(`${type}#data`, eventSchemas[type].data);
  return validate(data) ? [] : format(validate.errors);
}

/** Validates a value of the compacted app-inventory-state topic (null, a tombstone, is valid). */
export function validateAppInventoryState(value: unknown): ValidationErrors {
  if (value === null) return [];
  const validate = validatorOf('#AppInventoryState', AppInventoryState);
  return validate(value) ? [] : format(validate.errors);
}

/** Validates a DLQ record. */
export function validateDlqRecord(value: unknown): ValidationErrors {
  const validate = validatorOf('#DlqRecord', DlqRecord);
  return validate(value) ? [] : format(validate.errors);
}
