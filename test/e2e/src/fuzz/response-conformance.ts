// Whether a response is one the operation's document declares: its status, its media type
// (application/problem+json for every error) and its body against the declared schema.
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { Operation } from './openapi-operations.js';

export interface ObservedResponse {
  status: number;
  contentType: string | null;
  text: string;
}

export class ResponseConformance {
  private readonly ajv = new Ajv({ strict: false, allErrors: true });
  private readonly compiled = new Map<unknown, ValidateFunction>();

  constructor() {
    addFormats.default(this.ajv);
  }

  private validator(schema: unknown): ValidateFunction {
    let fn = this.compiled.get(schema);
    if (!fn) {
      fn = this.ajv.compile(schema as object);
      this.compiled.set(schema, fn);
    }
    return fn;
  }

  /** The ways the response departs from the document; empty when it conforms. */
  problems(op: Operation, res: ObservedResponse): string[] {
    const out: string[] = [];
    if (res.status >= 500) out.push(`server error ${res.status}`);
    const declared = op.responses[String(res.status)] ?? op.responses.default;
    if (!declared) {
      out.push(`status ${res.status} not declared (declared: ${Object.keys(op.responses).join(', ')})`);
      return out;
    }
    const content = declared.content;
    if (!content || Object.keys(content).length === 0) {
      if (res.text.length > 0) out.push(`status ${res.status} declares no body but one came`);
      return out;
    }
    const mediaType = (res.contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
    if (res.status >= 400 && mediaType !== 'application/problem+json') {
      out.push(`error ${res.status} answered as ${mediaType || 'no media type'}`);
    }
    const entry = content[mediaType];
    if (!entry) {
      out.push(
        `media type ${mediaType || 'none'} not declared for ${res.status} (${Object.keys(content).join(', ')})`,
      );
      return out;
    }
    if (!entry.schema) return out;
    let body: unknown;
    try {
      body = JSON.parse(res.text);
    } catch {
      out.push(`body is not JSON: ${res.text.slice(0, 120)}`);
      return out;
    }
    const validate = this.validator(entry.schema);
    if (!validate(body)) {
      out.push(`body does not match the ${res.status} schema: ${this.ajv.errorsText(validate.errors)}`);
    }
    return out;
  }
}
